package io.etch.kv;

import io.etch.op.Op;
import java.util.List;
import java.util.Objects;

/**
 * The result of a delete.
 *
 * @param header {@code header.revision()} is the revision of the deletion (or the current revision
 *     when nothing was deleted)
 * @param deleted how many keys were deleted
 * @param prevKvs the deleted key-values, when {@code prevKV} was requested
 */
public record DeleteResponse(Header header, long deleted, List<KeyValue> prevKvs)
    implements OpResponse {
  public DeleteResponse {
    Objects.requireNonNull(header, "header");
    prevKvs = List.copyOf(prevKvs);
  }

  @Override
  public Op.Type type() {
    return Op.Type.DELETE;
  }
}
