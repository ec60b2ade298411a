package io.etch.lincheck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The model the Etch fault suite checks its client histories against: an etcd-like key space where
 * each key is a register (get, put, delete, compare-and-set on the value), plus multi-key
 * transactions (compares on values, then a branch of gets, puts and deletes), with optional
 * revision checks.
 *
 * <p><b>Partitioning.</b> Single-key operations let keys be checked apart; a transaction ties the
 * keys it touches together. {@link #partition} therefore checks the connected components of keys
 * touched by the same operation ({@link KeyPartitioner}).
 *
 * <p><b>Revisions.</b> When the recorder knows them, a write's output carries the revision it
 * created and a get's output carries the key's mod revision; {@code 0} means "not recorded" and
 * disables the check. The model checks, per key, that a get sees the mod revision of the last write
 * linearized before it, and that a write's revision is greater than the key's mod revision so far.
 * Revisions are global in etcd, but a per-key model only sees its own component's keys: the
 * cluster-wide "revisions strictly increase with commits" property is a separate check over the
 * whole history. A key written by an operation of unknown outcome (or with no recorded revision)
 * has an unknown mod revision, which the first get that reports one pins down.
 */
public final class EtcdKvModel
    implements Model<EtcdKvModel.State, EtcdKvModel.Op, EtcdKvModel.Result> {

  /** A mod revision that is not known (written by an operation of unknown outcome). */
  public static final long UNKNOWN_REVISION = -1;

  /** What an operation does. */
  public enum Kind {
    GET,
    PUT,
    DELETE,
    /** Sets the key if its value equals the expected one ({@code null}: the key is absent). */
    CAS,
    /** Multi-key: if every compare holds run the success branch, else the failure branch. */
    TXN
  }

  /** A transaction guard: the key's value equals {@code expectedValue} ({@code null}: absent). */
  public record Compare(String key, String expectedValue) {
    public Compare {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * An operation's input. Use the factories; unused fields are null or empty.
   *
   * @param key the key of a single-key operation
   * @param value the value a put or CAS writes
   * @param expectedValue the value a CAS expects ({@code null}: absent)
   * @param compares a transaction's guards
   * @param onSuccess a transaction's branch when every compare holds (gets, puts, deletes)
   * @param onFailure a transaction's branch otherwise (gets, puts, deletes)
   */
  public record Op(
      Kind kind,
      String key,
      String value,
      String expectedValue,
      List<Compare> compares,
      List<Op> onSuccess,
      List<Op> onFailure) {

    public Op {
      Objects.requireNonNull(kind, "kind");
      compares = List.copyOf(compares);
      onSuccess = List.copyOf(onSuccess);
      onFailure = List.copyOf(onFailure);
      if (kind != Kind.TXN) {
        Objects.requireNonNull(key, "key of a " + kind);
      }
      if (kind == Kind.PUT || kind == Kind.CAS) {
        Objects.requireNonNull(value, "value of a " + kind);
      }
      for (Op branchOp : concat(onSuccess, onFailure)) {
        if (branchOp.kind() != Kind.GET
            && branchOp.kind() != Kind.PUT
            && branchOp.kind() != Kind.DELETE) {
          throw new IllegalArgumentException(
              "a transaction branch may hold only GET, PUT and DELETE, got " + branchOp.kind());
        }
      }
    }

    public static Op get(String key) {
      return new Op(Kind.GET, key, null, null, List.of(), List.of(), List.of());
    }

    public static Op put(String key, String value) {
      return new Op(Kind.PUT, key, value, null, List.of(), List.of(), List.of());
    }

    public static Op delete(String key) {
      return new Op(Kind.DELETE, key, null, null, List.of(), List.of(), List.of());
    }

    public static Op cas(String key, String expectedValue, String value) {
      return new Op(Kind.CAS, key, value, expectedValue, List.of(), List.of(), List.of());
    }

    public static Op txn(List<Compare> compares, List<Op> onSuccess, List<Op> onFailure) {
      return new Op(Kind.TXN, null, null, null, compares, onSuccess, onFailure);
    }

    /** Every key this operation reads or writes. */
    public Set<String> keys() {
      if (kind != Kind.TXN) {
        return Set.of(key);
      }
      Set<String> keys = new LinkedHashSet<>();
      compares.forEach(c -> keys.add(c.key()));
      concat(onSuccess, onFailure).forEach(o -> keys.add(o.key()));
      return keys;
    }

    /** True if no outcome of this operation changes any key. */
    public boolean isReadOnly() {
      return switch (kind) {
        case GET -> true;
        case PUT, DELETE, CAS -> false;
        case TXN -> concat(onSuccess, onFailure).stream().allMatch(o -> o.kind() == Kind.GET);
      };
    }

    private static List<Op> concat(Collection<Op> a, Collection<Op> b) {
      List<Op> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }
  }

  /**
   * What a get saw: the value ({@code null}: absent) and mod revision ({@code 0}: not recorded).
   */
  public record Read(String value, long modRevision) {}

  /**
   * An operation's output.
   *
   * @param succeeded for a CAS or a transaction, whether the compare held; true otherwise
   * @param reads the gets' results: one for a GET, one per GET of the taken branch of a TXN
   * @param revision the revision a write created ({@code 0}: not recorded or nothing written)
   */
  public record Result(boolean succeeded, List<Read> reads, long revision) {
    public Result {
      reads = List.copyOf(reads);
    }

    public static Result got(String valueOrNull, long modRevision) {
      return new Result(true, List.of(new Read(valueOrNull, modRevision)), 0);
    }

    public static Result written(long revision) {
      return new Result(true, List.of(), revision);
    }

    public static Result casResult(boolean succeeded, long revision) {
      return new Result(succeeded, List.of(), revision);
    }

    public static Result txnResult(boolean succeeded, List<Read> reads, long revision) {
      return new Result(succeeded, reads, revision);
    }
  }

  /** A present key: its value and mod revision ({@link #UNKNOWN_REVISION} if not known). */
  public record KeyState(String value, long modRevision) {}

  /** The present keys of one component. */
  public record State(Map<String, KeyState> keys) {
    public static final State EMPTY = new State(Map.of());

    public State {
      keys = Map.copyOf(keys);
    }
  }

  @Override
  public State initialState() {
    return State.EMPTY;
  }

  @Override
  public List<State> step(State state, Op input, Result output) {
    Map<String, KeyState> keys = new HashMap<>(state.keys());
    boolean legal =
        switch (input.kind()) {
          case GET -> output == null || applyBranch(keys, List.of(input), output.reads(), 0);
          case PUT, DELETE -> applyBranch(keys, List.of(input), List.of(), revisionOf(output));
          case CAS -> {
            boolean matches = holds(keys, new Compare(input.key(), input.expectedValue()));
            if (output != null && output.succeeded() != matches) {
              yield false;
            }
            yield !matches
                || applyBranch(
                    keys,
                    List.of(Op.put(input.key(), input.value())),
                    List.of(),
                    revisionOf(output));
          }
          case TXN -> {
            boolean matches = input.compares().stream().allMatch(c -> holds(keys, c));
            if (output != null && output.succeeded() != matches) {
              yield false;
            }
            List<Op> branch = matches ? input.onSuccess() : input.onFailure();
            yield applyBranch(
                keys, branch, output == null ? null : output.reads(), revisionOf(output));
          }
        };
    return legal ? List.of(new State(keys)) : List.of();
  }

  private static long revisionOf(Result output) {
    return output == null || output.revision() == 0 ? UNKNOWN_REVISION : output.revision();
  }

  private static boolean holds(Map<String, KeyState> keys, Compare compare) {
    KeyState current = keys.get(compare.key());
    return Objects.equals(current == null ? null : current.value(), compare.expectedValue());
  }

  /**
   * Applies gets, puts and deletes in order to {@code keys}, checking each get against the next of
   * {@code reads} ({@code null}: outcome unknown, gets unchecked); all writes get {@code revision}.
   */
  private static boolean applyBranch(
      Map<String, KeyState> keys, List<Op> branch, List<Read> reads, long revision) {
    int nextRead = 0;
    for (Op op : branch) {
      KeyState current = keys.get(op.key());
      switch (op.kind()) {
        case GET -> {
          if (reads == null) {
            continue;
          }
          if (nextRead >= reads.size()) {
            return false;
          }
          Read read = reads.get(nextRead++);
          if (current == null) {
            if (read.value() != null) {
              return false;
            }
          } else {
            if (!current.value().equals(read.value())) {
              return false;
            }
            if (read.modRevision() > 0) {
              if (current.modRevision() == UNKNOWN_REVISION) {
                keys.put(op.key(), new KeyState(current.value(), read.modRevision()));
              } else if (current.modRevision() != read.modRevision()) {
                return false;
              }
            }
          }
        }
        case PUT -> {
          if (revision != UNKNOWN_REVISION
              && current != null
              && revision <= current.modRevision()) {
            return false;
          }
          keys.put(op.key(), new KeyState(op.value(), revision));
        }
        case DELETE -> keys.remove(op.key());
        default -> throw new IllegalStateException("not a branch operation: " + op.kind());
      }
    }
    return reads == null || nextRead == reads.size();
  }

  @Override
  public List<Partition<Op, Result>> partition(List<Operation<Op, Result>> history) {
    return KeyPartitioner.byConnectedKeys(history, Op::keys);
  }

  @Override
  public boolean isReadOnly(Op input) {
    return input.isReadOnly();
  }

  @Override
  public String describeOperation(Op input, Result output) {
    String in =
        switch (input.kind()) {
          case GET -> "get(" + input.key() + ")";
          case PUT -> "put(" + input.key() + ", " + input.value() + ")";
          case DELETE -> "delete(" + input.key() + ")";
          case CAS ->
              "cas(" + input.key() + ", " + input.expectedValue() + " -> " + input.value() + ")";
          case TXN ->
              "txn(if "
                  + input.compares()
                  + " then "
                  + input.onSuccess()
                  + " else "
                  + input.onFailure()
                  + ")";
        };
    return in + " -> " + (output == null ? "unknown" : output.toString());
  }
}
