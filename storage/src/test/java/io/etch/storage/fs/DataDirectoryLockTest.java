package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
  @Test
  void aSecondLockOnTheSameDirectoryIsRefusedUntilReleased(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("node-1");
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(data)) {
      assertEquals(data, lock.directory());
      DataDirectoryLockedException e =
          assertThrows(DataDirectoryLockedException.class, () -> DataDirectoryLock.acquire(data));
      assertEquals(data, e.directory());
      assertTrue(e.getMessage().contains(data.toString()));
      DataDirectoryLock.acquire(dir.resolve("node-2")).close();
    }
    DataDirectoryLock.acquire(data).close();
  }
}
