package io.etch.raft;

import io.etch.raft.log.RaftLog;
import io.etch.raft.storage.CompactedException;
import io.etch.raft.storage.SnapshotTemporarilyUnavailableException;
import io.etch.raft.storage.UnavailableException;
import io.etch.raft.tracker.Progress;
import io.etch.raft.tracker.ProgressTracker;
import java.util.List;

/**
 * The leader's sending side: turns each member's {@link Progress} into append, snapshot and
 * heartbeat messages under flow control.
 *
 * <p>An append starts at the member's {@code next}; in REPLICATE it advances {@code next}
 * optimistically and records the message in the inflight window (count and bytes), so several
 * appends are in flight at once (pipelining); in PROBE one append is outstanding until answered.
 * Appends are cut at {@code maxSizePerMsgBytes} (at least one entry). When the entries a member
 * needs are compacted away it gets the snapshot instead and waits in SNAPSHOT state.
 */
final class Replicator {
  private final long id;
  private final RaftLog log;
  private final ProgressTracker tracker;
  private final long maxSizePerMsgBytes;
  private final List<Message> outbox;

  Replicator(
      long id,
      RaftLog log,
      ProgressTracker tracker,
      long maxSizePerMsgBytes,
      List<Message> outbox) {
    this.id = id;
    this.log = log;
    this.tracker = tracker;
    this.maxSizePerMsgBytes = maxSizePerMsgBytes;
    this.outbox = outbox;
  }

  void broadcastAppend(long term) {
    for (long m : tracker.memberIds()) {
      if (m != id) {
        sendAppend(m, term);
      }
    }
  }

  /** Sends at least one append (or heartbeat-like empty one), then fills the inflight window. */
  void sendAppend(long to, long term) {
    if (maybeSendAppend(to, true, term)) {
      while (maybeSendAppend(to, false, term)) {
        // pipelining: keep sending while the window and the log allow
      }
    }
  }

  /**
   * Sends the next append (or a snapshot) to {@code to} unless flow control pauses it; returns
   * whether a message was sent.
   */
  boolean maybeSendAppend(long to, boolean sendIfEmpty, long term) {
    Progress pr = tracker.progress(to);
    if (pr == null || pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next() - 1;
    long prevTerm;
    List<Entry> ents;
    try {
      prevTerm = log.term(prevIndex);
      ents = log.entries(pr.next(), maxSizePerMsgBytes);
    } catch (CompactedException | UnavailableException e) {
      return sendSnapshot(to, pr, term);
    }
    if (ents.isEmpty() && !sendIfEmpty) {
      return false;
    }
    Message.Builder b =
        Message.builder(MessageType.APP)
            .to(to)
            .term(term)
            .index(prevIndex)
            .logTerm(prevTerm)
            .entries(ents)
            .commit(log.committed());
    if (!ents.isEmpty()) {
      switch (pr.state()) {
        case REPLICATE -> {
          long last = ents.get(ents.size() - 1).index();
          pr.optimisticUpdate(last);
          long bytes = 0;
          for (int i = 0; i < ents.size(); i++) {
            bytes += ents.get(i).sizeBytes();
          }
          pr.inflights().add(last, bytes);
        }
        case PROBE -> pr.probeSent(true);
        case SNAPSHOT ->
            throw new IllegalStateException("sending append to " + to + " in snapshot state");
      }
    }
    send(b);
    return true;
  }

  private boolean sendSnapshot(long to, Progress pr, long term) {
    if (!pr.recentActive()) {
      return false;
    }
    Snapshot snap;
    try {
      snap = log.snapshot();
    } catch (SnapshotTemporarilyUnavailableException e) {
      return false;
    }
    if (snap.isEmpty()) {
      throw new IllegalStateException("need a non-empty snapshot to catch up member " + to);
    }
    send(Message.builder(MessageType.SNAP).to(to).term(term).snapshot(snap));
    pr.becomeSnapshot(snap.metadata().index());
    return true;
  }

  void broadcastHeartbeat(byte[] context, long term) {
    for (long m : tracker.memberIds()) {
      if (m == id) {
        continue;
      }
      Progress pr = tracker.progress(m);
      long commit = Math.min(pr.match(), log.committed());
      send(Message.builder(MessageType.HEARTBEAT).to(m).term(term).commit(commit).context(context));
    }
  }

  private void send(Message.Builder b) {
    outbox.add(b.from(id).build());
  }
}
