package io.etch.recipes;

import io.etch.ByteSequence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value stored for a registered instance.
 *
 * <pre>
 *   byte    version (1)
 *   utf     endpoint            (DataOutput's modified UTF-8: u16 length + bytes)
 *   u16     metadata count
 *   count x (utf key, utf value)
 * </pre>
 *
 * Strings are limited to 65,535 encoded bytes each; a longer one is refused when registering.
 */
final class InstanceCodec {
  static final int VERSION = 1;
  static final int MAX_METADATA_ENTRIES = 0xFFFF;

  private InstanceCodec() {}

  static ByteSequence encode(ServiceInstance instance) {
    if (instance.metadata().size() > MAX_METADATA_ENTRIES) {
      throw new io.etch.InvalidArgumentException(
          "metadata",
          "at most "
              + MAX_METADATA_ENTRIES
              + " metadata entries, got "
              + instance.metadata().size());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeUtf(out, "endpoint", instance.endpoint());
      out.writeShort(instance.metadata().size());
      for (Map.Entry<String, String> e : instance.metadata().entrySet()) {
        writeUtf(out, "metadata key", e.getKey());
        writeUtf(out, "metadata value of '" + e.getKey() + "'", e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteSequence.wrap(bytes.toByteArray());
  }

  private static void writeUtf(DataOutputStream out, String field, String s) throws IOException {
    try {
      out.writeUTF(s);
    } catch (java.io.UTFDataFormatException e) {
      throw new io.etch.InvalidArgumentException(
          field, field + " is longer than 65,535 encoded bytes");
    }
  }

  /** The instance, or {@code null} when the value is not one this codec wrote. */
  static ServiceInstance decode(String service, String instanceId, ByteSequence value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value.unsafeBytes()))) {
      if (in.readUnsignedByte() != VERSION) {
        return null;
      }
      String endpoint = in.readUTF();
      int n = in.readUnsignedShort();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        metadata.put(in.readUTF(), in.readUTF());
      }
      if (in.available() != 0) {
        return null;
      }
      return new ServiceInstance(service, instanceId, endpoint, metadata);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
