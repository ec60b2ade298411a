package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.maintenance.MetricsSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is optional: a JVM whose classpath lacks it runs a node, with its metrics, backups and
 * everything else, and never needs a Micrometer class (it would fail with NoClassDefFoundError).
 */
class NoMicrometerTest {
  @TempDir Path dir;

  @Test
  void aNodeRunsAndReportsMetricsWithoutMicrometerOnTheClasspath()
      throws IOException, InterruptedException {
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.toLowerCase().contains("micrometer"))
            .filter(entry -> !entry.contains("HdrHistogram") && !entry.contains("LatencyUtils"))
            .collect(Collectors.joining(File.pathSeparator));
    assertFalse(classpath.contains("micrometer"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-")
          || arg.startsWith("--enable-native-access")
          || arg.startsWith("--sun-misc")) {
        command.add(arg);
      }
    }
    command.addAll(
        List.of("-cp", classpath, WithoutMicrometerMain.class.getName(), dir.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("micrometer absent"), out);
    assertTrue(out.contains("metrics ok: puts=3 keys=3"), out);
  }

  /** Entry point of the child JVM. */
  public static final class WithoutMicrometerMain {
    public static void main(String[] args) throws Exception {
      try {
        Class.forName("io.micrometer.core.instrument.MeterRegistry");
        throw new AssertionError("micrometer is on the classpath");
      } catch (ClassNotFoundException expected) {
        System.out.println("micrometer absent");
      }
      PeerAddress address = new PeerAddress("127.0.0.1", TestCluster.freePort());
      try (EtcdNode node =
          EtcdNode.builder()
              .memberName("solo")
              .dataDir(Path.of(args[0]).resolve("solo"))
              .peerListen(address)
              .initialCluster(Map.of("solo", address))
              .heartbeatInterval(TestCluster.HEARTBEAT)
              .electionTimeout(TestCluster.ELECTION)
              .build()) {
        node.start().join();
        for (int i = 0; i < 3; i++) {
          node.kv().put(ByteSequence.from("k" + i), ByteSequence.from("v")).join();
        }
        node.kv().get(ByteSequence.from("k0")).join();
        node.maintenance().snapshot(new ByteArrayOutputStream()).join();
        node.maintenance().health().join();
        MetricsSnapshot m = node.maintenance().metrics();
        long puts = m.requestLatency().get(MetricsSnapshot.Operation.PUT).count();
        System.out.println("metrics ok: puts=" + puts + " keys=" + m.keys());
      }
      System.exit(0);
    }
  }
}
