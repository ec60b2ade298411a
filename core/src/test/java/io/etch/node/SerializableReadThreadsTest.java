package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.GetResponse;
import io.etch.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where serializable reads run: a one-key read on the calling thread (complete on return, even
 * while the callback executor is stuck), a range read on the callback executor.
 */
class SerializableReadThreadsTest {
  private static final String USER_THREAD = "user-callbacks";

  @TempDir Path dir;
  private TestCluster cluster;
  private final ExecutorService user =
      Executors.newSingleThreadExecutor(r -> new Thread(r, USER_THREAD));

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    user.shutdownNow();
    assertTrue(user.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void aPointReadNeedsNoCallbackThreadAndARangeReadRunsOnOne() throws Exception {
    cluster = new TestCluster(dir, 1, b -> b.callbackExecutor(user)).start();
    EtcdNode node = cluster.nodes.get(0);
    node.kv().put(bs("r/a"), bs("1")).join();
    node.kv().put(bs("r/b"), bs("2")).join();
    GetOption serializable = GetOption.builder().withSerializable(true).build();
    GetOption serializablePrefix =
        GetOption.builder().isPrefix(true).withSerializable(true).build();

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    user.execute(
        () -> {
          blocked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertTrue(blocked.await(10, TimeUnit.SECONDS));

    // the only callback thread is stuck: a point read is served anyway, a range read waits for it
    CompletableFuture<GetResponse> point = node.kv().get(bs("r/b"), serializable);
    assertTrue(point.isDone(), "served on the calling thread");
    assertEquals(bs("2"), point.join().kvs().get(0).value());
    CompletableFuture<GetResponse> range = node.kv().get(bs("r/"), serializablePrefix);
    CompletableFuture<String> rangeThread =
        range.thenApply(r -> r.count() + "@" + Thread.currentThread().getName());
    assertFalse(range.isDone(), "a range read is queued for the callback executor");

    release.countDown();
    assertEquals("2@" + USER_THREAD, rangeThread.get(10, TimeUnit.SECONDS));
  }
}
