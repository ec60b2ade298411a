package io.etch.raft;

import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.storage.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** Helpers to drive a single {@link RawNode} message by message. */
final class RaftTestSupport {
  private RaftTestSupport() {}

  static MemoryStorage boot(long[] voters, long[] learners) {
    return MemoryStorage.bootstrap(
        new Snapshot(new SnapshotMetadata(1, 1, ConfState.of(voters, learners)), null));
  }

  static MemoryStorage boot(long... voters) {
    return boot(voters, new long[0]);
  }

  static RawNode node(long id, MemoryStorage storage) {
    return node(id, storage, b -> {});
  }

  static RawNode node(long id, MemoryStorage storage, Consumer<RaftConfig.Builder> tweak) {
    RaftConfig.Builder b =
        RaftConfig.builder(id).preVote(false).checkQuorum(false).random(new SplittableRandom(id));
    tweak.accept(b);
    return new RawNode(b.build(), storage);
  }

  /** Handles every Ready in order; returns all messages sent. */
  static List<Message> drain(RawNode n, MemoryStorage s) {
    List<Message> out = new ArrayList<>();
    while (n.hasReady()) {
      Ready rd = n.ready();
      out.addAll(rd.messagesBeforePersist());
      if (rd.snapshot() != null) {
        s.applySnapshot(rd.snapshot());
      }
      s.append(rd.entries());
      if (rd.hardState() != null) {
        s.setHardState(rd.hardState());
      }
      out.addAll(rd.messagesAfterPersist());
      for (Entry e : rd.committedEntries()) {
        if (e.type() == EntryType.CONF_CHANGE) {
          n.applyConfChange(ConfChangeCodec.decode(e.data()));
        }
      }
      n.advance(rd);
    }
    return out;
  }

  static Message msg(MessageType t, long from, long to, long term) {
    return Message.builder(t).from(from).to(to).term(term).build();
  }

  /** Makes {@code n} leader of a 3-member cluster by granting votes from 2 and 3. */
  static void makeLeader(RawNode n, MemoryStorage s) {
    n.campaign();
    drain(n, s);
    long term = n.term();
    n.step(msg(MessageType.VOTE_RESP, 2, n.id(), term));
    drain(n, s);
    if (n.role() != StateRole.LEADER) {
      throw new IllegalStateException("not leader: " + n.status());
    }
  }

  static List<Message> ofType(List<Message> msgs, MessageType t) {
    return msgs.stream().filter(m -> m.type() == t).toList();
  }
}
