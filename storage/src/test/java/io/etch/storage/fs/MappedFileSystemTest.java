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
