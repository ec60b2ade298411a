package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.QuotaExceededException;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.maintenance.HealthResponse;
import io.etch.options.CompactOption;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quota, the replicated NOSPACE alarm, and recovering from it as etcd does. */
class QuotaTest {
  private static final long QUOTA = 3L << 20;
  private static final long MAX_REQUEST = 1L << 20;

  @TempDir Path dir;
  TestCluster cluster;
  EtcdNode node;

  @BeforeEach
  void start() {
    cluster =
        new TestCluster(dir, 1, b -> b.quotaBackendBytes(QUOTA).maxRequestBytes(MAX_REQUEST))
            .start();
    node = cluster.nodes.get(0);
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
  void writesPastTheQuotaRaiseNoSpaceUntilCompactedAndDisarmed() {
    ByteSequence big = ByteSequence.from(new byte[900 << 10]);
    for (int i = 0; i < 3; i++) {
      node.kv().put(bs("q/" + i), big).join();
    }
    QuotaExceededException e =
        assertInstanceOf(QuotaExceededException.class, failure(node.kv().put(bs("q/3"), big)));
    assertEquals(QUOTA, e.quotaBytes());
    assertTrue(e.dataSizeBytes() > 2 * (900 << 10), "data size " + e.dataSizeBytes());

    AlarmMember noSpace = new AlarmMember(node.memberId(), AlarmType.NOSPACE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.maintenance().listAlarms().join().alarms().equals(List.of(noSpace)));
    assertEquals(List.of(noSpace), TestCluster.status(node).alarms());
    assertTrue(
        node.maintenance()
            .health()
            .join()
            .problems()
            .contains(HealthResponse.Problem.ALARM_RAISED));
    // even a small write is refused while the alarm is raised; deletes and compaction are not
    assertInstanceOf(QuotaExceededException.class, failure(node.kv().put(bs("small"), bs("x"))));
    // reads are fine, linearizable and serializable
    assertEquals(1, node.kv().get(bs("q/0")).join().count());
    assertEquals(
        3,
        node.kv()
            .get(bs("q/"), GetOption.builder().isPrefix(true).withSerializable(true).build())
            .join()
            .count());
    long rev =
        node.kv()
            .delete(bs("q/"), DeleteOption.builder().isPrefix(true).build())
            .join()
            .header()
            .revision();
    node.kv().compact(rev, CompactOption.builder().withCompactPhysical(true).build()).join();

    assertEquals(List.of(), node.maintenance().disarmAlarm(noSpace).join().alarms());
    assertEquals(rev + 1, node.kv().put(bs("small"), bs("x")).join().header().revision());
    assertTrue(node.maintenance().health().join().isHealthy());
  }
}
