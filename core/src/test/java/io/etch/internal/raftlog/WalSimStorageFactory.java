package io.etch.internal.raftlog;

import io.etch.raft.Snapshot;
import io.etch.raft.sim.SimStorage;
import io.etch.raft.sim.SimStorageFactory;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.util.SplittableRandom;

/**
 * Makes each simulated member a {@link WalSimStorage} on its own {@link FaultInjectingFileSystem},
 * every random choice (file system seeds, crash modes, cache and catch-up sizes) derived from the
 * simulation's seed, so a run replays exactly.
 */
final class WalSimStorageFactory implements SimStorageFactory {
  /** What the storage side of a run did, to show the run exercised it. */
  static final class Stats {
    final long[] crashes = new long[CrashMode.values().length];
    long snapshotsShipped;
    long snapshotsInstalledFromFiles;
    long snapshotsCreated;

    void add(Stats o) {
      for (int i = 0; i < crashes.length; i++) {
        crashes[i] += o.crashes[i];
      }
      snapshotsShipped += o.snapshotsShipped;
      snapshotsInstalledFromFiles += o.snapshotsInstalledFromFiles;
      snapshotsCreated += o.snapshotsCreated;
    }
  }

  private final SplittableRandom random;
  final Stats stats = new Stats();

  WalSimStorageFactory(long simulationSeed) {
    // a stream of its own: the simulation's own random choices stay those of the memory run
    this.random = new SplittableRandom(simulationSeed * 0x9E3779B97F4A7C15L + 0x5EED);
  }

  @Override
  public SimStorage bootstrap(long memberId, Snapshot initial) {
    WalSimStorage s = member(memberId);
    s.bootstrap(initial);
    return s;
  }

  @Override
  public SimStorage joining(long memberId) {
    return member(memberId);
  }

  private WalSimStorage member(long memberId) {
    SplittableRandom r = random.split();
    return new WalSimStorage(memberId, new FaultInjectingFileSystem(r.nextLong()), r, stats);
  }
}
