package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.NodeClosedException;
import io.etch.RequestTimeoutException;
import io.etch.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One member left of three: writes and linearizable reads cannot complete; typed errors say so. */
class QuorumLossTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;
  TestCluster cluster;
  EtcdNode survivor;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 3, b -> b.requestTimeout(TIMEOUT)).start();
    cluster.awaitLeader(cluster.nodes).kv().put(bs("k"), bs("v")).join();
    survivor = cluster.nodes.get(2);
    cluster.nodes.get(0).close();
    cluster.nodes.get(1).close();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  @Test
  void writesAndLinearizableReadsTimeOutWithTypedErrors() {
    RequestTimeoutException put =
        assertInstanceOf(
            RequestTimeoutException.class, failure(survivor.kv().put(bs("k"), bs("w"))));
    assertEquals("put", put.operation());
    assertEquals(TIMEOUT, put.timeout());
    RequestTimeoutException get =
        assertInstanceOf(RequestTimeoutException.class, failure(survivor.kv().get(bs("k"))));
    assertEquals("get", get.operation());
    // local state stays readable, and nothing of the failed put was applied
    var local = survivor.kv().get(bs("k"), GetOption.builder().withSerializable(true).build());
    assertEquals(bs("v"), local.join().kvs().get(0).value());
  }

  @Test
  void closingFailsWaitingRequestsWithNodeClosed() {
    CompletableFuture<?> put = survivor.kv().put(bs("k"), bs("w"));
    CompletableFuture<?> get = survivor.kv().get(bs("k"));
    survivor.close();
    assertInstanceOf(NodeClosedException.class, failure(put));
    assertInstanceOf(NodeClosedException.class, failure(get));
  }
}
