package io.etch.raft;

import static io.etch.raft.RaftTestSupport.boot;
import static io.etch.raft.RaftTestSupport.drain;
import static io.etch.raft.RaftTestSupport.makeLeader;
import static io.etch.raft.RaftTestSupport.node;
import static io.etch.raft.RaftTestSupport.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.conf.ConfChangeType;
import io.etch.raft.read.ReadOnlyOption;
import io.etch.raft.storage.CompactedException;
import io.etch.raft.storage.MemoryStorage;
import io.etch.raft.storage.UnavailableException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RawNodeApiTest {

  @Test
  void configBuilderRejectsLeaseWithoutCheckQuorum() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RaftConfig.builder(1)
                    .checkQuorum(false)
                    .readOnlyOption(ReadOnlyOption.LEASE_BASED)
                    .random(new SplittableRandom(1))
                    .build());
    assertTrue(e.getMessage().contains("LEASE_BASED requires checkQuorum"), e.getMessage());
  }

  @Test
  void configBuilderRequiresInjectedRandomnessAndSaneTimeouts() {
    assertThrows(IllegalArgumentException.class, () -> RaftConfig.builder(1).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RaftConfig.builder(1)
                .electionTimeoutTicks(2)
                .heartbeatIntervalTicks(2)
                .random(new SplittableRandom(1))
                .build());
    assertThrows(IllegalArgumentException.class, () -> RaftConfig.builder(0));
    RaftConfig c = RaftConfig.builder(7).random(new SplittableRandom(1)).build();
    assertEquals(10, c.electionTimeoutTicks());
    assertEquals(1, c.heartbeatIntervalTicks());
  }

  /**
   * A membership change is applied only once the commit covering it is durable: a member that
   * applied it and then lost the commit in a crash would restart in the older configuration, where
   * it may be a quorum on its own (found by the WAL-backed simulation, seed 30992). A commit that
   * covers only normal entries needs no fsync of its own, as in etcd: it is re-learned after a
   * restart and the entries replay.
   */
  @Test
  void applyingAMembershipChangeRequiresTheCommitToBeSynced() {
    for (EntryType type : EntryType.values()) {
      MemoryStorage s = boot(1, 2, 3);
      RawNode n = node(2, s);
      byte[] data =
          type == EntryType.CONF_CHANGE
              ? io.etch.raft.conf.ConfChangeCodec.encode(io.etch.raft.conf.ConfChange.addLearner(4))
              : new byte[] {7};
      n.step(
          Message.builder(MessageType.APP)
              .from(1)
              .to(2)
              .term(2)
              .logTerm(1)
              .index(1)
              .commit(1)
              .entries(java.util.List.of(new Entry(2, 2, type, data)))
              .build());
      drain(n, s);
      n.step(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(2).commit(2).build());
      Ready rd = n.ready();
      assertTrue(rd.entries().isEmpty(), "nothing new to append");
      assertEquals(2, rd.hardState().commit());
      assertEquals(1, rd.committedEntries().size());
      assertEquals(type, rd.committedEntries().get(0).type());
      assertEquals(type == EntryType.CONF_CHANGE, rd.mustSync(), "mustSync for " + type);
    }
  }

  @Test
  void readySplitsLeaderAppendsFromMessagesThatNeedPersistence() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    n.campaign();
    Ready rd = n.ready();
    assertTrue(rd.messagesBeforePersist().isEmpty(), "votes must wait for the persisted vote");
    assertEquals(2, ofType(rd.messagesAfterPersist(), MessageType.VOTE).size());
    assertTrue(rd.mustSync());
    assertNotNull(rd.hardState());
    assertThrows(IllegalStateException.class, n::ready);
    drain(n, s);
    n.advance(rd);
    n.step(Message.builder(MessageType.VOTE_RESP).from(2).to(1).term(n.term()).build());
    rd = n.ready();
    assertEquals(StateRole.LEADER, rd.softState().role());
    assertEquals(2, ofType(rd.messagesBeforePersist(), MessageType.APP).size());
    assertEquals(1, rd.entries().size(), "the leader's empty entry");
    s.append(rd.entries());
    n.advance(rd);
    // a follower's acknowledgement goes after persistence
    MemoryStorage fs = boot(1, 2, 3);
    RawNode f = node(2, fs);
    f.step(
        Message.builder(MessageType.APP)
            .from(1)
            .to(2)
            .term(2)
            .index(1)
            .logTerm(1)
            .entries(List.of(Entry.normal(2, 2, null)))
            .build());
    Ready frd = f.ready();
    assertTrue(frd.messagesBeforePersist().isEmpty());
    assertEquals(1, ofType(frd.messagesAfterPersist(), MessageType.APP_RESP).size());
  }

  @Test
  void hardStateOnlyWhenChanged() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.tick();
    if (n.hasReady()) {
      Ready rd = n.ready();
      assertNull(rd.hardState());
      n.advance(rd);
    }
  }

  @Test
  void proposalWithoutLeaderFailsWithTypedReason() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    ProposalDroppedException e =
        assertThrows(ProposalDroppedException.class, () -> n.propose(new byte[] {1}));
    assertEquals(DropReason.NO_LEADER, e.reason());
  }

  @Test
  void followerForwardsOrRejectsWithLeaderHint() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode fwd = node(2, s);
    fwd.step(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(2).commit(1).build());
    drain(fwd, s);
    fwd.propose(new byte[] {1});
    Message prop = ofType(drain(fwd, s), MessageType.PROP).get(0);
    assertEquals(1, prop.to());

    MemoryStorage s2 = boot(1, 2, 3);
    RawNode rej =
        node(2, s2, b -> b.proposalForwarding(ProposalForwarding.REJECT_WITH_LEADER_HINT));
    rej.step(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(2).commit(1).build());
    drain(rej, s2);
    ProposalDroppedException e =
        assertThrows(ProposalDroppedException.class, () -> rej.propose(new byte[] {1}));
    assertEquals(DropReason.NOT_LEADER, e.reason());
    assertEquals(1, e.leaderId());
  }

  @Test
  void uncommittedBytesAreBounded() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s, b -> b.maxUncommittedEntriesBytes(100));
    makeLeader(n, s);
    n.propose(new byte[60]);
    ProposalDroppedException e =
        assertThrows(ProposalDroppedException.class, () -> n.propose(new byte[60]));
    assertEquals(DropReason.UNCOMMITTED_SIZE_LIMIT, e.reason());
    assertTrue(e.getMessage().contains("100"), e.getMessage());
  }

  @Test
  void oneMembershipChangeAtATime() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    // the leader's own first entry is not applied yet: no change allowed before that
    ProposalDroppedException early =
        assertThrows(
            ProposalDroppedException.class, () -> n.proposeConfChange(ConfChange.addLearner(4)));
    assertEquals(DropReason.CONF_CHANGE_IN_PROGRESS, early.reason());
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    drain(n, s);
    n.proposeConfChange(ConfChange.addLearner(4));
    ProposalDroppedException e =
        assertThrows(
            ProposalDroppedException.class, () -> n.proposeConfChange(ConfChange.addVoter(5)));
    assertEquals(DropReason.CONF_CHANGE_IN_PROGRESS, e.reason());
    ProposalDroppedException invalid =
        assertThrows(
            ProposalDroppedException.class,
            () -> {
              MemoryStorage one = boot(1);
              RawNode solo = node(1, one);
              solo.campaign();
              drain(solo, one);
              solo.proposeConfChange(ConfChange.remove(1));
            });
    assertEquals(DropReason.INVALID_CONF_CHANGE, invalid.reason());
  }

  @Test
  void inflightWindowBoundsPipelinedAppends() {
    MemoryStorage s = boot(1, 2);
    RawNode n = node(1, s, b -> b.maxInflightMsgs(2));
    n.campaign();
    drain(n, s);
    n.step(Message.builder(MessageType.VOTE_RESP).from(2).to(1).term(n.term()).build());
    drain(n, s);
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    drain(n, s);
    int apps = 0;
    for (int i = 0; i < 5; i++) {
      n.propose(new byte[] {(byte) i});
      apps += ofType(drain(n, s), MessageType.APP).size();
    }
    assertEquals(2, apps, "replication pauses once 2 appends are unacknowledged");
    assertEquals(2, n.status().progress().get(2L).inflightMsgs());
  }

  @Test
  void maxSizePerMessageSplitsAppends() {
    MemoryStorage s = boot(1, 2);
    RawNode n = node(1, s, b -> b.maxSizePerMsgBytes(100));
    n.campaign();
    drain(n, s);
    n.step(Message.builder(MessageType.VOTE_RESP).from(2).to(1).term(n.term()).build());
    drain(n, s);
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    drain(n, s);
    n.propose(List.of(new byte[60], new byte[60], new byte[60]));
    List<Message> apps = ofType(drain(n, s), MessageType.APP);
    assertTrue(apps.size() >= 2, "three 81-byte entries cannot share a 100-byte message");
    for (Message m : apps) {
      assertTrue(m.entries().size() == 1, "one entry per message: " + m);
    }
  }

  @Test
  void statusReportsLeaderProgress() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    Status st = n.status();
    assertEquals(StateRole.LEADER, st.role());
    assertEquals(1, st.lead());
    assertEquals(3, st.progress().size());
  }

  @Test
  void confChangeCodecRoundTripsAndRejectsGarbage() {
    ConfChange cc = new ConfChange(ConfChangeType.ADD_LEARNER, 12345678901L, new byte[] {1, 2});
    byte[] bytes = ConfChangeCodec.encode(cc);
    assertEquals(cc, ConfChangeCodec.decode(bytes));
    ConfChangeCodec flyweight = new ConfChangeCodec().wrap(bytes);
    assertEquals(ConfChangeType.ADD_LEARNER, flyweight.type());
    assertEquals(12345678901L, flyweight.nodeId());
    assertThrows(IllegalArgumentException.class, () -> ConfChangeCodec.decode(new byte[3]));
    bytes[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> ConfChangeCodec.decode(bytes));
  }

  @Test
  void memoryStorageRaisesTypedErrors() {
    MemoryStorage s = boot(1);
    s.append(List.of(Entry.normal(1, 2, null), Entry.normal(1, 3, null), Entry.normal(2, 4, null)));
    s.createSnapshot(3, ConfState.of(new long[] {1}, new long[0]), null);
    s.compact(3);
    CompactedException c = assertThrows(CompactedException.class, () -> s.term(2));
    assertEquals(4, c.firstIndex());
    assertEquals(1, s.term(3), "the snapshot's term stays known");
    UnavailableException u = assertThrows(UnavailableException.class, () -> s.term(9));
    assertEquals(4, u.lastIndex());
    assertThrows(CompactedException.class, () -> s.entries(2, 4, Long.MAX_VALUE));
    assertEquals(1, s.entries(4, 5, 0).size(), "at least one entry even over the byte limit");
  }

  @Test
  void restartKeepsPersistedStateAndReappliesCommittedEntries() {
    MemoryStorage s = boot(1);
    RawNode n = node(1, s);
    n.campaign();
    drain(n, s);
    n.propose(new byte[] {5});
    drain(n, s);
    long commit = n.commitIndex();
    assertTrue(commit >= 3);
    RawNode again = node(1, s, b -> b.appliedIndex(1));
    assertEquals(commit, again.commitIndex());
    assertEquals(n.term(), again.term());
    Ready rd = again.ready();
    assertEquals(commit - 1, rd.committedEntries().size());
    again.advance(rd);
    assertFalse(again.hasReady());
  }

  @Test
  void leaseBasedReadAnswersWithoutAHeartbeatRound() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s, b -> b.checkQuorum(true).readOnlyOption(ReadOnlyOption.LEASE_BASED));
    makeLeader(n, s);
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    drain(n, s);
    n.readIndex(new byte[] {7});
    Ready rd = n.ready();
    assertEquals(1, rd.readStates().size());
    assertEquals(2, rd.readStates().get(0).index());
    assertTrue(ofType(rd.messagesBeforePersist(), MessageType.HEARTBEAT).isEmpty());
    n.advance(rd);
  }

  @Test
  void followerBehindCompactedLogGetsSnapshotAndFailureFallsBackToProbe() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    makeLeader(n, s);
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(2).build());
    drain(n, s);
    n.propose(new byte[] {1});
    drain(n, s);
    n.step(Message.builder(MessageType.APP_RESP).from(2).to(1).term(n.term()).index(3).build());
    drain(n, s);
    assertEquals(3, n.commitIndex());
    s.createSnapshot(3, ConfState.of(new long[] {1, 2, 3}, new long[0]), new byte[] {42});
    s.compact(3);
    // member 3 never answered: its probe at index 1 is rejected, and index 1 is compacted
    n.step(
        Message.builder(MessageType.APP_RESP)
            .from(3)
            .to(1)
            .term(n.term())
            .index(1)
            .reject(true)
            .rejectHint(1)
            .build());
    List<Message> sent = drain(n, s);
    Message snap = ofType(sent, MessageType.SNAP).get(0);
    assertEquals(3, snap.snapshot().metadata().index());
    assertEquals(
        io.etch.raft.tracker.ProgressState.SNAPSHOT, n.status().progress().get(3L).state());
    n.reportSnapshot(3, SnapshotStatus.FAILURE);
    assertEquals(io.etch.raft.tracker.ProgressState.PROBE, n.status().progress().get(3L).state());
    // a follower installing the snapshot reports its new position
    MemoryStorage fs = new MemoryStorage();
    RawNode f = node(3, fs);
    f.step(snap);
    Ready rd = f.ready();
    assertNotNull(rd.snapshot());
    assertEquals(3, ofType(rd.messagesAfterPersist(), MessageType.APP_RESP).get(0).index());
    fs.applySnapshot(rd.snapshot());
    f.advance(rd);
    assertEquals(3, f.appliedIndex());
  }

  @Test
  void localMessageTypesCannotBeStepped() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = node(1, s);
    assertThrows(
        IllegalArgumentException.class,
        () -> n.step(Message.builder(MessageType.HUP).from(1).build()));
  }
}
