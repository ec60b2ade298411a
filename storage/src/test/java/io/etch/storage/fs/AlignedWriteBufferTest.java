package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link AlignedWriteBuffer} against a model of the file: seeded random writes (mostly appends,
 * some anywhere), in-place claims, reads and write-backs, with block sizes of 512 to 2048 bytes and
 * buffers of one to four blocks (so it slides and restarts often). Every block written must be at
 * an aligned position, whole, and hold exactly the file's current content: a rewrite never changes
 * a byte that was not written since (so sectors holding synced bytes come back identical), and
 * after a write-back the disk equals the model. Replay a seed with {@code -Detch.fs.seed=<seed>}.
 */
class AlignedWriteBufferTest {
  @Test
  void everyWrittenBlockHoldsTheFileImage() throws Exception {
    String only = System.getProperty("etch.fs.seed");
    if (only != null) {
      run(Long.parseLong(only));
      return;
    }
    long base = new Random().nextLong();
    for (long seed = base; seed < base + 1000; seed++) {
      try {
        run(seed);
      } catch (AssertionError | RuntimeException | java.io.IOException e) {
        throw new AssertionError(
            "seed "
                + seed
                + " failed; replay with ./mvnw -B -ntp -pl storage test"
                + " -Dtest=AlignedWriteBufferTest -Detch.fs.seed="
                + seed,
            e);
      }
    }
  }

  private static void run(long seed) throws java.io.IOException {
    Random random = new Random(seed);
    int block = 512 << random.nextInt(3);
    int size = block * (8 + random.nextInt(24));
    byte[] image = new byte[size];
    byte[] disk = new byte[size];
    // during a write: the file's bytes before it (a write-back inside the call may carry either)
    byte[] before = new byte[size];
    int[] writing = {0, 0};
    boolean zeroFilled = random.nextBoolean();
    if (!zeroFilled) {
      random.nextBytes(image);
      System.arraycopy(image, 0, disk, 0, size);
    }
    AlignedWriteBuffer.BlockIo io =
        new AlignedWriteBuffer.BlockIo() {
          @Override
          public void writeBlocks(ByteBuffer blocks, long position, boolean barrier) {
            int length = blocks.remaining();
            assertEquals(0, position % block, "aligned position");
            assertEquals(0, length % block, "whole blocks");
            byte[] bytes = new byte[length];
            blocks.get(bytes);
            for (int i = 0; i < length; i++) {
              int at = (int) position + i;
              boolean inWrite = at >= writing[0] && at < writing[1];
              if (bytes[i] != image[at] && !(inWrite && bytes[i] == before[at])) {
                fail("a write-back carries byte " + bytes[i] + " at " + at + ", not " + image[at]);
              }
            }
            System.arraycopy(bytes, 0, disk, (int) position, length);
          }

          @Override
          public void readFile(
              long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes) {
            dst.putBytes(dstOffset, disk, (int) position, lengthBytes);
          }
        };
    AlignedWriteBuffer buffer =
        new AlignedWriteBuffer(
            io, block, size, zeroFilled ? 0 : size, block * (1 + random.nextInt(4)));
    WriteClaim claim = new WriteClaim();
    int cursor = random.nextInt(size / 2);
    for (int step = 0; step < 300; step++) {
      int op = random.nextInt(10);
      if (op < 6) {
        int position = random.nextInt(8) == 0 ? random.nextInt(size - 1) : cursor;
        int length = 1 + random.nextInt(Math.min(3 * block, size - position));
        if (position + length > size - 1) {
          cursor = random.nextInt(size / 2);
          continue;
        }
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        System.arraycopy(image, position, before, position, length);
        System.arraycopy(bytes, 0, image, position, length);
        writing[0] = position;
        writing[1] = position + length;
        if (op < 3 && length <= buffer.maxClaimBytes()) {
          buffer.claim(null, position, length, claim);
          claim.buffer().putBytes(claim.offset(), bytes);
          buffer.commit(claim);
        } else {
          buffer.write(position, new UnsafeBuffer(bytes), 0, length);
        }
        writing[0] = 0;
        writing[1] = 0;
        cursor = position + length;
      } else if (op < 8) {
        buffer.flush(random.nextBoolean());
        assertArrayEquals(image, disk, "after a write-back the disk holds the file image");
      } else {
        int position = random.nextInt(size - 1);
        int length = 1 + random.nextInt(Math.min(2 * block, size - position));
        UnsafeBuffer out = new UnsafeBuffer(new byte[length]);
        if (!buffer.read(position, out, 0, length)) {
          out.putBytes(0, disk, position, length);
        }
        assertArrayEquals(
            Arrays.copyOfRange(image, position, position + length),
            out.byteArray(),
            "read at " + position);
      }
    }
    buffer.flush(true);
    assertArrayEquals(image, disk);
  }

  /**
   * Batches of appends, each followed by a sync's write-back, as the log does them: a sync that
   * leaves less than a quarter of the buffer free moves the last block to the front, so no batch
   * ever needs a write-back of its own (one write per sync, always the barrier), the last block
   * stays readable from the buffer and the disk ends up equal to what was written.
   */
  @Test
  void syncsMakeRoomSoABatchNeedsNoWriteBackOfItsOwn() throws Exception {
    int blockBytes = 4096;
    byte[] disk = new byte[4 << 20];
    byte[] image = new byte[disk.length];
    int[] writes = new int[2]; // [barrier, other]
    AlignedWriteBuffer.BlockIo io =
        new AlignedWriteBuffer.BlockIo() {
          @Override
          public void writeBlocks(ByteBuffer blocks, long position, boolean barrier) {
            assertEquals(0, position % blockBytes);
            assertEquals(0, blocks.remaining() % blockBytes);
            blocks.get(disk, (int) position, blocks.remaining());
            writes[barrier ? 0 : 1]++;
          }

          @Override
          public void readFile(
              long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes) {
            dst.putBytes(dstOffset, disk, (int) position, lengthBytes);
          }
        };
    AlignedWriteBuffer buffer = new AlignedWriteBuffer(io, blockBytes, disk.length, 0, 64 << 10);
    Random random = new Random(3);
    UnsafeBuffer record = new UnsafeBuffer(new byte[296]);
    int position = 0;
    int batches = 0;
    while (position + 64 * record.capacity() < disk.length) {
      int batch = 1 + random.nextInt(64); // up to 18.5 KiB: fits in the quarter left free
      for (int i = 0; i < batch; i++) {
        random.nextBytes(record.byteArray());
        buffer.write(position, record, 0, record.capacity());
        record.getBytes(0, image, position, record.capacity());
        position += record.capacity();
      }
      buffer.flush(true);
      batches++;
      int tail = position % blockBytes == 0 ? blockBytes : position % blockBytes;
      UnsafeBuffer last = new UnsafeBuffer(new byte[tail]); // at least the last block is kept
      assertTrue(buffer.read(position - tail, last, 0, tail));
      assertArrayEquals(Arrays.copyOfRange(image, position - tail, position), last.byteArray());
    }
    assertEquals(batches, writes[0], "one write per sync");
    assertEquals(0, writes[1], "no write-back in the middle of a batch");
    assertArrayEquals(image, disk);
  }
}
