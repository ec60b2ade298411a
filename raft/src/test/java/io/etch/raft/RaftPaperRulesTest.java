package io.etch.raft;

import static io.etch.raft.RaftTestSupport.boot;
import static io.etch.raft.RaftTestSupport.drain;
import static io.etch.raft.RaftTestSupport.makeLeader;
import static io.etch.raft.RaftTestSupport.msg;
import static io.etch.raft.RaftTestSupport.node;
import static io.etch.raft.RaftTestSupport.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.storage.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Unit tests, one per rule of the Raft paper (section numbers of the extended paper). */
class RaftPaperRulesTest {

  @Test
  @DisplayName("§5.1 a member seeing a higher term adopts it and becomes follower")
  void higherTermTurnsLeaderIntoFollower() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    long term = n.term();
    n.step(msg(MessageType.APP_RESP, 2, 1, term + 3));
    assertEquals(StateRole.FOLLOWER, n.role());
    assertEquals(term + 3, n.term());
  }

  @Test
  @DisplayName("§5.1 a request with a stale term is ignored")
  void staleTermIsIgnored() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.step(Message.builder(MessageType.APP).from(2).to(1).term(1).index(1).logTerm(1).build());
    assertEquals(StateRole.LEADER, n.role());
    assertTrue(drain(n, s).isEmpty());
  }

  @Test
  @DisplayName("§5.2 election timeouts are randomized in [electionTimeout, 2 * electionTimeout)")
  void electionTimeoutIsRandomizedWithinBounds() {
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (long seed = 1; seed <= 200; seed++) {
      MemoryStorage s = boot(1, 2, 3);
      long sd = seed;
      RawNode n = node(1, s, b -> b.random(new java.util.SplittableRandom(sd)));
      int ticks = 0;
      while (n.role() == StateRole.FOLLOWER) {
        n.tick();
        ticks++;
      }
      assertTrue(ticks >= 10 && ticks < 20, "campaigned after " + ticks + " ticks");
      seen.add(ticks);
    }
    assertTrue(seen.size() > 5, "timeouts are not spread: " + seen);
  }

  @Test
  @DisplayName("§5.2 a member grants at most one vote per term")
  void oneVotePerTerm() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    n.step(Message.builder(MessageType.VOTE).from(2).to(1).term(5).index(1).logTerm(1).build());
    List<Message> first = drain(n, s);
    assertFalse(ofType(first, MessageType.VOTE_RESP).get(0).reject());
    assertEquals(2, s.hardState().vote(), "the vote is persisted");
    n.step(Message.builder(MessageType.VOTE).from(3).to(1).term(5).index(1).logTerm(1).build());
    assertTrue(ofType(drain(n, s), MessageType.VOTE_RESP).get(0).reject());
  }

  @Test
  @DisplayName("§5.2 a candidate that wins a majority becomes leader and appends an empty entry")
  void candidateWithMajorityLeadsAndAppendsNoop() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    assertEquals(2, n.lastIndex());
    assertEquals(n.term(), n.termAt(2));
  }

  @Test
  @DisplayName("§5.2 a candidate rejected by a majority returns to follower")
  void candidateRejectedByMajorityStepsDown() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    n.campaign();
    drain(n, s);
    long t = n.term();
    n.step(Message.builder(MessageType.VOTE_RESP).from(2).to(1).term(t).reject(true).build());
    n.step(Message.builder(MessageType.VOTE_RESP).from(3).to(1).term(t).reject(true).build());
    assertEquals(StateRole.FOLLOWER, n.role());
  }

  @Test
  @DisplayName("§5.3 consistency check: an append whose previous entry does not match is rejected")
  void appendWithMismatchedPrevIsRejectedWithHint() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(2, s);
    n.step(Message.builder(MessageType.APP).from(1).to(2).term(3).index(5).logTerm(3).build());
    Message resp = ofType(drain(n, s), MessageType.APP_RESP).get(0);
    assertTrue(resp.reject());
    assertEquals(1, resp.rejectHint(), "hint points at our last index");
  }

  @Test
  @DisplayName("§5.3 conflicting entries are deleted and replaced by the leader's")
  void conflictingSuffixIsReplaced() {
    MemoryStorage s = boot(1, 2, 3);
    s.append(List.of(Entry.normal(1, 2, new byte[] {1}), Entry.normal(1, 3, new byte[] {2})));
    RawNode n = node(2, s);
    n.step(
        Message.builder(MessageType.APP)
            .from(1)
            .to(2)
            .term(2)
            .index(1)
            .logTerm(1)
            .entries(List.of(Entry.normal(2, 2, new byte[] {9})))
            .build());
    drain(n, s);
    assertEquals(2, s.lastIndex());
    assertEquals(2, s.term(2));
  }

  @Test
  @DisplayName("§5.4.1 election restriction: no vote for a candidate with a less up-to-date log")
  void electionRestriction() {
    MemoryStorage s = boot(1, 2, 3);
    s.append(List.of(Entry.normal(3, 2, null)));
    s.setHardState(new HardState(3, 0, 1));
    RawNode n = node(1, s);
    // same last index, lower last term
    n.step(Message.builder(MessageType.VOTE).from(2).to(1).term(4).index(2).logTerm(2).build());
    assertTrue(ofType(drain(n, s), MessageType.VOTE_RESP).get(0).reject());
    // higher last term wins even with a shorter log
    n.step(Message.builder(MessageType.VOTE).from(3).to(1).term(5).index(1).logTerm(4).build());
    assertFalse(ofType(drain(n, s), MessageType.VOTE_RESP).get(0).reject());
  }

  @Test
  @DisplayName("§5.4.2 a leader commits by counting replicas only entries of its own term")
  void onlyCurrentTermEntriesCommitByCounting() {
    MemoryStorage s = boot(1, 2, 3);
    s.append(List.of(Entry.normal(2, 2, new byte[] {7})));
    s.setHardState(new HardState(3, 0, 1));
    RawNode n = node(1, s);
    makeLeader(n, s); // term 4, appends its empty entry at index 3
    assertEquals(4, n.term());
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(4).index(2).build());
    drain(n, s);
    assertEquals(1, n.commitIndex(), "the term-2 entry on a majority must not be committed yet");
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(4).index(3).build());
    drain(n, s);
    assertEquals(3, n.commitIndex(), "committing the term-4 entry commits the prefix");
  }

  @Test
  @DisplayName("§5.5 a follower answers a duplicate append idempotently")
  void duplicateAppendIsIdempotent() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(2, s);
    Message app =
        Message.builder(MessageType.APP)
            .from(1)
            .to(2)
            .term(2)
            .index(1)
            .logTerm(1)
            .commit(1)
            .entries(List.of(Entry.normal(2, 2, new byte[] {1})))
            .build();
    n.step(app);
    drain(n, s);
    n.step(app);
    Message resp = ofType(drain(n, s), MessageType.APP_RESP).get(0);
    assertFalse(resp.reject());
    assertEquals(2, resp.index());
    assertEquals(2, s.lastIndex());
  }

  @Test
  @DisplayName("§4.2.1 learners are replicated to but never counted toward a commit")
  void learnersDoNotCountTowardQuorum() {
    MemoryStorage s = boot(new long[] {1, 2, 3}, new long[] {4});
    RawNode n = node(1, s);
    makeLeader(n, s);
    assertTrue(n.status().progress().get(4L).learner(), "the learner is replicated to");
    long last = n.lastIndex();
    n.step(Message.builder(MessageType.APP_RESP).from(4).to(1).term(n.term()).index(last).build());
    drain(n, s);
    assertTrue(n.commitIndex() < last, "leader + learner is not a majority of 3 voters");
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(last).build());
    drain(n, s);
    assertEquals(last, n.commitIndex());
  }

  @Test
  @DisplayName("§4.2.1 a learner never campaigns")
  void learnerNeverCampaigns() {
    MemoryStorage s = boot(new long[] {1, 2, 3}, new long[] {4});
    RawNode n = node(4, s);
    for (int i = 0; i < 100; i++) {
      n.tick();
    }
    n.campaign();
    assertEquals(StateRole.FOLLOWER, n.role());
    assertTrue(ofType(drain(n, s), MessageType.VOTE).isEmpty());
  }

  @Test
  @DisplayName("§6.4 ReadIndex waits until the new leader commits an entry of its term")
  void readIndexDeferredUntilLeaderCommitsInItsTerm() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.readIndex(new byte[] {42});
    List<Message> sent = drain(n, s);
    assertTrue(
        ofType(sent, MessageType.HEARTBEAT).isEmpty(), "no confirmation round before commit");
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    sent = drain(n, s);
    Message hb = ofType(sent, MessageType.HEARTBEAT).get(0);
    assertEquals(42, hb.context()[0]);
    n.step(
        Message.builder(MessageType.HEARTBEAT_RESP)
            .from(2)
            .to(1)
            .term(n.term())
            .context(new byte[] {42})
            .build());
    Ready rd = n.ready();
    assertEquals(1, rd.readStates().size());
    assertEquals(2, rd.readStates().get(0).index());
    n.advance(rd);
  }

  @Test
  @DisplayName("§9.6 leader stickiness: a follower in contact with a leader ignores pre-votes")
  void followerInLeaseIgnoresPreVote() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(2, s, b -> b.preVote(true).checkQuorum(true));
    n.step(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(2).commit(1).build());
    drain(n, s);
    n.step(Message.builder(MessageType.PRE_VOTE).from(3).to(2).term(3).index(5).logTerm(2).build());
    assertTrue(ofType(drain(n, s), MessageType.PRE_VOTE_RESP).isEmpty());
    for (int i = 0; i < 10; i++) {
      n.tick();
    }
    drain(n, s);
    n.step(Message.builder(MessageType.PRE_VOTE).from(3).to(2).term(3).index(5).logTerm(2).build());
    Message resp = ofType(drain(n, s), MessageType.PRE_VOTE_RESP).get(0);
    assertFalse(resp.reject(), "after an election timeout without the leader, grant");
    assertEquals(2, n.term(), "a pre-vote never changes our term");
  }

  @Test
  @DisplayName("§3.10 leadership transfer: TimeoutNow once the target is up to date")
  void transferSendsTimeoutNowWhenCaughtUp() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.transferLeadership(3);
    List<Message> sent = drain(n, s);
    assertTrue(ofType(sent, MessageType.TIMEOUT_NOW).isEmpty(), "3 is not caught up yet");
    ProposalDroppedException e =
        assertThrows(ProposalDroppedException.class, () -> n.propose(new byte[] {1}));
    assertEquals(DropReason.LEADERSHIP_TRANSFER_IN_PROGRESS, e.reason());
    n.step(Message.builder(MessageType.APP_RESP).from(3).to(1).term(n.term()).index(2).build());
    assertEquals(1, ofType(drain(n, s), MessageType.TIMEOUT_NOW).size());
  }

  @Test
  @DisplayName("§3.10 a transfer that does not complete within an election timeout is aborted")
  void transferAbortsAfterElectionTimeout() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.transferLeadership(3);
    drain(n, s);
    for (int i = 0; i < 10; i++) {
      n.tick();
    }
    drain(n, s);
    n.propose(new byte[] {1});
    assertEquals(0, n.status().leadTransferee());
  }
}
