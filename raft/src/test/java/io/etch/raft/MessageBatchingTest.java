package io.etch.raft;

import static io.etch.raft.RaftTestSupport.boot;
import static io.etch.raft.RaftTestSupport.drain;
import static io.etch.raft.RaftTestSupport.makeLeader;
import static io.etch.raft.RaftTestSupport.node;
import static io.etch.raft.RaftTestSupport.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.storage.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leader sends the proposals of one cycle as one append per follower, and a follower answers
 * the appends of one cycle once: the message counts that bound the replication pipeline.
 */
class MessageBatchingTest {

  private static Message app(long term, long prevIndex, long prevTerm, long commit, Entry... e) {
    return Message.builder(MessageType.APP)
        .from(1)
        .to(2)
        .term(term)
        .index(prevIndex)
        .logTerm(prevTerm)
        .commit(commit)
        .entries(List.of(e))
        .build();
  }

  private static Entry entry(long term, long index) {
    return Entry.normal(term, index, new byte[] {(byte) index});
  }

  /** A leader with both followers in REPLICATE (they acknowledged its first entry). */
  private static RawNode replicatingLeader(MemoryStorage s) {
    RawNode n = node(1, s);
    makeLeader(n, s);
    for (long follower : new long[] {2, 3}) {
      n.step(
          Message.builder(MessageType.APP_RESP)
              .from(follower)
              .to(1)
              .term(n.term())
              .index(n.lastIndex())
              .build());
    }
    drain(n, s);
    return n;
  }

  @Test
  void proposalsOfOneCycleLeaveAsOneAppendPerFollower() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = replicatingLeader(s);
    long last = n.lastIndex();
    for (int i = 0; i < 10; i++) {
      n.propose(new byte[] {(byte) i});
    }
    List<Message> apps = ofType(drain(n, s), MessageType.APP);
    assertEquals(2, apps.size(), apps.toString());
    for (Message m : apps) {
      assertEquals(last, m.index(), "appends start after the last entry sent before");
      assertEquals(10, m.entries().size(), m.toString());
      assertEquals(last + 10, m.entries().get(9).index());
    }
    assertEquals(List.of(2L, 3L), apps.stream().map(Message::to).sorted().toList());
  }

  @Test
  void proposalsAcrossReadiesLeaveInTheirOwnAppends() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode n = replicatingLeader(s);
    n.propose(new byte[] {1});
    List<Message> first = ofType(drain(n, s), MessageType.APP);
    n.propose(new byte[] {2});
    n.propose(new byte[] {3});
    List<Message> second = ofType(drain(n, s), MessageType.APP);
    assertEquals(2, first.size());
    assertEquals(2, second.size());
    assertTrue(first.stream().allMatch(m -> m.entries().size() == 1), first.toString());
    assertTrue(second.stream().allMatch(m -> m.entries().size() == 2), second.toString());
  }

  @Test
  void followerAnswersTheAppendsOfOneCycleOnceWithTheHighestIndex() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode f = node(2, s);
    f.step(app(2, 1, 1, 1, entry(2, 2), entry(2, 3)));
    f.step(app(2, 3, 2, 1, entry(2, 4), entry(2, 5)));
    f.step(app(2, 5, 2, 1, entry(2, 6)));
    Ready rd = f.ready();
    List<Message> resps = ofType(rd.messagesAfterPersist(), MessageType.APP_RESP);
    assertEquals(1, resps.size(), resps.toString());
    assertEquals(6, resps.get(0).index());
    assertEquals(5, rd.entries().size());
    assertTrue(
        ofType(rd.messagesBeforePersist(), MessageType.APP_RESP).isEmpty(),
        "append responses only after the persist");
  }

  @Test
  void rejectionsAreNotMergedAway() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode f = node(2, s);
    f.step(app(2, 1, 1, 1, entry(2, 2), entry(2, 3)));
    f.step(app(2, 9, 2, 1, entry(2, 10))); // a gap: rejected with a hint
    f.step(app(2, 3, 2, 1, entry(2, 4)));
    Ready rd = f.ready();
    List<Message> resps = ofType(rd.messagesAfterPersist(), MessageType.APP_RESP);
    assertEquals(2, resps.size(), resps.toString());
    assertTrue(resps.get(0).reject(), resps.toString());
    assertEquals(4, resps.get(1).index());
    assertTrue(!resps.get(1).reject());
  }

  @Test
  void stalerAcceptanceLaterInTheBatchKeepsTheHighest() {
    MemoryStorage s = boot(1, 2, 3);
    RawNode f = node(2, s);
    f.step(app(2, 1, 1, 3, entry(2, 2), entry(2, 3)));
    // a duplicate of an older append arrives late: answered with the commit index (3 here)
    f.step(app(2, 1, 1, 3, entry(2, 2)));
    f.step(app(2, 3, 2, 3, entry(2, 4)));
    f.step(app(2, 1, 1, 3, entry(2, 2)));
    List<Message> resps = ofType(f.ready().messagesAfterPersist(), MessageType.APP_RESP);
    assertEquals(1, resps.size(), resps.toString());
    assertEquals(4, resps.get(0).index());
  }
}
