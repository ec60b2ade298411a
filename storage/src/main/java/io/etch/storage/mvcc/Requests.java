package io.etch.storage.mvcc;

import java.util.Arrays;

/** Argument checks shared by every entry point; each failure is a typed exception. */
final class Requests {
  private Requests() {}

  static void checkKey(byte[] key, MvccConfig config) {
    if (key == null || key.length == 0) {
      throw new EmptyKeyException();
    }
    if (key.length > config.maxKeyBytes()) {
      throw new KeyTooLargeException(key, key.length, config.maxKeyBytes());
    }
  }

  static void checkRange(byte[] key, byte[] rangeEnd, MvccConfig config) {
    checkKey(key, config);
    if (Keys.isSingleKey(rangeEnd) || Keys.isUnbounded(rangeEnd)) {
      return;
    }
    if (rangeEnd.length > config.maxKeyBytes()) {
      throw new KeyTooLargeException(rangeEnd, rangeEnd.length, config.maxKeyBytes());
    }
    if (Arrays.compareUnsigned(rangeEnd, key) < 0) {
      throw new RangeEndBeforeKeyException(key, rangeEnd);
    }
  }

  static void checkRange(RangeRequest r, MvccConfig config) {
    checkRange(r.key(), r.rangeEnd(), config);
    if (r.limit() < 0) {
      throw new NegativeLimitException(r.limit());
    }
  }

  static void checkPut(PutRequest r, MvccConfig config) {
    checkKey(r.key(), config);
    if (r.value().length > config.maxValueBytes()) {
      throw new ValueTooLargeException(r.key(), r.value().length, config.maxValueBytes());
    }
    if (r.ignoreValue() && r.value().length != 0) {
      throw new ValueProvidedException(r.key());
    }
    if (r.ignoreLease() && r.lease() != 0) {
      throw new LeaseProvidedException(r.key());
    }
  }

  static void checkDelete(DeleteRangeRequest r, MvccConfig config) {
    checkRange(r.key(), r.rangeEnd(), config);
  }

  static void checkCompare(Compare c, MvccConfig config) {
    checkRange(c.key(), c.rangeEnd(), config);
  }
}
