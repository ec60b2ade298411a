package io.etch.op;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.kv.KeyValue;
import java.util.List;
import java.util.Objects;

/**
 * A transaction guard: compares one field ({@link CmpTarget}) of a key, or of every key in a range,
 * with an operand. A transaction's compares form a conjunction: its Then ops run when all hold, its
 * Else ops otherwise.
 *
 * <p>Semantics, as etcd's ({@link #evaluate}):
 *
 * <ul>
 *   <li>On a single key that does not exist, numeric targets see 0 (so {@code version == 0} means
 *       "absent", {@code modRevision == 0} too) and a VALUE compare is false whatever the result
 *       operator, since a missing value cannot be represented.
 *   <li>On a range, the compare holds when it holds for every key in the range; on an empty range
 *       it behaves as on a single missing key.
 *   <li>Values compare in unsigned lexicographic byte order; numbers as signed longs.
 * </ul>
 *
 * @param range the key or range compared
 * @param result the relation that must hold between the key's field and the operand
 * @param target the field and the operand
 */
public record Cmp(KeyRange range, Result result, CmpTarget<?> target) {
  /** The relation that must hold: {@code field <result> operand}. */
  public enum Result {
    EQUAL,
    NOT_EQUAL,
    GREATER,
    LESS
  }

  public Cmp {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(target, "target");
  }

  /** A compare on the single key {@code key}, like jetcd's {@code new Cmp(key, op, target)}. */
  public Cmp(ByteSequence key, Result result, CmpTarget<?> target) {
    this(KeyRange.single(key), result, target);
  }

  /** A compare on every key in {@code [key, endKey)}. */
  public static Cmp ofRange(
      ByteSequence key, ByteSequence endKey, Result result, CmpTarget<?> target) {
    return new Cmp(KeyRange.between(key, endKey), result, target);
  }

  /** A compare on every key under {@code prefix}. */
  public static Cmp ofPrefix(ByteSequence prefix, Result result, CmpTarget<?> target) {
    return new Cmp(KeyRange.prefix(prefix), result, target);
  }

  /** The compared key (the start of the range). */
  public ByteSequence key() {
    return range.key();
  }

  /**
   * Evaluates this compare against the current key-values of its range (in any order).
   *
   * @param current the live key-values in {@link #range()}; empty when none exist
   */
  public boolean evaluate(List<KeyValue> current) {
    if (current.isEmpty()) {
      if (target.type() == CmpTarget.Type.VALUE) {
        return false;
      }
      return holds(Long.compare(0L, target.longOperand()));
    }
    for (KeyValue kv : current) {
      if (!holds(compareField(kv))) {
        return false;
      }
    }
    return true;
  }

  private int compareField(KeyValue kv) {
    return switch (target.type()) {
      case VERSION -> Long.compare(kv.version(), target.longOperand());
      case CREATE -> Long.compare(kv.createRevision(), target.longOperand());
      case MOD -> Long.compare(kv.modRevision(), target.longOperand());
      case LEASE -> Long.compare(kv.lease(), target.longOperand());
      case VALUE -> kv.value().compareTo(target.valueOperand());
    };
  }

  private boolean holds(int comparison) {
    return switch (result) {
      case EQUAL -> comparison == 0;
      case NOT_EQUAL -> comparison != 0;
      case GREATER -> comparison > 0;
      case LESS -> comparison < 0;
    };
  }
}
