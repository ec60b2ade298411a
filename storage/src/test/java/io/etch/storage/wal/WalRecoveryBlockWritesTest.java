package io.etch.storage.wal;

import io.etch.storage.fs.FaultInjectingFileSystem;

/**
 * {@link WalRecoveryTest} on files written the way {@link
 * io.etch.storage.fs.WritePath#DIRECT_DSYNC} writes them: whole 1 KiB blocks (two sectors) at
 * aligned positions, the partly filled last block rewritten by the next sync, every sector of a
 * rewritten block unsynced until then.
 */
class WalRecoveryBlockWritesTest extends WalRecoveryTest {
  @Override
  FaultInjectingFileSystem newFs(long seed) {
    return FaultInjectingFileSystem.withBlockWrites(seed, 1024);
  }
}
