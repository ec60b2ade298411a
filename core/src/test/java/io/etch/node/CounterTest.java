package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.EtcdNode;
import io.etch.EtchException;
import io.etch.kv.Codec;
import io.etch.kv.TypedKV;
import io.etch.kv.TypedKeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A counter incremented by compare-and-set from every member at once through the typed view: every
 * acknowledged increment is counted exactly once, also across the leader being closed.
 */
class CounterTest {
  private static final String KEY = "counter";

  @TempDir Path dir;
  TestCluster cluster;
  ExecutorService workers;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 3).start();
    workers = Executors.newFixedThreadPool(3);
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    cluster.close();
  }

  private static TypedKV<String, Long> counter(EtcdNode node) {
    return node.kv().typed(Codec.utf8(), Codec.int64());
  }

  /** Increments until {@code increments} CAS succeeded, or the member fails; counts outcomes. */
  private CompletableFuture<Void> worker(
      EtcdNode node, int increments, AtomicLong acked, AtomicLong unknown) {
    return CompletableFuture.runAsync(
        () -> {
          TypedKV<String, Long> kv = counter(node);
          int done = 0;
          while (done < increments) {
            try {
              long current = kv.get(KEY).join().map(TypedKeyValue::value).orElseThrow();
              if (kv.replace(KEY, current, current + 1).join().succeeded()) {
                acked.incrementAndGet();
                done++;
              }
            } catch (CompletionException e) {
              if (!(e.getCause() instanceof EtchException)) {
                throw e;
              }
              // a timed-out or closed-node write may or may not have been applied
              unknown.incrementAndGet();
              if (!((EtchException) e.getCause()).isRetryable()) {
                return;
              }
            }
          }
        },
        workers);
  }

  /** Blind puts: each applied put bumps the key's version by one, so a double apply shows. */
  private CompletableFuture<Void> putter(
      EtcdNode node, String key, int puts, AtomicLong acked, AtomicLong unknown) {
    return CompletableFuture.runAsync(
        () -> {
          for (int i = 0; i < puts; i++) {
            try {
              counter(node).put(key, (long) i).join();
              acked.incrementAndGet();
            } catch (CompletionException e) {
              if (!(e.getCause() instanceof EtchException)) {
                throw e;
              }
              unknown.incrementAndGet();
              if (!((EtchException) e.getCause()).isRetryable()) {
                return;
              }
            }
          }
        },
        workers);
  }

  @Test
  void blindPutsFromFollowersApplyAtMostOnceAcrossALeaderChange() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> survivors = new ArrayList<>(cluster.nodes);
    survivors.remove(leader);
    AtomicLong acked = new AtomicLong();
    AtomicLong unknown = new AtomicLong();
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (EtcdNode n : survivors) {
      running.add(putter(n, "blind", 40, acked, unknown));
    }
    counter(survivors.get(0)).put("warm", 1L).join();
    leader.close();
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
    long version =
        counter(survivors.get(1)).get("blind").join().map(TypedKeyValue::version).orElseThrow();
    assertTrue(
        version >= acked.get() && version <= acked.get() + unknown.get(),
        "version " + version + ", acknowledged " + acked + ", unknown outcomes " + unknown);
  }

  @Test
  void everyAcknowledgedIncrementCountsOnceAcrossALeaderChange() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    assertTrue(counter(leader).putIfAbsent(KEY, 0L).join().succeeded());
    AtomicLong acked = new AtomicLong();
    AtomicLong unknown = new AtomicLong();

    List<CompletableFuture<Void>> phase1 = new ArrayList<>();
    for (EtcdNode n : cluster.nodes) {
      phase1.add(worker(n, 10, acked, unknown));
    }
    CompletableFuture.allOf(phase1.toArray(CompletableFuture[]::new)).join();
    assertEquals(30, acked.get());
    assertEquals(0, unknown.get());
    assertEquals(Optional.of(30L), counter(leader).get(KEY).join().map(TypedKeyValue::value));

    List<EtcdNode> survivors = new ArrayList<>(cluster.nodes);
    survivors.remove(leader);
    List<CompletableFuture<Void>> phase2 = new ArrayList<>();
    for (EtcdNode n : survivors) {
      phase2.add(worker(n, 10, acked, unknown));
    }
    leader.close();
    CompletableFuture.allOf(phase2.toArray(CompletableFuture[]::new)).join();

    long value = counter(survivors.get(0)).get(KEY).join().map(TypedKeyValue::value).orElseThrow();
    assertTrue(
        value >= acked.get() && value <= acked.get() + unknown.get(),
        "counter " + value + ", acknowledged " + acked + ", unknown outcomes " + unknown);
    assertEquals(50, acked.get());
    assertEquals(
        Optional.of(value), counter(survivors.get(1)).get(KEY).join().map(TypedKeyValue::value));
  }
}
