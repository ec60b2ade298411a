package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * 10,000 watchers on 10,000 keys each receive exactly their events, while a listener that blocks
 * until released watches every key: the applier never waits for it, the others keep receiving, and
 * once released it receives everything, in order, without a gap.
 */
class WatchHubScaleTest {
  private static final int KEYS = 10_000;
  private static final int ROUNDS = 3;

  static ConditionFactory await() {
    return Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(120));
  }

  private static String key(int i) {
    return String.format("key/%05d", i);
  }

  @Test
  void tenThousandWatchersAndOneBlockedListener() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    WatchHub hub =
        WatchHub.builder()
            .memberName("scale")
            .views(store::view)
            .callbackExecutor(pool)
            .progressTimer((tick, interval) -> () -> {})
            .maxPendingEventsPerWatcher(64)
            .catchUpPageEvents(500)
            .build();
    WatchModel model = new WatchModel(store, hub);
    try {
      List<Recorder> fast = new ArrayList<>(KEYS);
      for (int i = 0; i < KEYS; i++) {
        Recorder r = new Recorder();
        fast.add(r);
        hub.watch(ByteSequence.from(key(i)), r);
      }
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocked = new CountDownLatch(1);
      Recorder slow =
          new Recorder() {
            @Override
            void beforeExit(WatchResponse response) {
              if (response.kind() == WatchResponse.Kind.EVENTS) {
                blocked.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          };
      hub.watch(ByteSequence.from("key/"), WatchOption.builder().isPrefix(true).build(), slow);

      model.applied(store.put(PutRequest.of(b(key(0)), b("r0"))));
      await().until(() -> blocked.getCount() == 0); // the slow listener now sits in onNext
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = round == 0 ? 1 : 0; i < KEYS; i++) {
          model.applied(store.put(PutRequest.of(b(key(i)), b("r" + round))));
        }
      }
      // all 30,000 writes were applied and notified while the slow listener was held: onApplied
      // never waited for it, and it fell back to catch-up instead of queueing without bound
      assertEquals(1, slow.events().size());
      assertEquals(1, hub.stats().unsynced(), "the blocked watcher fell back to catch-up");
      await().until(() -> fast.stream().allMatch(r -> r.events().size() == ROUNDS));
      assertTrue(slow.events().size() <= 1, "the slow listener is still held");
      for (int i = 0; i < KEYS; i++) {
        List<WatchEvent> es = fast.get(i).events();
        for (int round = 0; round < ROUNDS; round++) {
          WatchEvent e = es.get(round);
          assertEquals(key(i), e.kv().key().toString());
          assertEquals("r" + round, e.kv().value().toString());
          assertEquals(1L + round * KEYS + i, e.kv().modRevision());
        }
        fast.get(i).assertSane();
      }

      release.countDown();
      await().until(() -> slow.events().size() == ROUNDS * KEYS);
      WatchModel.check(
          "slow",
          slow.responses(),
          model.expected(KeyRange.prefix(ByteSequence.from("key/")), 1, false, false),
          false,
          true,
          null);
      slow.assertSane();
      await().until(() -> hub.stats().unsynced() == 0);
      assertEquals(KEYS + 1, hub.stats().synced());
    } finally {
      hub.close();
      pool.shutdownNow();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
