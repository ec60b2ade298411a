package io.etch.storage.mvcc;

import java.util.List;

/**
 * etcd's {@code RangeResponse}.
 *
 * @param kvs matching versions (empty for countOnly)
 * @param more true when the limit cut off further matches
 * @param count number of keys in the range at the revision, ignoring limit and filters
 * @param revision the store's revision when the range was served
 */
public record RangeResponse(List<KeyValue> kvs, boolean more, long count, long revision)
    implements ResponseOp {
  public RangeResponse {
    kvs = List.copyOf(kvs);
  }

  @Override
  public Kind kind() {
    return Kind.RANGE;
  }
}
