package io.etch.kv;

import io.etch.op.Op;
import java.util.List;
import java.util.Objects;

/**
 * The result of a get.
 *
 * @param header {@code header.revision()} is the revision the read was served at
 * @param kvs the key-values found, in the requested order, at most {@code limit} of them; empty for
 *     a count-only read
 * @param more whether the range held more key-values than were returned (the limit cut it)
 * @param count the number of keys in the range at the read revision, regardless of limit and of the
 *     min/max revision filters (etcd's rule)
 */
public record GetResponse(Header header, List<KeyValue> kvs, boolean more, long count)
    implements OpResponse {
  public GetResponse {
    Objects.requireNonNull(header, "header");
    kvs = List.copyOf(kvs);
  }

  @Override
  public Op.Type type() {
    return Op.Type.GET;
  }
}
