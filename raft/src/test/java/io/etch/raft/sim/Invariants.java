package io.etch.raft.sim;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.SoftState;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.read.ReadState;
import io.etch.raft.storage.RaftStorageException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * The Raft safety properties (Figure 3 of the Raft paper), checked after every simulation step and
 * on every persist, apply and role change:
 *
 * <ul>
 *   <li>Election safety: at most one leader per term.
 *   <li>Log matching: two logs holding an entry with the same index and term hold the same entry
 *       and agree on the term before it (so, inductively, on the whole prefix).
 *   <li>Leader completeness: an entry committed in term T is in the log of every leader elected for
 *       a term after T.
 *   <li>State machine safety: no two members apply different entries at an index (checked on a hash
 *       chain, so snapshots are covered too).
 *   <li>Commit index never goes back and a restart never loses the persisted commit; the entry at a
 *       committed index never changes; applied &lt;= committed.
 *   <li>Linearizable reads: a read index is at least the highest commit known when it was asked.
 * </ul>
 */
final class Invariants {
  private record IndexTerm(long index, long term) {}

  private final Long2LongHashMap leaderByTerm = new Long2LongHashMap(-1);
  private final HashMap<IndexTerm, long[]> persisted = new HashMap<>();
  private final Long2LongHashMap appliedChain = new Long2LongHashMap(Long.MIN_VALUE);
  private final Long2LongHashMap committedTerm = new Long2LongHashMap(-1);
  private long maxCommitted;
  private final Long2LongHashMap lastCommit = new Long2LongHashMap(-1);
  private final Long2LongHashMap recordedCommit = new Long2LongHashMap(0);
  private final HashMap<ByteBuffer, Long> readFloor = new HashMap<>();
  private long readsServed;
  long snapshotsInstalled;
  long confChangesApplied;
  long restarts;
  private long trace = 0xcbf29ce484222325L;

  long traceHash() {
    return trace;
  }

  int leaderTerms() {
    return leaderByTerm.size();
  }

  long readsServed() {
    return readsServed;
  }

  long maxCommitted() {
    return maxCommitted;
  }

  void trace(long a, long b, long c, long d) {
    trace = mix(mix(mix(mix(trace, a), b), c), d);
  }

  private static long mix(long h, long v) {
    h ^= v;
    h *= 0x100000001B3L;
    return h ^ (h >>> 29);
  }

  void onSoftState(SimNode n, SoftState ss) {
    trace(7, n.id, ss.lead(), ss.role().ordinal());
    if (ss.role() == StateRole.LEADER) {
      long term = n.raw.term();
      checkLeader(n.id, term);
      checkLeaderCompleteness(n, term);
    }
  }

  private void checkLeader(long id, long term) {
    long existing = leaderByTerm.get(term);
    if (existing == -1) {
      leaderByTerm.put(term, id);
    } else if (existing != id) {
      throw new InvariantViolation(
          "election safety: members " + existing + " and " + id + " both lead term " + term);
    }
  }

  private void checkLeaderCompleteness(SimNode n, long term) {
    long from = Math.max(n.raw.firstIndex(), Math.max(1, maxCommitted - 4096));
    for (long i = from; i <= maxCommitted; i++) {
      long ct = committedTerm.get(i);
      if (ct == -1 || ct >= term) {
        continue;
      }
      long mine = n.raw.termAt(i);
      if (mine != ct) {
        throw new InvariantViolation(
            "leader completeness: leader "
                + n.id
                + " of term "
                + term
                + " has term "
                + mine
                + " at index "
                + i
                + " but term "
                + ct
                + " was committed there");
      }
    }
  }

