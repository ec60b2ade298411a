package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.PutResponse;
import io.etch.storage.fs.ForwardingFileSystem;
import io.etch.storage.fs.ForwardingStorageFile;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader applies and answers entries it has already persisted while it syncs the entries
 * proposed since: an answer does not wait for an unrelated sync.
 */
class ApplyOverlapsSyncTest {
  /** The WAL's first segment, as created (under its temporary name); not a pre-allocated one. */
  private static final Pattern FIRST_SEGMENT =
      Pattern.compile("[0-9a-f]{16}-[0-9a-f]{16}\\.wal(\\.tmp)?");

  @TempDir Path dir;
  private TestCluster cluster;
  private final SyncGate gate = new SyncGate();

  @AfterEach
  void tearDown() {
    gate.open();
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Test
  void anEntryPersistedBeforeIsAnsweredWhileTheNextSyncIsStuck() {
    cluster = new TestCluster(dir, 1, b -> b.storageFileSystem(new GatedFileSystem(gate))).start();
    EtcdNode node = cluster.nodes.get(0);
    node.kv().put(bs("warm"), bs("up")).join();

    gate.close();
    CompletableFuture<PutResponse> first = node.kv().put(bs("a"), bs("1"));
    await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
    // the owner is stuck in the sync of "a": "b" waits in its queue, to be proposed right after
    CompletableFuture<PutResponse> second = node.kv().put(bs("b"), bs("2"));
    gate.letOneThrough();
    // "a" is now durable here and committed; the next Ready carries it with "b" to persist, and
    // "b"'s sync is stuck: "a" must be answered all the same
    await().atMost(Duration.ofSeconds(30)).until(() -> gate.passed() == 1 && gate.waiting() == 1);
    PutResponse answered = first.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    assertFalse(second.isDone(), "b is not durable anywhere yet");
    gate.open();
    assertEquals(answered.header().revision() + 1, second.join().header().revision());
  }

  /** Holds WAL syncs while closed; lets them through one by one or all at once. */
  static final class SyncGate {
    private final Semaphore permits = new Semaphore(Integer.MAX_VALUE);
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    private volatile boolean closed;

    void close() {
      permits.drainPermits();
      passed.set(0);
      closed = true;
    }

    void letOneThrough() {
      permits.release();
    }

    void open() {
      closed = false;
      permits.release(Integer.MAX_VALUE / 2);
    }

    int waiting() {
      return waiting.get();
    }

    int passed() {
      return passed.get();
    }

    void pass() throws InterruptedIOException {
      if (!closed) {
        return;
      }
      waiting.incrementAndGet();
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("sync interrupted at the test's gate");
      } finally {
        waiting.decrementAndGet();
      }
      passed.incrementAndGet();
    }
  }

  /** The production file system, with the first WAL segment's syncs passing through a gate. */
  static final class GatedFileSystem extends ForwardingFileSystem {
    private final SyncGate gate;

    GatedFileSystem(SyncGate gate) {
      super(new MappedFileSystem());
      this.gate = gate;
    }

    private StorageFile gated(StorageFile file) {
      if (!FIRST_SEGMENT.matcher(file.path().getFileName().toString()).matches()) {
        return file;
      }
      return new ForwardingStorageFile(file) {
        @Override
        public void sync() throws IOException {
          gate.pass();
          super.sync();
        }
      };
    }

    @Override
    public StorageFile createFixed(Path file, long sizeBytes) throws IOException {
      return gated(super.createFixed(file, sizeBytes));
    }

    @Override
    public StorageFile openFixed(Path file) throws IOException {
      return gated(super.openFixed(file));
    }
  }
}
