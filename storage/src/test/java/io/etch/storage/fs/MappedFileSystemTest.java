package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MappedFileSystemTest {
  /**
   * {@link WritePath#DIRECT_DSYNC}: a sync rewrites the partly filled block with the new bytes
   * appended, and bytes no longer in the write-behind buffer are read back through the mapping (a
   * direct write drops the cached pages; the mapping then reads the disk), on this file system and
   * after a reopen. On ext4 (x86-64) it also checks that the file really is open with O_DIRECT.
   */
  @Test
  void directWritesRewriteThePartialBlockAndReadBackThroughTheMapping(@TempDir Path dir)
      throws Exception {
    MappedFileSystem fs = new MappedFileSystem(WritePath.DIRECT_DSYNC);
    Path path = dir.resolve("d");
    int size = 4 << 20;
    byte[] image = new byte[size];
    java.util.Random random = new java.util.Random(5);
    try (StorageFile f = fs.createFixed(path, size)) {
      if (Files.getFileStore(dir).type().equals("ext4")
          && System.getProperty("os.arch").equals("amd64")) {
        assertTrue(openWithDirectIo(path), "ext4 accepts O_DIRECT: the file is open with it");
      }
      int position = 0;
      for (int round = 0; round < 40; round++) { // 40 syncs of 1..300 bytes: partial blocks
        int length = 1 + random.nextInt(300);
        writeRandom(f, image, position, length, random);
        position += length;
        f.sync();
      }
      // far away: the buffer lets go of the first blocks, which must now come from the mapping
      writeRandom(f, image, 2 << 20, 5000, random);
      f.sync();
      UnsafeBuffer back = new UnsafeBuffer(new byte[position]);
      f.read(0, back, 0, position);
      assertArrayEquals(java.util.Arrays.copyOf(image, position), back.byteArray());
      // a write of more than the buffer holds: written in pieces, read back through the mapping
      writeRandom(f, image, 3 << 20, (1 << 20) - 7, random);
      f.sync();
      writeRandom(f, image, 100, 10, random); // behind the buffer: its head block from the mapping
      f.sync();
    }
    assertArrayEquals(image, Files.readAllBytes(path), "read(2) sees what was written");
    try (StorageFile f = fs.openFixed(path)) {
      UnsafeBuffer back = new UnsafeBuffer(new byte[size]);
      f.read(0, back, 0, size);
      assertArrayEquals(image, back.byteArray(), "through the mapping after a reopen");
      writeRandom(f, image, 777, 3000, random); // rewrites blocks read back from the disk
      f.sync();
    }
    assertArrayEquals(image, Files.readAllBytes(path));
  }

  private static void writeRandom(
      StorageFile f, byte[] image, int position, int length, java.util.Random random)
      throws Exception {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    System.arraycopy(bytes, 0, image, position, length);
    f.write(position, new UnsafeBuffer(bytes), 0, length);
  }

  /** Whether this process holds {@code file} open with O_DIRECT (x86-64 flag value, procfs). */
  private static boolean openWithDirectIo(Path file) throws Exception {
    int oDirect = 040000;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        Path target;
        try {
          target = Files.readSymbolicLink(fd);
        } catch (java.io.IOException e) {
          continue; // closed since listed
        }
        if (!target.equals(file.toAbsolutePath())) {
          continue;
        }
        for (String line :
            Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
          if (line.startsWith("flags:")
              && (Integer.parseInt(line.substring(6).trim(), 8) & oDirect) != 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @ParameterizedTest
  @EnumSource(WritePath.class)
  void fixedFilesArePreallocatedMappedAndSurviveReopen(WritePath writePath, @TempDir Path dir)
      throws Exception {
    MappedFileSystem fs = new MappedFileSystem(writePath);
    Path file = dir.resolve("a.tmp");
    byte[] hello = "hello, mapped world".getBytes();
    try (StorageFile f = fs.createFixed(file, 1 << 20)) {
      assertEquals(1 << 20, Files.size(file));
      f.write(4000, new UnsafeBuffer(hello), 0, hello.length);
      UnsafeBuffer early = new UnsafeBuffer(new byte[hello.length]);
      f.read(4000, early, 0, hello.length);
      assertArrayEquals(hello, early.byteArray(), "a write is visible to reads before any sync");
      f.write(4000 + hello.length, new UnsafeBuffer(hello), 0, hello.length);
      UnsafeBuffer straddling = new UnsafeBuffer(new byte[2 * hello.length + 8]);
      f.read(3992, straddling, 0, straddling.capacity());
      assertArrayEquals(
          hello, java.util.Arrays.copyOfRange(straddling.byteArray(), 8, 8 + hello.length));
      f.read(4000 + hello.length, early, 0, hello.length);
      assertArrayEquals(
          hello, early.byteArray(), "read after the buffer was flushed by a straddling read");
      f.write(100, new UnsafeBuffer(hello), 0, hello.length);
      f.sync();
      assertThrows(
          IndexOutOfBoundsException.class,
          () -> f.write((1 << 20) - 2, new UnsafeBuffer(hello), 0, 3));
    }
    fs.rename(file, dir.resolve("a"));
    fs.syncDirectory(dir);
    assertEquals(List.of("a"), fs.list(dir));
    try (StorageFile f = fs.openFixed(dir.resolve("a"))) {
      UnsafeBuffer out = new UnsafeBuffer(new byte[hello.length]);
      for (int at : new int[] {100, 4000, 4000 + hello.length}) {
        f.read(at, out, 0, hello.length);
        assertArrayEquals(hello, out.byteArray(), "at " + at);
      }
    }
    try (StorageFile g = fs.createGrowable(dir.resolve("g"))) {
      g.write(10, new UnsafeBuffer(hello), 0, hello.length);
      g.sync();
      assertEquals(10 + hello.length, g.sizeBytes());
    }
    fs.delete(dir.resolve("g"));
    assertFalse(fs.exists(dir.resolve("g")));
  }

  @ParameterizedTest
  @EnumSource(WritePath.class)
  void claimedBytesAreWrittenOnCommitLikeAWrite(WritePath writePath, @TempDir Path dir)
      throws Exception {
    MappedFileSystem fs = new MappedFileSystem(writePath);
    WriteClaim claim = new WriteClaim();
    byte[] big = new byte[(1 << 20) + 4096];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7);
    }
    try (StorageFile f = fs.createFixed(dir.resolve("c"), 4 << 20)) {
      int position = 0;
      for (int i = 0; i < 2000; i++) {
        f.claim(position, 24, claim);
        assertNotNull(claim.buffer().byteBuffer(), "claims are direct-buffer backed");
        assertEquals(position, claim.position());
        claim.buffer().putLong(claim.offset(), i);
        claim.buffer().putLong(claim.offset() + 8, -i);
        claim.buffer().putLong(claim.offset() + 16, i * 3L);
        f.commit(claim);
        position += 24;
      }
      f.claim(position, big.length, claim); // larger than the write-behind buffer: staged
      claim.buffer().putBytes(claim.offset(), big);
      f.commit(claim);
      UnsafeBuffer out = new UnsafeBuffer(new byte[24]);
      f.read(24 * 1999, out, 0, 24);
      assertEquals(1999, out.getLong(0), "visible before any sync");
      f.sync();
      if (writePath != WritePath.MAPPED_MEMORY) { // in-place claims detect misuse
        f.claim(position + big.length, 8, claim);
        f.write(0, new UnsafeBuffer(new byte[8]), 0, 8);
        assertThrows(IllegalStateException.class, () -> f.commit(claim), "write in between");
      }
    }
    try (StorageFile f = fs.openFixed(dir.resolve("c"))) {
      UnsafeBuffer out = new UnsafeBuffer(new byte[24]);
      for (int i = 1; i < 2000; i += 97) {
        f.read(24L * i, out, 0, 24);
        assertEquals(i, out.getLong(0));
        assertEquals(-i, out.getLong(8));
        assertEquals(i * 3L, out.getLong(16));
      }
      UnsafeBuffer back = new UnsafeBuffer(new byte[big.length]);
      f.read(24 * 2000, back, 0, big.length);
      assertArrayEquals(big, back.byteArray());
    }
  }

  @Test
  void sparseFixedFilesHaveTheirFullSizeAndReadAsZeros(@TempDir Path dir) throws Exception {
    MappedFileSystem fs = new MappedFileSystem(WritePath.BUFFERED_CHANNEL, Preallocation.SPARSE);
    try (StorageFile f = fs.createFixed(dir.resolve("s"), 1 << 20)) {
      assertEquals(1 << 20, Files.size(dir.resolve("s")));
      UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
      f.read((1 << 20) - 4096, out, 0, 4096);
      for (byte b : out.byteArray()) {
        assertEquals(0, b);
      }
    }
  }
}
