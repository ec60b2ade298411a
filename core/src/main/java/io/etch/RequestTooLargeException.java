package io.etch;

import java.util.Objects;

/**
 * A request's encoded size exceeds the node's {@code maxRequestBytes} (etcd's {@code
 * ErrRequestTooLarge}; 1.5 MiB by default). Names the first key of the request so the offender is
 * easy to find.
 */
public final class RequestTooLargeException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence key;
  private final long sizeBytes;
  private final long limitBytes;

  public RequestTooLargeException(ByteSequence key, long sizeBytes, long limitBytes) {
    super(
        "request for key '"
            + Keys.printable(key)
            + "' is "
            + sizeBytes
            + " bytes, above the limit of "
            + limitBytes
            + " bytes (maxRequestBytes)");
    this.key = Objects.requireNonNull(key, "key");
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }

  public ByteSequence key() {
    return key;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }

  @Override
  public Kind kind() {
    return Kind.REQUEST_TOO_LARGE;
  }
}
