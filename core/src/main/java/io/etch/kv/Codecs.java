package io.etch.kv;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The built-in {@link Codec}s; all stateless. */
final class Codecs {
  private Codecs() {}

  static final Codec<String> UTF8 =
      new Named<>("utf8") {
        @Override
        public ByteSequence encode(String value) {
          Objects.requireNonNull(value, "value");
          try {
            ByteBuffer out =
                StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(value));
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            return ByteSequence.wrap(bytes);
          } catch (CharacterCodingException e) {
            throw new io.etch.InvalidArgumentException(
                "value", "string is not valid UTF-16 (unpaired surrogate), cannot encode as UTF-8");
          }
        }

        @Override
        public String decode(ByteSequence bytes) {
          try {
            return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.unsafeBytes()))
                .toString();
          } catch (CharacterCodingException e) {
            throw new DecodingException(name(), bytes.size(), "malformed UTF-8");
          }
        }
      };

  static final Codec<Long> INT64 =
      new Named<>("int64") {
        @Override
        public ByteSequence encode(Long value) {
          long v = Objects.requireNonNull(value, "value") ^ Long.MIN_VALUE;
          byte[] out = new byte[Long.BYTES];
          for (int i = Long.BYTES - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
          }
          return ByteSequence.wrap(out);
        }

        @Override
        public Long decode(ByteSequence bytes) {
          if (bytes.size() != Long.BYTES) {
            throw new DecodingException(name(), bytes.size(), "expected exactly 8 bytes");
          }
          byte[] in = bytes.unsafeBytes();
          long v = 0;
          for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (in[i] & 0xff);
          }
          return v ^ Long.MIN_VALUE;
        }
      };

  static final Codec<byte[]> BYTES =
      new Named<>("bytes") {
        @Override
        public ByteSequence encode(byte[] value) {
          return ByteSequence.from(value);
        }

        @Override
        public byte[] decode(ByteSequence bytes) {
          return bytes.getBytes();
        }
      };

  static final Codec<ByteSequence> IDENTITY =
      new Named<>("identity") {
        @Override
        public ByteSequence encode(ByteSequence value) {
          return Objects.requireNonNull(value, "value");
        }

        @Override
        public ByteSequence decode(ByteSequence bytes) {
          return bytes;
        }
      };

  private abstract static class Named<T> implements Codec<T> {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final String toString() {
      return "Codec(" + name + ")";
    }
  }
}
