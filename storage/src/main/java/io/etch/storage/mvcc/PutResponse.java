package io.etch.storage.mvcc;

/**
 * etcd's {@code PutResponse}.
 *
 * @param revision the revision the put was written at
 * @param prevKv the replaced version when asked for and present, else null
 */
public record PutResponse(long revision, KeyValue prevKv) implements ResponseOp {
  @Override
  public Kind kind() {
    return Kind.PUT;
  }
}
