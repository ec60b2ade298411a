package io.etch.op;

import io.etch.ByteSequence;
import java.util.Objects;

/**
 * What a {@link Cmp} compares and the operand it compares against: a key's version, create
 * revision, mod revision, value, or lease. For a missing key the version, revisions and lease are 0
 * (so {@code version == 0} tests absence) and a value compare is always false.
 *
 * @param <T> the operand's type: {@code Long} or {@link ByteSequence}
 */
public final class CmpTarget<T> {
  /** The key-value field a compare reads. */
  public enum Type {
    /** The number of puts since the key was (re)created; 0 when the key does not exist. */
    VERSION,
    /** The revision of the put that created the key; 0 when it does not exist. */
    CREATE,
    /** The revision of the key's last put; 0 when it does not exist. */
    MOD,
    /** The value bytes, compared in unsigned lexicographic order. */
    VALUE,
    /** The id of the key's lease; 0 when it has none. */
    LEASE
  }

  private final Type type;
  private final T operand;

  private CmpTarget(Type type, T operand) {
    this.type = type;
    this.operand = Objects.requireNonNull(operand, "operand");
  }

  public static CmpTarget<Long> version(long version) {
    return new CmpTarget<>(Type.VERSION, version);
  }

  public static CmpTarget<Long> createRevision(long revision) {
    return new CmpTarget<>(Type.CREATE, revision);
  }

  public static CmpTarget<Long> modRevision(long revision) {
    return new CmpTarget<>(Type.MOD, revision);
  }

  public static CmpTarget<ByteSequence> value(ByteSequence value) {
    return new CmpTarget<>(Type.VALUE, value);
  }

  public static CmpTarget<Long> lease(long leaseId) {
    return new CmpTarget<>(Type.LEASE, leaseId);
  }

  public Type type() {
    return type;
  }

  /** The operand: a {@code Long} for every type but VALUE, a {@link ByteSequence} for VALUE. */
  public T operand() {
    return operand;
  }

  /** The operand as a number; throws {@link IllegalStateException} for a VALUE target. */
  public long longOperand() {
    if (type == Type.VALUE) {
      throw new IllegalStateException("a VALUE target has a byte operand, not a number");
    }
    return (Long) operand;
  }

  /** The operand as bytes; throws {@link IllegalStateException} for a numeric target. */
  public ByteSequence valueOperand() {
    if (type != Type.VALUE) {
      throw new IllegalStateException("a " + type + " target has a numeric operand, not bytes");
    }
    return (ByteSequence) operand;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CmpTarget<?> t && t.type == type && t.operand.equals(operand);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + operand.hashCode();
  }

  @Override
  public String toString() {
    return type + " " + operand;
  }
}
