package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.internal.request.LeaseCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A damaged lessor section gives a {@link DecodingException} or an {@link IOException} (end of
 * stream), never another exception, and a failed restore leaves the lessor as it was.
 */
class LeaseSnapshotCorruptionTest {
  private static LessorConfig config() {
    return LessorConfig.builder().minTtlSeconds(2).maxKeyBytes(64).build();
  }

  private static byte[] section() throws IOException {
    Lessor lessor = new Lessor(config());
    lessor.grant(1, 10, 0);
    lessor.grant(2, 3600, 0);
    lessor.attach(ByteSequence.from("alpha"), 1);
    lessor.attach(ByteSequence.from("beta"), 2);
    lessor.attach(ByteSequence.from("gamma"), 2);
    lessor.checkpoint(List.of(new LeaseCheckpoint(2, 1234)), 0);
    return snapshot(lessor);
  }

  private static byte[] snapshot(Lessor lessor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lessor.writeSnapshot(new DataOutputStream(out));
    return out.toByteArray();
  }

  private static void restoreSafely(byte[] bytes, String context) throws IOException {
    Lessor lessor = new Lessor(config());
    lessor.grant(77, 10, 0);
    byte[] before = snapshot(lessor);
    try {
      lessor.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)));
      return;
    } catch (DecodingException | IOException expected) {
      // a typed failure
    } catch (RuntimeException | Error e) {
      fail(context + ": " + e, e);
    }
    assertArrayEquals(before, snapshot(lessor), context + ": a failed restore changed the state");
  }

  @Test
  void everyTruncationAndEveryCorruptedByte() throws IOException {
    byte[] section = section();
    for (int length = 0; length < section.length; length++) {
      restoreSafely(Arrays.copyOf(section, length), "cut at " + length);
    }
    for (int offset = 0; offset < section.length; offset++) {
      for (byte pattern : new byte[] {(byte) 0xFF, (byte) 0x80, 0x7F, 0x01, 0x00}) {
        byte[] corrupt = section.clone();
        corrupt[offset] = pattern;
        restoreSafely(corrupt, "byte " + offset + " = " + pattern);
      }
    }
  }
}