  void onPersisted(SimNode n, java.util.List<Entry> entries) {
    for (Entry e : entries) {
      long prevTerm;
      try {
        prevTerm = n.log().term(e.index() - 1);
      } catch (RaftStorageException ex) {
        prevTerm = -1;
      }
      long v = SimNode.entryHash(e);
      IndexTerm key = new IndexTerm(e.index(), e.term());
      long[] old = persisted.putIfAbsent(key, new long[] {v, prevTerm});
      if (old == null) {
        continue;
      }
      boolean prefixDiffers = old[1] != -1 && prevTerm != -1 && old[1] != prevTerm;
      if (old[0] != v || prefixDiffers) {
        throw new InvariantViolation(
            "log matching: member "
                + n.id
                + " persisted a different entry (or prefix) at index "
                + e.index()
                + " term "
                + e.term());
      }
      if (old[1] == -1) {
        old[1] = prevTerm;
      }
    }
  }

  void onApplied(SimNode n, long index, long chainHash) {
    trace(11, n.id, index, chainHash);
    long existing = appliedChain.get(index);
    if (existing == Long.MIN_VALUE) {
      appliedChain.put(index, chainHash);
    } else if (existing != chainHash) {
      throw new InvariantViolation(
          "state machine safety: member "
              + n.id
              + " applied a different history up to index "
              + index);
    }
  }

  void onConfApplied(SimNode n, ConfChange cc, ConfState cs) {
    trace(13, n.id, cc.type().ordinal(), cc.nodeId());
    confChangesApplied++;
  }

  void onReadRequested(byte[] ctx) {
    readFloor.put(ByteBuffer.wrap(ctx), maxCommitted);
  }

  void onReadState(SimNode n, ReadState rs) {
    Long floor = readFloor.remove(ByteBuffer.wrap(rs.requestContext()));
    if (floor == null) {
      return;
    }
    readsServed++;
    trace(17, n.id, rs.index(), floor);
    if (rs.index() < floor) {
      throw new InvariantViolation(
          "linearizable read: member "
              + n.id
              + " got read index "
              + rs.index()
              + " below the commit index "
              + floor
              + " known when the read was requested");
    }
  }

  void afterReady(SimNode n) {
    checkNode(n);
  }

  void onRestart(SimNode n, long persistedCommit) {
    if (n.raw.commitIndex() != persistedCommit) {
      throw new InvariantViolation(
          "member "
              + n.id
              + " restarted with commit "
              + n.raw.commitIndex()
              + " but persisted "
              + persistedCommit);
    }
    // a commit learnt but not persisted may be lost in a crash; the persisted one may not
    lastCommit.put(n.id, persistedCommit);
    restarts++;
  }

  /** Per-step checks over every live member. */
  void checkAll(Collection<SimNode> nodes) {
    for (SimNode n : nodes) {
      if (n.alive) {
        checkNode(n);
      }
    }
  }

  private void checkNode(SimNode n) {
    long commit = n.raw.commitIndex();
    long applied = n.raw.appliedIndex();
    if (applied > commit) {
      throw new InvariantViolation(
          "member " + n.id + " applied " + applied + " beyond commit " + commit);
    }
    long prev = lastCommit.get(n.id);
    if (commit < prev) {
      throw new InvariantViolation(
          "member " + n.id + " commit index went back from " + prev + " to " + commit);
    }
    lastCommit.put(n.id, commit);
    if (n.raw.role() == StateRole.LEADER) {
      checkLeader(n.id, n.raw.term());
    }
    long recorded = recordedCommit.get(n.id);
    if (commit > recorded) {
      for (long i = Math.max(recorded + 1, n.raw.firstIndex()); i <= commit; i++) {
        long t = n.raw.termAt(i);
        if (t == 0) {
          continue;
        }
        long existing = committedTerm.get(i);
        if (existing == -1) {
          committedTerm.put(i, t);
        } else if (existing != t) {
          throw new InvariantViolation(
              "committed entry changed: index "
                  + i
                  + " was committed with term "
                  + existing
                  + " but member "
                  + n.id
                  + " committed term "
                  + t);
        }
      }
      recordedCommit.put(n.id, commit);
      maxCommitted = Math.max(maxCommitted, commit);
    }
  }
}
