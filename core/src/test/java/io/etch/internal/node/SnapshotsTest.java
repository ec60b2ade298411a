package io.etch.internal.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.internal.raftlog.RaftLogConfig;
import io.etch.internal.raftlog.WalRaftStorage;
import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.HardState;
import io.etch.storage.fs.ForwardingFileSystem;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFile;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RestoredStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner-thread side of local snapshots: {@link Snapshots#take} returns while the snapshot file
 * is still being written on the node's snapshot thread (here held mid-write by a file system that
 * blocks the snapshot file's creation), nothing is recorded until the written job comes back
 * through the owner's queue, a second request meanwhile is skipped, and the recorded snapshot
 * restores the store.
 */
class SnapshotsTest {
  private static final ConfState ONE = ConfState.of(new long[] {1}, new long[0]);

  /** Real files; the creation of a snapshot's temporary file waits for {@code release}. */
  private static final class GatedFileSystem extends ForwardingFileSystem {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile String writerThread;
    volatile boolean gate;

    @Override
    public StorageFile createGrowable(Path file) throws IOException {
      if (gate && file.getFileName().toString().endsWith(".snap.tmp")) {
        writerThread = Thread.currentThread().getName();
        entered.countDown();
        try {
          assertTrue(release.await(30, TimeUnit.SECONDS), "released");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      return super.createGrowable(file);
    }

    GatedFileSystem() {
      super(new MappedFileSystem());
    }
  }

  @Test
  void theFileIsWrittenOnTheSnapshotThreadAndRecordedOnlyByTheOwner(@TempDir Path dir)
      throws Exception {
    GatedFileSystem fs = new GatedFileSystem();
    RaftLogConfig cfg =
        RaftLogConfig.builder(dir)
            .fileSystem(fs)
            .preallocationExecutor(Runnable::run)
            .segmentSizeBytes(1 << 16)
            .maxEntryBytes(1024)
            .snapshotCatchUpEntries(2)
            .build();
    MvccStore store = MvccStore.create(MvccConfig.builder().build());
    try (WalRaftStorage wal = WalRaftStorage.open(cfg);
        SnapshotThread thread = new SnapshotThread("t")) {
      wal.bootstrap(ONE, out -> store.view().writeSnapshot(out, 1, new byte[0]));
      List<Entry> entries = new ArrayList<>();
      for (long i = 2; i <= 10; i++) {
        entries.add(new Entry(2, i, EntryType.NORMAL, new byte[] {(byte) i}));
        store.put(PutRequest.of(bytes("k" + i), bytes("v" + i)));
      }
      wal.append(entries);
      wal.setHardState(new HardState(2, 1, 10));
      wal.sync();
      RaftLogStore log = new WalRaftLogStore(wal);
      NodeState state =
          new NodeState(
              new RaftIds(),
              new io.etch.internal.metrics.NodeMetrics("t", io.etch.Clock.system(), () -> 0));
      ConcurrentLinkedQueue<RaftOwner.Command> ownerInbox = new ConcurrentLinkedQueue<>();
      Snapshots snapshots =
          new Snapshots("t", log, thread, state, ownerInbox::offer, System::nanoTime);
      thread.start();

      fs.gate = true;
      snapshots.take(10, ONE, store.view(), bytes("extra"));
      assertTrue(fs.entered.await(30, TimeUnit.SECONDS), "the writer started");
      // the owner's call returned while the file is being written on the snapshot thread
      assertEquals("etch-snap-t", fs.writerThread);
      assertTrue(state.snapshotInFlight);
      assertEquals(1, log.snapshot().metadata().index());
      snapshots.take(10, ONE, store.view(), bytes("extra")); // one in flight: skipped
      // the owner keeps persisting meanwhile
      wal.append(List.of(new Entry(2, 11, EntryType.NORMAL, new byte[] {11})));
      wal.sync();
      fs.release.countDown();

      await().atMost(Duration.ofSeconds(30)).until(() -> !ownerInbox.isEmpty());
      assertEquals(1, log.snapshot().metadata().index(), "recorded only by the owner");
      RaftOwner.Command written = ownerInbox.poll();
      written.execute(null);
      assertTrue(ownerInbox.isEmpty(), "the second request wrote nothing");
      assertFalse(state.snapshotInFlight);
      assertEquals(10, log.snapshot().metadata().index());
      assertEquals(8, log.firstIndex() - 1, "compacted to catch-up entries behind it");
      try (InputStream in = log.openSnapshotStateMachine()) {
        RestoredStore restored = MvccStore.restore(in, MvccConfig.builder().build());
        assertEquals(store.revision(), restored.store().revision());
        assertEquals("extra", new String(restored.extra(), StandardCharsets.UTF_8));
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
