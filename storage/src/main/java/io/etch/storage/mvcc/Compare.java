package io.etch.storage.mvcc;

/**
 * etcd's txn {@code Compare}: on the key, or on every key of {@code [key, rangeEnd)} (all must
 * satisfy it; when none exists a zero-valued version is compared, except that a VALUE compare on
 * missing keys is false).
 *
 * @param key the key
 * @param rangeEnd empty for a single key, else the range end with etcd's conventions
 * @param target the field compared
 * @param result the relation required: {@code stored <relation> operand}
 * @param number the operand for VERSION, CREATE, MOD and LEASE
 * @param value the operand for VALUE
 */
public record Compare(
    byte[] key,
    byte[] rangeEnd,
    CompareTarget target,
    CompareResult result,
    long number,
    byte[] value) {

  public Compare {
    rangeEnd = rangeEnd == null ? KeyValue.EMPTY : rangeEnd;
    value = value == null ? KeyValue.EMPTY : value;
    if (target == null || result == null) {
      throw new IllegalArgumentException("compare needs a target and a result");
    }
  }

  public static Compare value(byte[] key, CompareResult result, byte[] value) {
    return new Compare(key, null, CompareTarget.VALUE, result, 0, value);
  }

  public static Compare version(byte[] key, CompareResult result, long version) {
    return new Compare(key, null, CompareTarget.VERSION, result, version, null);
  }

  public static Compare createRevision(byte[] key, CompareResult result, long revision) {
    return new Compare(key, null, CompareTarget.CREATE, result, revision, null);
  }

  public static Compare modRevision(byte[] key, CompareResult result, long revision) {
    return new Compare(key, null, CompareTarget.MOD, result, revision, null);
  }

  public static Compare lease(byte[] key, CompareResult result, long lease) {
    return new Compare(key, null, CompareTarget.LEASE, result, lease, null);
  }

  /** The same compare over {@code [key, rangeEnd)}. */
  public Compare overRange(byte[] end) {
    return new Compare(key, end, target, result, number, value);
  }
}
