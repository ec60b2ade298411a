package io.etch.kv;

import io.etch.op.Op;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of a put.
 *
 * @param header {@code header.revision()} is the revision the put created
 * @param prevKv the key-value before the put, when {@code prevKV} was requested and the key existed
 */
public record PutResponse(Header header, Optional<KeyValue> prevKv) implements OpResponse {
  public PutResponse {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(prevKv, "prevKv");
  }

  @Override
  public Op.Type type() {
    return Op.Type.PUT;
  }
}
