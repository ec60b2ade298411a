package io.etch.storage.mvcc;

import java.util.List;

/**
 * etcd's {@code DeleteRangeResponse}.
 *
 * @param revision the store revision after the delete (unchanged when nothing was deleted)
 * @param deleted number of keys deleted
 * @param prevKvs the deleted versions when asked for, else empty
 */
public record DeleteRangeResponse(long revision, long deleted, List<KeyValue> prevKvs)
    implements ResponseOp {
  public DeleteRangeResponse {
    prevKvs = List.copyOf(prevKvs);
  }

  @Override
  public Kind kind() {
    return Kind.DELETE_RANGE;
  }
}
