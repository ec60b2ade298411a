package io.etch.internal.raftlog;

import static io.etch.internal.raftlog.SnapshotEnvelopeDescriptor.*;

import io.etch.raft.ConfState;
import io.etch.storage.snap.SnapshotCorruptionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** Writes and reads the envelope drawn in {@link SnapshotEnvelopeDescriptor}. */
final class SnapshotEnvelope {
  private SnapshotEnvelope() {}

  /** Writes the envelope for {@code confState}; the state machine bytes follow on {@code out}. */
  static void write(ConfState confState, OutputStream out) throws IOException {
    long[] voters = confState.voters();
    long[] learners = confState.learners();
    long[] outgoing = confState.votersOutgoing();
    long[] next = confState.learnersNext();
    int ids = voters.length + learners.length + outgoing.length + next.length;
    byte[] bytes = new byte[FIXED_LENGTH + ids * Long.BYTES];
    UnsafeBuffer b = new UnsafeBuffer(bytes);
    b.putInt(MAGIC_OFFSET, MAGIC, BYTE_ORDER);
    b.putShort(VERSION_OFFSET, VERSION, BYTE_ORDER);
    b.putByte(FLAGS_OFFSET, confState.autoLeave() ? FLAG_AUTO_LEAVE : 0);
    b.putInt(VOTERS_COUNT_OFFSET, voters.length, BYTE_ORDER);
    b.putInt(LEARNERS_COUNT_OFFSET, learners.length, BYTE_ORDER);
    b.putInt(VOTERS_OUTGOING_COUNT_OFFSET, outgoing.length, BYTE_ORDER);
    b.putInt(LEARNERS_NEXT_COUNT_OFFSET, next.length, BYTE_ORDER);
    int at = FIXED_LENGTH;
    for (long[] set : new long[][] {voters, learners, outgoing, next}) {
      for (long id : set) {
        b.putLong(at, id, BYTE_ORDER);
        at += Long.BYTES;
      }
    }
    out.write(bytes);
  }

  /**
   * Reads the envelope from the start of a payload stream, leaving {@code in} at the first state
   * machine byte.
   *
   * @throws SnapshotCorruptionException naming {@code file} if the envelope is malformed
   */
  static ConfState read(InputStream in, Path file) throws IOException {
    byte[] fixed = readFully(in, FIXED_LENGTH, file);
    UnsafeBuffer b = new UnsafeBuffer(fixed);
    if (b.getInt(MAGIC_OFFSET, BYTE_ORDER) != MAGIC) {
      throw new SnapshotCorruptionException(file, "no snapshot envelope magic");
    }
    if (b.getShort(VERSION_OFFSET, BYTE_ORDER) != VERSION) {
      throw new SnapshotCorruptionException(
          file, "unknown envelope version " + b.getShort(VERSION_OFFSET, BYTE_ORDER));
    }
    byte flags = b.getByte(FLAGS_OFFSET);
    if ((flags & ~FLAG_AUTO_LEAVE) != 0) {
      throw new SnapshotCorruptionException(file, "unknown envelope flags " + flags);
    }
    int[] counts = {
      b.getInt(VOTERS_COUNT_OFFSET, BYTE_ORDER),
      b.getInt(LEARNERS_COUNT_OFFSET, BYTE_ORDER),
      b.getInt(VOTERS_OUTGOING_COUNT_OFFSET, BYTE_ORDER),
      b.getInt(LEARNERS_NEXT_COUNT_OFFSET, BYTE_ORDER)
    };
    long[][] sets = new long[4][];
    for (int s = 0; s < 4; s++) {
      if (counts[s] < 0 || counts[s] > MAX_IDS_PER_SET) {
        throw new SnapshotCorruptionException(
            file,
            "member set " + s + " has count " + counts[s] + " (limit " + MAX_IDS_PER_SET + ")");
      }
      ByteBuffer ids =
          ByteBuffer.wrap(readFully(in, counts[s] * Long.BYTES, file)).order(BYTE_ORDER);
      sets[s] = new long[counts[s]];
      for (int i = 0; i < counts[s]; i++) {
        sets[s][i] = ids.getLong();
      }
    }
    try {
      return new ConfState(sets[0], sets[1], sets[2], sets[3], flags == FLAG_AUTO_LEAVE);
    } catch (IllegalArgumentException e) {
      throw new SnapshotCorruptionException(file, "invalid membership: " + e.getMessage());
    }
  }

  private static byte[] readFully(InputStream in, int length, Path file) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new SnapshotCorruptionException(
          file, "snapshot envelope truncated: " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }
}
