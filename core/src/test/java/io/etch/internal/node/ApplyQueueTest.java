package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyQueueTest {
  private long nextIndex = 1;

  /** A batch of {@code count} entries of {@code bytes} bytes each. */
  private ApplyBatch batch(int count, int bytes) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(Entry.normal(1, nextIndex++, new byte[bytes]));
    }
    return new ApplyBatch(null, entries, List.of());
  }

  @Test
  void aBatchIsRefusedOnceTheQueuedEntryBytesReachTheBound() {
    ApplyQueue queue = new ApplyQueue(1024, 1_000);
    assertTrue(queue.offer(batch(6, 100)));
    assertTrue(queue.offer(batch(3, 100)), "900 bytes queued: under the bound");
    assertEquals(900, queue.queuedBytes());
    assertTrue(queue.offer(batch(1, 100)));
    assertFalse(queue.offer(batch(1, 1)), "1,000 bytes queued");
    assertFalse(queue.offer(new ApplyBatch(null, List.of(), List.of())), "even an empty one waits");

    List<ApplyBatch> applied = new ArrayList<>();
    assertEquals(1, queue.drain(applied::add, 1));
    assertEquals(400, queue.queuedBytes());
    assertTrue(queue.offer(batch(1, 1)), "room again once the applier took one");
    assertEquals(3, queue.drain(applied::add, 64));
    assertEquals(4, applied.size());
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void anEmptyQueueTakesABatchLargerThanTheBound() {
    ApplyQueue queue = new ApplyQueue(1024, 1_000);
    assertTrue(queue.offer(batch(50, 100)), "5,000 bytes into an empty queue");
    assertFalse(queue.offer(batch(1, 1)));
    queue.drain(b -> {}, 64);
    assertTrue(queue.offer(batch(1, 1)));
  }

  @Test
  void theBatchBoundStillHolds() {
    ApplyQueue queue = new ApplyQueue(2, 1L << 30);
    assertTrue(queue.offer(batch(1, 1)));
    assertTrue(queue.offer(batch(1, 1)));
    assertFalse(queue.offer(batch(1, 1)));
    assertEquals(2, queue.queuedBytes(), "a refused batch is not counted");
  }

  @Test
  void batchesComeOutInOrderAcrossThreads() throws InterruptedException {
    ApplyQueue queue = new ApplyQueue(8, 64);
    int batches = 20_000;
    List<ApplyBatch> offered = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      offered.add(batch(1 + i % 3, 10));
    }
    List<ApplyBatch> applied = new ArrayList<>();
    Thread applier =
        new Thread(
            () -> {
              while (applied.size() < batches) {
                queue.drain(applied::add, 4);
              }
            });
    applier.start();
    for (ApplyBatch b : offered) {
      while (!queue.offer(b)) {
        Thread.onSpinWait();
      }
    }
    applier.join();
    assertEquals(offered, applied);
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void aQueueWithoutRoomIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ApplyQueue(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ApplyQueue(1, 0));
  }
}
