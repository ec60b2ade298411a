package io.etch.raft;

import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.conf.ConfChangeType;
import io.etch.raft.conf.ConfChanger;
import io.etch.raft.log.RaftLog;
import io.etch.raft.quorum.MajorityConfig;
import io.etch.raft.quorum.VoteResult;
import io.etch.raft.read.ReadIndexQueue;
import io.etch.raft.read.ReadOnlyOption;
import io.etch.raft.read.ReadState;
import io.etch.raft.storage.InitialState;
import io.etch.raft.storage.RaftStorage;
import io.etch.raft.tracker.Progress;
import io.etch.raft.tracker.ProgressState;
import io.etch.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft protocol for one member: a pure state machine driven by {@link #step} and {@link #tick},
 * emitting messages into an outbox that {@link RawNode} turns into {@link Ready} batches.
 *
 * <p>Design. The role (follower, pre-candidate, candidate, leader) selects a step handler and a
 * tick handler; everything that is not role logic lives elsewhere: the log and its unstable tail
 * ({@link RaftLog}), quorum arithmetic ({@code quorum}), per-follower flow control ({@code
 * tracker}), pending reads ({@link ReadIndexQueue}) and membership arithmetic ({@link
 * ConfChanger}). The term-level rules of §5.1 (a higher term turns us into a follower, a lower term
 * is ignored or answered so a stale leader learns) are applied once in {@link #step} before any
 * role sees the message.
 *
 * <p>Persistence. The leader counts itself toward a commit only for entries it has made durable
 * ({@link #onPersisted}), so its append messages may leave before its own fsync without risking a
 * commit that a crash could undo. Everything that reflects a vote or a term change leaves only
 * after the hard state is durable (see {@link Ready}).
 *
 * <p>Membership uses single-server changes (one in flight, §4.1 of the Raft thesis), applied when
 * the entry is applied, as in etcd. A new leader may propose a change only after its first entry of
 * the term is applied (the fix for the single-server change bug of §4.1 / raft-dev 2015).
 */
final class Raft {
  private static final Logger LOG = LoggerFactory.getLogger(Raft.class);

  final long id;
  long term;
  long vote;
  long lead;
  StateRole state = StateRole.FOLLOWER;
  final RaftLog log;
  final ProgressTracker tracker;
  final List<Message> msgs = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  private final ReadIndexQueue readIndexQueue;
  private final Replicator replicator;
  private final List<Message> pendingReadIndexMessages = new ArrayList<>();

  private final RaftConfig config;
  private final RandomGenerator random;
  private final int electionTimeout;
  private final int heartbeatTimeout;
  private int randomizedElectionTimeout;
  int electionElapsed;
  private int heartbeatElapsed;
  long leadTransferee;

  /** A leader that applied its own removal or demotion, looking for a successor. */
  private boolean steppingDown;

  /**
   * The leader proposed its own removal or demotion: it accepts no more entries, so that once the
   * change is applied the remaining voters can match its whole log and elect a successor.
   */
  private boolean removingSelf;

  /**
   * Set when this member applies its own removal or demotion: the voters of the configuration
   * before it. Under etcd-style apply-time membership the remaining voters may not yet know the
   * removal is committed and still count our vote, while our log may be the only up-to-date one; we
   * then refuse their votes and never campaign, a deadlock. So we may campaign under that previous
   * configuration (safe with single-server changes: a previous majority that includes us still
   * intersects every new majority, so the election restriction keeps leader completeness), and as
   * leader we accept no proposals and only replicate until a remaining voter holds our whole log,
   * then send it TimeoutNow. The right lapses once the log shows a later membership change (the
   * previous voters then no longer decide anything). A removed member should be shut down once a
   * remaining voter applied the removal; until then, with pre-vote, it can only win an election the
   * remaining voters could not win themselves.
   */
  private long[] handoverVoters;

  /** The applied index when {@link #handoverVoters} was set: the removal entry comes after. */
  private long handoverFromIndex;

  long pendingConfIndex;
  private long uncommittedBytes;

  /**
   * The leader owes every follower the entries proposed since the last {@link Ready}. Sent once by
   * {@link #flushAppends()} when the node collects its next Ready, so the proposals stepped in
   * between leave as one append per follower (up to {@code maxSizePerMsgBytes}) instead of one per
   * proposal; the follower then answers once too. Any broadcast before that (a commit advance)
   * carries them and clears it.
   */
  private boolean appendsDue;

  Raft(RaftConfig config, RaftStorage storage) {
    this.config = config;
    this.id = config.id();
    this.random = config.random();
    this.electionTimeout = config.electionTimeoutTicks();
    this.heartbeatTimeout = config.heartbeatIntervalTicks();
    this.log = new RaftLog(storage, config.maxCommittedBytesPerReady());
    this.tracker = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
    this.readIndexQueue = new ReadIndexQueue(config.maxPendingReadIndex());
    this.replicator = new Replicator(id, log, tracker, config.maxSizePerMsgBytes(), msgs);
    InitialState init = storage.initialState();
    ConfState cs = init.confState();
    if (cs.isJoint()) {
      throw new IllegalStateException("joint configurations are not supported: " + cs);
    }
    tracker.setMembership(cs.voters(), cs.learners(), log.lastIndex() + 1);
    HardState hs = init.hardState();
    if (!hs.isEmpty()) {
      log.loadCommit(hs.commit());
      term = hs.term();
      vote = hs.vote();
    }
    if (config.appliedIndex() > 0) {
      log.appliedTo(config.appliedIndex());
    }
    becomeFollower(term, Message.NONE);
    LOG.debug(
        "member {} starts: term={} commit={} applied={} last={} conf={}",
        id,
        term,
        log.committed(),
        log.applied(),
        log.lastIndex(),
        cs);
  }

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  SoftState softState() {
    return new SoftState(lead, state);
  }

  /**
   * Whether this member may campaign: a voter of its current configuration, or a member that
   * applied its own removal and has not handed over yet (see {@link #handoverVoters}).
   */
  boolean promotable() {
    return tracker.voters().contains(id) || handoverVoters != null;
  }

  /** The voters an election of ours is decided by. */
  private MajorityConfig electionVoters() {
    return handoverVoters != null ? new MajorityConfig(handoverVoters) : tracker.voters();
  }

  // ---------------------------------------------------------------- role transitions

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = Message.NONE;
    }
    lead = Message.NONE;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    randomizedElectionTimeout = electionTimeout + random.nextInt(electionTimeout);
    leadTransferee = Message.NONE;
    steppingDown = false;
    removingSelf = false;
    tracker.resetVotes();
    long last = log.lastIndex();
    long stable = log.lastStableIndex();
    tracker.forEachMember(
        m -> {
          Progress p = tracker.progress(m);
          p.reset(m == id ? stable : 0, last + 1);
        });
    pendingConfIndex = 0;
    uncommittedBytes = 0;
    appendsDue = false;
    readIndexQueue.clear();
    pendingReadIndexMessages.clear();
  }

  void becomeFollower(long newTerm, long newLead) {
    reset(newTerm);
    lead = newLead;
    state = StateRole.FOLLOWER;
  }

  private void becomePreCandidate() {
    if (state == StateRole.LEADER) {
      throw new IllegalStateException("invalid transition leader -> pre-candidate");
    }
    tracker.resetVotes();
    lead = Message.NONE;
    state = StateRole.PRE_CANDIDATE;
  }

  private void becomeCandidate() {
    if (state == StateRole.LEADER) {
      throw new IllegalStateException("invalid transition leader -> candidate");
    }
    reset(term + 1);
    vote = id;
    state = StateRole.CANDIDATE;
  }

  private void becomeLeader() {
    if (state == StateRole.FOLLOWER) {
      throw new IllegalStateException("invalid transition follower -> leader");
    }
    reset(term);
    lead = id;
    state = StateRole.LEADER;
    Progress self = tracker.progress(id);
    if (self != null) {
      self.becomeReplicate();
    }
    if (!tracker.voters().contains(id)) {
      // elected to hand over (see handoverVoters): replicate, then pass leadership on
      steppingDown = true;
    }
    // §5.4.2 / §8: an empty entry of our term lets us commit (and learn the commit index).
    appendEntries(List.of(new Entry(0, 0, EntryType.NORMAL, null)), false);
    // no membership change until that entry is applied (single-server change safety)
    pendingConfIndex = log.lastIndex();
    // a committed-but-unapplied change may already remove us: then accept nothing more
    removingSelf = pendingChangeRemovesSelf();
    LOG.debug("member {} became leader at term {}", id, term);
  }

  // ---------------------------------------------------------------- ticks

  void tick() {
    if (state == StateRole.LEADER) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  private void tickElection() {
    electionElapsed++;
    if (promotable() && electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      step(local(MessageType.HUP));
    }
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= electionTimeout) {
      electionElapsed = 0;
      if (config.checkQuorum()) {
        step(local(MessageType.CHECK_QUORUM));
      }
      // a transfer that did not finish within an election timeout is abandoned
      if (state == StateRole.LEADER && leadTransferee != Message.NONE) {
        leadTransferee = Message.NONE;
      }
    }
    if (state != StateRole.LEADER) {
      return;
    }
    if (heartbeatElapsed >= heartbeatTimeout) {
      heartbeatElapsed = 0;
      step(local(MessageType.BEAT));
    }
  }

  private Message local(MessageType type) {
    return Message.builder(type).from(id).build();
  }

  // ---------------------------------------------------------------- step

  void step(Message m) {
    if (m.term() == 0) {
      // local message or forwarded request: no term rules
    } else if (m.term() > term) {
      MessageType t = m.type();
      if (t == MessageType.VOTE || t == MessageType.PRE_VOTE) {
        boolean force = CampaignKind.isTransfer(m.context());
        boolean inLease =
            (config.checkQuorum() || config.preVote())
                && lead != Message.NONE
                && electionElapsed < electionTimeout;
        if (!force && inLease) {
          // leader stickiness (§4.2.3 / §9.6): we heard from a leader recently
          return;
        }
      }
      if (t == MessageType.PRE_VOTE) {
        // never change term on a pre-vote
      } else if (t == MessageType.PRE_VOTE_RESP && !m.reject()) {
        // the term we would campaign in; we bump it when a quorum grants
      } else if (t == MessageType.APP || t == MessageType.HEARTBEAT || t == MessageType.SNAP) {
        becomeFollower(m.term(), m.from());
      } else {
        becomeFollower(m.term(), Message.NONE);
      }
    } else if (m.term() < term) {
      if ((config.checkQuorum() || config.preVote())
          && (m.type() == MessageType.APP || m.type() == MessageType.HEARTBEAT)) {
        // a stale leader (maybe partitioned away): our higher term makes it step down
        send(Message.builder(MessageType.APP_RESP).to(m.from()).term(term));
      } else if (m.type() == MessageType.PRE_VOTE) {
        send(withCommitHint(Message.builder(MessageType.PRE_VOTE_RESP).to(m.from()).term(term)));
      } else if (m.type() == MessageType.VOTE) {
        // §5.1: a stale candidate learns our term from the rejection (otherwise two members that
        // do not count each other's configuration can race terms forever)
        send(withCommitHint(Message.builder(MessageType.VOTE_RESP).to(m.from()).term(term)));
      }
      return;
    }

    if ((m.type() == MessageType.VOTE_RESP || m.type() == MessageType.PRE_VOTE_RESP)
        && m.reject()) {
      learnCommitHint(m.index(), m.logTerm());
    }
    switch (m.type()) {
      case HUP -> hup(config.preVote() ? CampaignKind.PRE_ELECTION : CampaignKind.ELECTION);
      case VOTE, PRE_VOTE -> handleVoteRequest(m);
      default -> {
        switch (state) {
          case LEADER -> stepLeader(m);
          case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
          case FOLLOWER -> stepFollower(m);
        }
      }
    }
  }

  /**
   * A vote rejection carries the voter's commit index and the term there ({@code index}, {@code
   * logTerm}). Committedness is a property of the (index, term) prefix, so a candidate whose log
   * matches it may adopt that commit index. This lets voters that have not learnt a membership
   * change is committed (they would otherwise keep needing the vote of a removed member with a
   * longer log) apply it and elect among themselves.
   */
  private Message.Builder withCommitHint(Message.Builder b) {
    long c = log.committed();
    return b.reject(true).index(c).logTerm(log.termOrZero(c));
  }

  private void learnCommitHint(long index, long indexTerm) {
    if (index > log.committed() && indexTerm > 0 && log.matchTerm(index, indexTerm)) {
      log.commitTo(index);
    }
  }

  private void handleVoteRequest(Message m) {
    boolean pre = m.type() == MessageType.PRE_VOTE;
    MessageType resp = pre ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;
    boolean canVote =
        vote == m.from()
            || (vote == Message.NONE && lead == Message.NONE)
            || (pre && m.term() > term);
    // §5.4.1 election restriction: only for a candidate whose log is at least as up to date
    if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
      send(Message.builder(resp).to(m.from()).term(m.term()));
      if (!pre) {
        electionElapsed = 0;
        vote = m.from();
      }
    } else {
      send(withCommitHint(Message.builder(resp).to(m.from()).term(term)));
    }
  }

  // ---------------------------------------------------------------- elections

  private void hup(CampaignKind kind) {
    if (state == StateRole.LEADER) {
      return;
    }
    if (!promotable()) {
      return;
    }
    if (hasUnappliedConfChanges()) {
      // our membership may be stale; campaigning under it could split the cluster
      return;
    }
    if (handoverVoters != null && !tracker.voters().contains(id) && laterConfChangeInLog()) {
      // a change after our removal exists: the previous voters no longer decide anything
      handoverVoters = null;
      return;
    }
    campaign(kind);
  }

  private boolean pendingChangeRemovesSelf() {
    long lo = Math.max(log.applied() + 1, log.firstIndex());
    long hi = log.lastIndex() + 1;
    while (lo < hi) {
      List<Entry> ents = log.slice(lo, hi, config.maxSizePerMsgBytes());
      for (int i = 0; i < ents.size(); i++) {
        Entry e = ents.get(i);
        if (e.type() == EntryType.CONF_CHANGE) {
          ConfChange cc = ConfChangeCodec.decode(e.data());
          if (cc.nodeId() == id && cc.type() != ConfChangeType.ADD_VOTER) {
            return true;
          }
        }
      }
      lo += ents.size();
    }
    return false;
  }

  /** Whether the log holds a membership change after the one that removed us. */
  private boolean laterConfChangeInLog() {
    long lo = Math.max(handoverFromIndex + 1, log.firstIndex());
    long hi = log.lastIndex() + 1;
    while (lo < hi) {
      List<Entry> ents = log.slice(lo, hi, config.maxSizePerMsgBytes());
      for (int i = 0; i < ents.size(); i++) {
        Entry e = ents.get(i);
        if (e.type() != EntryType.CONF_CHANGE) {
          continue;
        }
        ConfChange cc = ConfChangeCodec.decode(e.data());
        boolean ourRemoval = cc.nodeId() == id && cc.type() != ConfChangeType.ADD_VOTER;
        if (!ourRemoval) {
          return true;
        }
      }
      lo += ents.size();
    }
    return false;
  }

  private boolean hasUnappliedConfChanges() {
    if (log.applied() >= log.committed()) {
      return false;
    }
    long lo = Math.max(log.applied() + 1, log.firstIndex());
    long hi = log.committed() + 1;
    while (lo < hi) {
      List<Entry> ents = log.slice(lo, hi, config.maxSizePerMsgBytes());
      for (int i = 0; i < ents.size(); i++) {
        if (ents.get(i).type() == EntryType.CONF_CHANGE) {
          return true;
        }
      }
      lo += ents.size();
    }
    return false;
  }

  private void campaign(CampaignKind kind) {
    MessageType voteType;
    long voteTerm;
    if (kind == CampaignKind.PRE_ELECTION) {
      becomePreCandidate();
      voteType = MessageType.PRE_VOTE;
      voteTerm = term + 1;
    } else {
      becomeCandidate();
      voteType = MessageType.VOTE;
      voteTerm = term;
    }
    tracker.recordVote(id, true);
    MajorityConfig electorate = electionVoters();
    if (tracker.tallyVotes(electorate) == VoteResult.WON) {
      // single voter
      if (kind == CampaignKind.PRE_ELECTION) {
        campaign(CampaignKind.ELECTION);
      } else {
        becomeLeader();
      }
      return;
    }
    byte[] ctx = kind == CampaignKind.TRANSFER ? CampaignKind.TRANSFER_CONTEXT : null;
    for (long v : electorate.ids()) {
      if (v == id) {
        continue;
      }
      send(
          Message.builder(voteType)
              .to(v)
              .term(voteTerm)
              .index(log.lastIndex())
              .logTerm(log.lastTerm())
              .context(ctx));
    }
  }

  // ---------------------------------------------------------------- role handlers

  private void stepLeader(Message m) {
    switch (m.type()) {
      case BEAT -> {
        broadcastHeartbeat(readIndexQueue.lastContext());
        return;
      }
      case CHECK_QUORUM -> {
        if (!tracker.quorumActive(id)) {
          LOG.debug("leader {} lost contact with a quorum at term {}; stepping down", id, term);
          becomeFollower(term, Message.NONE);
        }
        tracker.forEachMember(
            p -> {
              if (p != id) {
                tracker.progress(p).recentActive(false);
              }
            });
        return;
      }
      case PROP -> {
        propose(m);
        return;
      }
      case READ_INDEX -> {
        leaderReadIndex(m);
        return;
      }
      default -> {}
    }
    Progress pr = tracker.progress(m.from());
    if (pr == null) {
      return;
    }
    switch (m.type()) {
      case APP_RESP -> handleAppendResponse(m, pr);
      case HEARTBEAT_RESP -> handleHeartbeatResponse(m, pr);
      case SNAP_STATUS -> {
        if (pr.state() != ProgressState.SNAPSHOT) {
          return;
        }
        if (m.reject()) {
          // failed: forget the pending snapshot; the next heartbeat response retries
          pr.abortSnapshot();
        } else {
          // delivered: wait for the follower's append response before sending more
          pr.becomeProbe();
        }
        pr.probeSent(true);
      }
      case UNREACHABLE -> {
        if (pr.state() == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
      }
      case TRANSFER_LEADER -> transferLeadership(m.from(), pr);
      default -> {}
    }
  }

  private void propose(Message m) {
    if (m.entries().isEmpty()) {
      throw new IllegalArgumentException("proposal without entries from " + m.from());
    }
    if (steppingDown || !tracker.voters().contains(id)) {
      throw new ProposalDroppedException(
          DropReason.NOT_A_MEMBER, lead, "leader was removed or demoted");
    }
    if (leadTransferee != Message.NONE || removingSelf) {
      throw new ProposalDroppedException(
          DropReason.LEADERSHIP_TRANSFER_IN_PROGRESS,
          lead,
          removingSelf ? "leader is removing itself" : "transferring to " + leadTransferee);
    }
    List<Entry> ents = m.entries();
    boolean confChangeSeen = false;
    long confIndex = 0;
    boolean selfRemoval = false;
    for (int i = 0; i < ents.size(); i++) {
      Entry e = ents.get(i);
      if (e.type() != EntryType.CONF_CHANGE) {
        continue;
      }
      if (pendingConfIndex > log.applied() || confChangeSeen) {
        throw new ProposalDroppedException(
            DropReason.CONF_CHANGE_IN_PROGRESS,
            lead,
            "pending change at index " + pendingConfIndex + ", applied " + log.applied());
      }
      ConfChange cc = ConfChangeCodec.decode(e.data());
      String invalid = ConfChanger.invalidReason(tracker.confState(), cc);
      if (invalid != null) {
        throw new ProposalDroppedException(DropReason.INVALID_CONF_CHANGE, lead, invalid);
      }
      confChangeSeen = true;
      confIndex = log.lastIndex() + i + 1;
      selfRemoval = cc.nodeId() == id && cc.type() != ConfChangeType.ADD_VOTER;
    }
    appendEntries(ents, true);
    if (confIndex != 0) {
      pendingConfIndex = confIndex;
      removingSelf = selfRemoval;
    }
    appendsDue = true;
  }

  private void appendEntries(List<Entry> ents, boolean limited) {
    long last = log.lastIndex();
    long bytes = 0;
    for (int i = 0; i < ents.size(); i++) {
      bytes += ents.get(i).data().length;
    }
    if (limited
        && uncommittedBytes > 0
        && bytes > 0
        && uncommittedBytes + bytes > config.maxUncommittedEntriesBytes()) {
      throw new ProposalDroppedException(
          DropReason.UNCOMMITTED_SIZE_LIMIT,
          lead,
          uncommittedBytes
              + " + "
              + bytes
              + " bytes exceed maxUncommittedEntriesBytes "
              + config.maxUncommittedEntriesBytes());
    }
    uncommittedBytes += bytes;
    List<Entry> positioned = new ArrayList<>(ents.size());
    for (int i = 0; i < ents.size(); i++) {
      positioned.add(ents.get(i).withPosition(term, last + 1 + i));
    }
    log.append(positioned);
  }

  /** The node made entries durable up to {@code index}: the leader may now count itself. */
  void onPersisted() {
    if (state != StateRole.LEADER) {
      return;
    }
    Progress self = tracker.progress(id);
    if (self != null && self.maybeUpdate(log.lastStableIndex())) {
      if (maybeCommit()) {
        broadcastAppend();
      }
    }
  }

  /** Entries were applied; the leader releases their uncommitted weight. */
  void onApplied(List<Entry> applied) {
    if (state != StateRole.LEADER) {
      return;
    }
    long bytes = 0;
    for (int i = 0; i < applied.size(); i++) {
      bytes += applied.get(i).data().length;
    }
    uncommittedBytes = Math.max(0, uncommittedBytes - bytes);
  }

  private boolean maybeCommit() {
    long before = log.committed();
    // §5.4.2: only entries of the current term are committed by counting replicas
    boolean committed = log.maybeCommit(tracker.committedIndex(), term);
    if (committed && log.termOrZero(before) != term && log.termOrZero(log.committed()) == term) {
      releasePendingReadIndex();
    }
    return committed;
  }

  private boolean committedEntryInCurrentTerm() {
    return log.termOrZero(log.committed()) == term;
  }

  private void handleAppendResponse(Message m, Progress pr) {
    pr.recentActive(true);
    if (m.reject()) {
      long nextProbe = m.rejectHint();
      if (m.logTerm() > 0) {
        // fast back-off: skip every entry of a term the follower cannot have
        nextProbe = log.findConflictByTerm(m.rejectHint(), m.logTerm())[0];
      }
      if (pr.maybeDecrTo(m.index(), nextProbe)) {
        if (pr.state() == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
        sendAppend(m.from());
      }
      return;
    }
    boolean wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index())) {
      return;
    }
    switch (pr.state()) {
      case PROBE -> pr.becomeReplicate();
      case SNAPSHOT -> {
        if (pr.match() >= pr.pendingSnapshot()) {
          pr.becomeProbe();
          pr.becomeReplicate();
        }
      }
      case REPLICATE -> pr.inflights().freeLE(m.index());
    }
    if (maybeCommit()) {
      broadcastAppend();
    } else if (wasPaused) {
      sendAppend(m.from());
    }
    while (maybeSendAppend(m.from(), false)) {
      // fill the inflight window
    }
    if (m.from() == leadTransferee && pr.match() == log.lastIndex()) {
      sendTimeoutNow(m.from());
    }
    maybeHandOver();
  }

  /** A removed leader hands over to the first voter that holds its whole log. */
  private void maybeHandOver() {
    if (!steppingDown || state != StateRole.LEADER) {
      return;
    }
    for (long v : tracker.voters().ids()) {
      if (v != id && tracker.progress(v).match() == log.lastIndex()) {
        sendTimeoutNow(v);
        becomeFollower(term, Message.NONE);
        return;
      }
    }
  }

  private void handleHeartbeatResponse(Message m, Progress pr) {
    pr.recentActive(true);
    pr.probeSent(false);
    if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
      pr.inflights().freeFirstOne();
    }
    if (pr.match() < log.lastIndex()) {
      sendAppend(m.from());
    }
    maybeHandOver();
    if (state != StateRole.LEADER) {
      return;
    }
    if (config.readOnlyOption() != ReadOnlyOption.SAFE || m.context().length == 0) {
      return;
    }
    LongHashSet acks = readIndexQueue.ack(m.from(), m.context());
    if (acks == null || tracker.voters().ackResult(acks) != VoteResult.WON) {
      return;
    }
    for (ReadIndexQueue.Pending p : readIndexQueue.confirm(m.context())) {
      answerRead(p.request(), p.index());
    }
  }

  private void transferLeadership(long transferee, Progress pr) {
    if (pr.isLearner()) {
      return;
    }
    if (leadTransferee != Message.NONE) {
      if (leadTransferee == transferee) {
        return;
      }
      leadTransferee = Message.NONE;
    }
    if (transferee == id) {
      return;
    }
    electionElapsed = 0;
    leadTransferee = transferee;
    if (pr.match() == log.lastIndex()) {
      sendTimeoutNow(transferee);
    } else {
      sendAppend(transferee);
    }
  }

  private void sendTimeoutNow(long to) {
    send(Message.builder(MessageType.TIMEOUT_NOW).to(to).term(term));
  }

  private void leaderReadIndex(Message m) {
    if (tracker.voters().size() == 1 && tracker.voters().contains(id)) {
      answerRead(m, log.committed());
      return;
    }
    if (!committedEntryInCurrentTerm()) {
      // §6.4 step 1: the commit index is not known to be current until our first entry commits
      if (pendingReadIndexMessages.size() >= config.maxPendingReadIndex()) {
        throw new ProposalDroppedException(DropReason.READ_INDEX_QUEUE_FULL, id, null);
      }
      pendingReadIndexMessages.add(m);
      return;
    }
    serveReadIndex(m);
  }

  private void serveReadIndex(Message m) {
    switch (config.readOnlyOption()) {
      case SAFE -> {
        if (readIndexQueue.isFull()) {
          throw new ProposalDroppedException(DropReason.READ_INDEX_QUEUE_FULL, id, null);
        }
        readIndexQueue.add(log.committed(), m);
        LongHashSet acks = readIndexQueue.ack(id, m.context());
        if (acks != null && tracker.voters().ackResult(acks) == VoteResult.WON) {
          for (ReadIndexQueue.Pending p : readIndexQueue.confirm(m.context())) {
            answerRead(p.request(), p.index());
          }
          return;
        }
        broadcastHeartbeat(m.context());
      }
      case LEASE_BASED -> answerRead(m, log.committed());
    }
  }

  private void releasePendingReadIndex() {
    if (pendingReadIndexMessages.isEmpty()) {
      return;
    }
    List<Message> pending = new ArrayList<>(pendingReadIndexMessages);
    pendingReadIndexMessages.clear();
    for (Message m : pending) {
      try {
        serveReadIndex(m);
      } catch (ProposalDroppedException e) {
        LOG.debug("read index dropped: {}", e.getMessage());
      }
    }
  }

  private void answerRead(Message request, long index) {
    if (request.from() == Message.NONE || request.from() == id) {
      readStates.add(new ReadState(index, request.context()));
    } else {
      send(
          Message.builder(MessageType.READ_INDEX_RESP)
              .to(request.from())
              .term(term)
              .index(index)
              .context(request.context()));
    }
  }

  private void stepCandidate(Message m) {
    MessageType myVoteResp =
        state == StateRole.PRE_CANDIDATE ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;
    switch (m.type()) {
      case PROP -> throw new ProposalDroppedException(DropReason.NO_LEADER, Message.NONE, null);
      case READ_INDEX ->
          throw new ProposalDroppedException(DropReason.NO_LEADER, Message.NONE, null);
      case TRANSFER_LEADER ->
          throw new ProposalDroppedException(DropReason.NO_LEADER, Message.NONE, null);
      case APP -> {
        becomeFollower(m.term(), m.from());
        handleAppend(m);
      }
      case HEARTBEAT -> {
        becomeFollower(m.term(), m.from());
        handleHeartbeat(m);
      }
      case SNAP -> {
        becomeFollower(m.term(), m.from());
        handleSnapshot(m);
      }
      case VOTE_RESP, PRE_VOTE_RESP -> {
        if (m.type() != myVoteResp) {
          return;
        }
        tracker.recordVote(m.from(), !m.reject());
        switch (tracker.tallyVotes(electionVoters())) {
          case WON -> {
            if (state == StateRole.PRE_CANDIDATE) {
              campaign(CampaignKind.ELECTION);
            } else {
              becomeLeader();
              broadcastAppend();
            }
          }
          case LOST -> becomeFollower(term, Message.NONE);
          case PENDING -> {}
        }
      }
      default -> {}
    }
  }

  private void stepFollower(Message m) {
    switch (m.type()) {
      case PROP -> forwardOrReject(m);
      case READ_INDEX -> forwardOrReject(m);
      case TRANSFER_LEADER -> {
        if (lead == Message.NONE) {
          throw new ProposalDroppedException(DropReason.NO_LEADER, Message.NONE, null);
        }
        // keep from = the transferee: that is what the leader reads
        msgs.add(m.toBuilder().to(lead).term(0).build());
      }
      case APP -> {
        heardFromLeader(m.from());
        handleAppend(m);
      }
      case HEARTBEAT -> {
        heardFromLeader(m.from());
        handleHeartbeat(m);
      }
      case SNAP -> {
        heardFromLeader(m.from());
        handleSnapshot(m);
      }
      case TIMEOUT_NOW -> {
        // §3.10 leadership transfer: campaign at once, skipping pre-vote, ignoring leases
        hup(CampaignKind.TRANSFER);
      }
      case READ_INDEX_RESP -> readStates.add(new ReadState(m.index(), m.context()));
      default -> {}
    }
  }

  private void heardFromLeader(long leader) {
    electionElapsed = 0;
    lead = leader;
  }

  private void forwardOrReject(Message m) {
    if (lead == Message.NONE) {
      throw new ProposalDroppedException(DropReason.NO_LEADER, Message.NONE, null);
    }
    if (config.proposalForwarding() == ProposalForwarding.REJECT_WITH_LEADER_HINT
        && (m.from() == Message.NONE || m.from() == id)) {
      throw new ProposalDroppedException(DropReason.NOT_LEADER, lead, null);
    }
    send(m.toBuilder().from(id).to(lead).term(0));
  }

  // ---------------------------------------------------------------- follower handlers

  private void handleAppend(Message m) {
    if (m.index() < log.committed()) {
      send(Message.builder(MessageType.APP_RESP).to(m.from()).term(term).index(log.committed()));
      return;
    }
    long lastNew = log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
    if (lastNew >= 0) {
      send(Message.builder(MessageType.APP_RESP).to(m.from()).term(term).index(lastNew));
      return;
    }
    // §5.3 consistency check failed: hint the largest index whose term could match
    long hintIndex = Math.min(m.index(), log.lastIndex());
    long[] hint = log.findConflictByTerm(hintIndex, m.logTerm());
    send(
        Message.builder(MessageType.APP_RESP)
            .to(m.from())
            .term(term)
            .index(m.index())
            .reject(true)
            .rejectHint(hint[0])
            .logTerm(hint[1]));
  }

  private void handleHeartbeat(Message m) {
    // the leader never sends a commit beyond our acknowledged (durable) match
    log.commitTo(m.commit());
    send(Message.builder(MessageType.HEARTBEAT_RESP).to(m.from()).term(term).context(m.context()));
  }

  private void handleSnapshot(Message m) {
    Snapshot s = m.snapshot();
    if (s != null && restore(s)) {
      send(Message.builder(MessageType.APP_RESP).to(m.from()).term(term).index(log.lastIndex()));
    } else {
      send(Message.builder(MessageType.APP_RESP).to(m.from()).term(term).index(log.committed()));
    }
  }

  /** Installs a snapshot from the leader; false when it is stale or already covered. */
  boolean restore(Snapshot s) {
    SnapshotMetadata md = s.metadata();
    if (md.index() <= log.committed()) {
      return false;
    }
    if (state != StateRole.FOLLOWER) {
      becomeFollower(term + 1, Message.NONE);
      return false;
    }
    ConfState cs = md.confState();
    if (cs.isJoint()) {
      throw new IllegalStateException("joint configurations are not supported: " + cs);
    }
    if (log.matchTerm(md.index(), md.term())) {
      // we already have the entries: fast-forward the commit instead
      log.commitTo(md.index());
      return false;
    }
    log.restore(s);
    tracker.setMembership(cs.voters(), cs.learners(), log.lastIndex() + 1);
    Progress self = tracker.progress(id);
    if (self != null) {
      self.reset(0, log.lastIndex() + 1);
    }
    LOG.debug("member {} restored snapshot at index {} term {}", id, md.index(), md.term());
    return true;
  }

  private void broadcastAppend() {
    appendsDue = false;
    replicator.broadcastAppend(term);
  }

  /** Sends the appends {@link #appendsDue} records; called before a Ready is collected. */
  void flushAppends() {
    if (appendsDue) {
      appendsDue = false;
      if (state == StateRole.LEADER) {
        replicator.broadcastAppend(term);
      }
    }
  }

  private void sendAppend(long to) {
    replicator.sendAppend(to, term);
  }

  private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
    return replicator.maybeSendAppend(to, sendIfEmpty, term);
  }

  private void broadcastHeartbeat(byte[] context) {
    replicator.broadcastHeartbeat(context, term);
  }

  private void send(Message.Builder b) {
    msgs.add(b.from(id).build());
  }

  // ---------------------------------------------------------------- membership

  /** Applies a committed membership change (called by the node when it applies the entry). */
  ConfState applyConfChange(ConfChange cc) {
    ConfState before = tracker.confState();
    ConfState next = ConfChanger.apply(before, cc);
    boolean wasVoter = java.util.Arrays.binarySearch(before.voters(), id) >= 0;
    boolean isVoter = java.util.Arrays.binarySearch(next.voters(), id) >= 0;
    if (wasVoter && !isVoter) {
      handoverVoters = before.voters();
      handoverFromIndex = log.applied();
    }
    tracker.setMembership(next.voters(), next.learners(), log.lastIndex() + 1);
    if (state != StateRole.LEADER) {
      return next;
    }
    if (!tracker.voters().contains(id)) {
      // removed or demoted (§4.2.2): keep replicating until a remaining voter holds our whole
      // log, then hand over with TimeoutNow and step down. Stepping down at once could leave
      // the remaining voters unable to elect anyone: the removed leader may hold the only
      // up-to-date log, and it no longer campaigns.
      steppingDown = true;
      maybeCommit();
      broadcastAppend();
      maybeHandOver();
      return next;
    }
    if (maybeCommit()) {
      broadcastAppend();
    } else {
      for (long m : tracker.memberIds()) {
        if (m != id) {
          maybeSendAppend(m, false);
        }
      }
    }
    if (leadTransferee != Message.NONE && !tracker.voters().contains(leadTransferee)) {
      leadTransferee = Message.NONE;
    }
    return next;
  }
}
