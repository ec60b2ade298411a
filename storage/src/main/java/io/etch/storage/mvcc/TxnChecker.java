package io.etch.storage.mvcc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Static checks of a transaction before anything runs: argument checks of every operation on both
 * branches (recursively), the per-list op limit, and etcd's {@code checkIntervals} rule against
 * writing one key twice.
 *
 * <p>The duplicate rule, as etcd: within one list of operations, a put may not hit a key another
 * put of the list writes, nor any delete-range of the list; nested transactions contribute the puts
 * and deletes of both their branches, except that the same key put in both the then and the else
 * branch of one nested txn is fine (only one branch runs). Deletes may overlap each other. The
 * top-level success and failure lists are checked separately.
 */
final class TxnChecker {
  private TxnChecker() {}

  /** A delete's key interval, with etcd's range-end conventions. */
  private record Interval(byte[] key, byte[] rangeEnd) {
    boolean contains(byte[] k) {
      return Keys.inRange(k, key, rangeEnd);
    }
  }

  private record Writes(Set<ByteBuffer> puts, List<Interval> deletes) {}

  static void check(TxnRequest r, MvccConfig config) {
    checkArguments(r, config);
    checkIntervals(r.success());
    checkIntervals(r.failure());
  }

  private static void checkArguments(TxnRequest r, MvccConfig config) {
    int limit = config.maxTxnOps();
    int most = Math.max(r.compare().size(), Math.max(r.success().size(), r.failure().size()));
    if (most > limit) {
      throw new TooManyTxnOpsException(most, limit);
    }
    for (Compare c : r.compare()) {
      Requests.checkCompare(c, config);
    }
    RequestOp.Visitor<Void> checker =
        new RequestOp.Visitor<>() {
          @Override
          public Void range(RangeRequest q) {
            Requests.checkRange(q, config);
            return null;
          }

          @Override
          public Void put(PutRequest q) {
            Requests.checkPut(q, config);
            return null;
          }

          @Override
          public Void deleteRange(DeleteRangeRequest q) {
            Requests.checkDelete(q, config);
            return null;
          }

          @Override
          public Void txn(TxnRequest q) {
            checkArguments(q, config);
            return null;
          }
        };
    for (RequestOp op : r.success()) {
      op.accept(checker);
    }
    for (RequestOp op : r.failure()) {
      op.accept(checker);
    }
  }

  private static Writes checkIntervals(List<RequestOp> ops) {
    List<Interval> deletes = new ArrayList<>();
    List<PutRequest> puts = new ArrayList<>();
    List<TxnRequest> nested = new ArrayList<>();
    RequestOp.Visitor<Void> sorter =
        new RequestOp.Visitor<>() {
          @Override
          public Void range(RangeRequest q) {
            return null;
          }

          @Override
          public Void put(PutRequest q) {
            puts.add(q);
            return null;
          }

          @Override
          public Void deleteRange(DeleteRangeRequest q) {
            deletes.add(new Interval(q.key(), q.rangeEnd()));
            return null;
          }

          @Override
          public Void txn(TxnRequest q) {
            nested.add(q);
            return null;
          }
        };
    for (RequestOp op : ops) {
      op.accept(sorter);
    }
    Set<ByteBuffer> putKeys = new HashSet<>();
    List<Interval> childDeletes = new ArrayList<>();
    for (TxnRequest t : nested) {
      Writes then = checkIntervals(t.success());
      Writes otherwise = checkIntervals(t.failure());
      for (ByteBuffer k : then.puts()) {
        if (putKeys.contains(k) || hits(deletes, k)) {
          throw duplicate(k);
        }
        putKeys.add(k);
      }
      for (ByteBuffer k : otherwise.puts()) {
        if (putKeys.contains(k) && !then.puts().contains(k)) {
          throw duplicate(k);
        }
        if (hits(deletes, k)) {
          throw duplicate(k);
        }
        putKeys.add(k);
      }
      childDeletes.addAll(then.deletes());
      childDeletes.addAll(otherwise.deletes());
    }
    deletes.addAll(childDeletes);
    for (PutRequest p : puts) {
      ByteBuffer k = ByteBuffer.wrap(p.key());
      if (putKeys.contains(k) || hits(deletes, k)) {
        throw duplicate(k);
      }
      putKeys.add(k);
    }
    return new Writes(putKeys, deletes);
  }

  private static boolean hits(List<Interval> deletes, ByteBuffer k) {
    byte[] key = toArray(k);
    for (Interval d : deletes) {
      if (d.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] toArray(ByteBuffer k) {
    byte[] b = new byte[k.remaining()];
    k.duplicate().get(b);
    return b;
  }

  private static DuplicateKeyInTxnException duplicate(ByteBuffer k) {
    return new DuplicateKeyInTxnException(toArray(k));
  }
}
