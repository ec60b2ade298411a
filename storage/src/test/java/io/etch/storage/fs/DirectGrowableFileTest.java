package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.RefusingDirectChannels.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Growable files of {@link WritePath#DIRECT_DSYNC} ({@link DirectGrowableFile}): appends of every
 * size, syncs anywhere, reads and rewrites in the middle, close without a sync, and the file
 * systems that refuse O_DIRECT. The content read back must always be exactly what was written. The
 * direct channels come from {@link RefusingDirectChannels}, which checks that every write is
 * block-aligned in position, length and memory, as O_DIRECT demands (on a file system that enforces
 * it the test would fail with EINVAL instead); one test uses the JDK's real O_DIRECT.
 */
class DirectGrowableFileTest {
  private static final int BLOCK = RefusingDirectChannels.BLOCK_BYTES;

  private static byte[] bytes(Random random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static int length(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextInt(16);
      case 1 -> BLOCK * (1 + random.nextInt(4));
      case 2 -> DirectGrowableFile.STAGING_BYTES - random.nextInt(3);
      case 3 -> 1 + random.nextInt(3 * DirectGrowableFile.STAGING_BYTES);
      default -> 1 + random.nextInt(9_000);
    };
  }

  private static void write(StorageFile file, long position, byte[] b) throws IOException {
    // half from heap arrays, half from direct buffers: both shapes reach a file
    if ((b.length & 1) == 0) {
      file.write(position, new UnsafeBuffer(b), 0, b.length);
    } else {
      UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(b.length + 3));
      direct.putBytes(3, b);
      file.write(position, direct, 3, b.length);
    }
  }

  private static byte[] readAll(StorageFileSystem fs, Path path) throws IOException {
    try (StorageFile f = fs.openGrowable(path)) {
      byte[] all = new byte[(int) f.sizeBytes()];
      f.read(0, new UnsafeBuffer(all), 0, all.length);
      return all;
    }
  }

  /** Direct channels that refuse nothing (but still check every write's alignment). */
  private static MappedFileSystem workingFs() {
    return fs(new RefusingDirectChannels(Mode.WORKS, 0));
  }

  private static MappedFileSystem fs(RefusingDirectChannels channels) {
    return new MappedFileSystem(WritePath.DIRECT_DSYNC, Preallocation.ZERO_FILL, channels);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void appendsOfEverySizeWithSyncsAnywhereReadBackExactly(long seed, @TempDir Path dir)
      throws IOException {
    Random random = new Random(seed);
    RefusingDirectChannels channels = new RefusingDirectChannels(Mode.WORKS, 0);
    MappedFileSystem fs = fs(channels);
    Path path = dir.resolve("grow");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (StorageFile file = fs.createGrowable(path)) {
      assertInstanceOf(DirectGrowableFile.class, file, "seed " + seed);
      for (int op = 0; op < 40; op++) {
        byte[] b = bytes(random, length(random));
        write(file, expected.size(), b);
        expected.write(b);
        assertEquals(expected.size(), file.sizeBytes(), "seed " + seed + ", op " + op);
        if (random.nextInt(4) == 0) {
          file.sync();
          assertEquals(expected.size(), Files.size(path), "size after a sync, seed " + seed);
        }
      }
      assertTrue(((DirectGrowableFile) file).writesDirectly(), "seed " + seed);
      file.sync();
    }
    assertArrayEquals(expected.toByteArray(), readAll(fs, path), "seed " + seed);
    assertEquals(0, channels.misalignedWrites, "seed " + seed);
    assertEquals(0, channels.failedWrites, "seed " + seed);
    long whole = expected.size() & -BLOCK;
    assertTrue(
        channels.bytesWritten >= whole - DirectGrowableFile.STAGING_BYTES,
        "seed " + seed + ": " + channels.bytesWritten + " bytes written directly of " + whole);
  }

  @Test
  void closeWithoutSyncLeavesTheWholeContentVisible(@TempDir Path dir) throws IOException {
    Random random = new Random(11);
    MappedFileSystem fs = workingFs();
    Path path = dir.resolve("grow");
    byte[] b = bytes(random, 3 * DirectGrowableFile.STAGING_BYTES + 777);
    StorageFile file = fs.createGrowable(path);
    write(file, 0, b);
    file.close();
    file.close(); // a second close is harmless (the staging memory is freed once)
    assertThrows(IOException.class, () -> write(file, b.length, new byte[] {1}));
    assertArrayEquals(b, readAll(fs, path));
  }

  @Test
  void aRewriteInTheMiddleAndReadsOfStagedBytesAreServedExactly(@TempDir Path dir)
      throws IOException {
    Random random = new Random(12);
    MappedFileSystem fs = workingFs();
    Path path = dir.resolve("grow");
    byte[] expected = new byte[2 * DirectGrowableFile.STAGING_BYTES + 5_000];
    random.nextBytes(expected);
    try (StorageFile file = fs.createGrowable(path)) {
      int first = DirectGrowableFile.STAGING_BYTES + 1_234;
      write(file, 0, Arrays.copyOfRange(expected, 0, first));
      byte[] staged = new byte[1_000];
      file.read(first - 1_000, new UnsafeBuffer(staged), 0, staged.length);
      assertArrayEquals(Arrays.copyOfRange(expected, first - 1_000, first), staged);
      assertFalse(((DirectGrowableFile) file).writesDirectly(), "a read of staged bytes");
      write(file, first, Arrays.copyOfRange(expected, first, expected.length));
      byte[] header = bytes(random, 32);
      System.arraycopy(header, 0, expected, 0, header.length);
      write(file, 0, header); // the header rewritten last, as a caller might
      file.sync();
      assertEquals(expected.length, file.sizeBytes());
    }
    assertArrayEquals(expected, readAll(fs, path));
  }

  @Test
  void aRewriteBeforeTheEndTurnsTheFileBufferedAndLosesNothing(@TempDir Path dir)
      throws IOException {
    Random random = new Random(13);
    MappedFileSystem fs = workingFs();
    Path path = dir.resolve("grow");
    byte[] expected = bytes(random, DirectGrowableFile.STAGING_BYTES + 9_999);
    try (StorageFile file = fs.createGrowable(path)) {
      write(file, 0, expected);
      expected[100] ^= 1;
      write(file, 100, new byte[] {expected[100]});
      assertFalse(((DirectGrowableFile) file).writesDirectly());
      assertEquals(expected.length, file.sizeBytes());
      file.sync();
    }
    assertArrayEquals(expected, readAll(fs, path));
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"OPEN_FAILS", "OPEN_UNSUPPORTED", "FIRST_WRITE_FAILS"})
  void aRefusedDirectWriteFallsBackToBufferedWritesAndLosesNothing(Mode mode, @TempDir Path dir)
      throws IOException {
    Random random = new Random(14);
    RefusingDirectChannels channels = new RefusingDirectChannels(mode, 0);
    MappedFileSystem fs = fs(channels);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Path path = dir.resolve("grow");
    try (StorageFile file = fs.createGrowable(path)) {
      for (int op = 0; op < 12; op++) {
        byte[] b = bytes(random, length(random));
        write(file, expected.size(), b);
        expected.write(b);
        if (op % 3 == 0) {
          file.sync();
        }
      }
      file.sync();
    }
    assertArrayEquals(expected.toByteArray(), readAll(fs, path), mode.name());
    assertEquals(0, channels.successfulWrites, mode.name());
    // the refusal is remembered for the directory: the next file does not try again
    int opens = channels.opens;
    try (StorageFile next = fs.createGrowable(dir.resolve("next"))) {
      assertInstanceOf(ChannelStorageFile.class, next);
    }
    assertEquals(opens, channels.opens, mode.name());
  }

  @Test
  void aDirectWriteFailingAfterOneSucceededIsAnErrorNotAFallback(@TempDir Path dir)
      throws IOException {
    Random random = new Random(15);
    RefusingDirectChannels channels = new RefusingDirectChannels(Mode.PLAIN_WRITE_FAILS_LATER, 1);
    MappedFileSystem fs = fs(channels);
    try (StorageFile file = fs.createGrowable(dir.resolve("grow"))) {
      write(file, 0, bytes(random, DirectGrowableFile.STAGING_BYTES)); // one direct write
      assertEquals(1, channels.successfulWrites);
      byte[] more = bytes(random, DirectGrowableFile.STAGING_BYTES);
      IOException e = assertThrows(IOException.class, () -> write(file, file.sizeBytes(), more));
      assertEquals("EIO", e.getMessage());
      assertTrue(((DirectGrowableFile) file).writesDirectly(), "no fallback after an EIO");
    }
  }

  /** The JDK's real O_DIRECT where this machine's file system has it (else the fallback). */
  @Test
  void theRealFileSystemReadsBackWhatWasWritten(@TempDir Path dir) throws IOException {
    Random random = new Random(16);
    MappedFileSystem fs = new MappedFileSystem(WritePath.DIRECT_DSYNC);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Path path = dir.resolve("grow");
    try (StorageFile file = fs.createGrowable(path)) {
      for (int op = 0; op < 20; op++) {
        byte[] b = bytes(random, length(random));
        write(file, expected.size(), b);
        expected.write(b);
        if (random.nextBoolean()) {
          file.sync();
        }
      }
      file.sync();
    }
    assertArrayEquals(expected.toByteArray(), readAll(fs, path));
  }
}
