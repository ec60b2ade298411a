package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
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
}
