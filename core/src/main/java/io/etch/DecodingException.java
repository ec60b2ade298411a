package io.etch;

import java.util.Objects;

/**
 * A {@link io.etch.kv.Codec} could not decode stored bytes into its type (wrong length, malformed
 * UTF-8, …): the data was written by another codec. Thrown when a typed view's key or value is
 * read.
 */
public final class DecodingException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String codec;
  private final int sizeBytes;

  public DecodingException(String codec, int sizeBytes, String reason) {
    super("cannot decode " + sizeBytes + " bytes with the " + codec + " codec: " + reason);
    this.codec = Objects.requireNonNull(codec, "codec");
    this.sizeBytes = sizeBytes;
  }

  public String codec() {
    return codec;
  }

  public int sizeBytes() {
    return sizeBytes;
  }

  @Override
  public Kind kind() {
    return Kind.DECODING;
  }
}
