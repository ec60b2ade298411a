package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/** Key layout and queries shared by the recipes. */
final class Keys {
  private static final byte SEPARATOR = '/';

  private Keys() {}

  /**
   * The prefix under which the contenders of {@code name} keep their keys: {@code name + "/"}, as
   * etcd's recipes.
   */
  static ByteSequence prefix(ByteSequence name, String what) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException(what, what + " must not be empty");
    }
    return name.concat(ByteSequence.wrap(new byte[] {SEPARATOR}));
  }

  /** A session's key under {@code prefix}: the lease id in lower-case hex, as etcd. */
  static ByteSequence sessionKey(ByteSequence prefix, long leaseId) {
    return prefix.concat(
        ByteSequence.wrap(Long.toHexString(leaseId).getBytes(StandardCharsets.US_ASCII)));
  }

  /** The oldest key under {@code prefix} (lowest create revision): the holder. */
  static GetOption firstCreated() {
    return GetOption.builder()
        .isPrefix(true)
        .withSortField(GetOption.SortTarget.CREATE)
        .withSortOrder(GetOption.SortOrder.ASCEND)
        .withLimit(1)
        .build();
  }

  /** The youngest key under {@code prefix} created at or before {@code maxCreateRevision}. */
  static GetOption lastCreatedUpTo(long maxCreateRevision) {
    return GetOption.builder()
        .isPrefix(true)
        .withSortField(GetOption.SortTarget.CREATE)
        .withSortOrder(GetOption.SortOrder.DESCEND)
        .withMaxCreateRevision(maxCreateRevision)
        .withLimit(1)
        .build();
  }

  /** Every key under {@code prefix}. */
  static GetOption allUnder() {
    return GetOption.builder().isPrefix(true).build();
  }

  /** The failure inside a future's completion wrapper. */
  static Throwable cause(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
