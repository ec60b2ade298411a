package io.etch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.EtcdNode;
import io.etch.PeerAddress;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build compiles and smoke-runs every example. */
class ExamplesTest {
  @TempDir Path dir;

  interface Example {
    void run(PrintStream out, Path dir) throws Exception;
  }

  private String run(Example example) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    example.run(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void lockExampleFencesTheStaleHolder() throws Exception {
    String out = run(LockExample::run);
    assertTrue(out.contains("worker B tryLock: lock 'jobs/nightly-report' is held by"), out);
    assertTrue(out.contains("storage REFUSES 'late write from A'"), out);
    assertTrue(out.contains("guarded write while holding the lock: applied"), out);
    assertTrue(out.contains("Lock example done."), out);
  }

  @Test
  void leaderElectionExampleFailsOver() throws Exception {
    String out = run(LeaderElectionExample::run);
    assertTrue(out.contains("instance-a leads"), out);
    assertTrue(out.contains("observer: the scheduler leader is instance-a (v2)"), out);
    assertTrue(out.contains("instance-b took over"), out);
    assertTrue(out.contains("observer: the scheduler leader is (nobody)"), out);
  }

  @Test
  void serviceRegistryExampleDropsTheDeadInstance() throws Exception {
    String out = run(ServiceRegistryExample::run);
    assertTrue(out.contains("discovered pay-1 at 10.0.0.11:8443"), out);
    assertTrue(out.contains("after pay-1's member died: [pay-2]"), out);
  }

  @Test
  void configWatchExampleAppliesAndResumes() throws Exception {
    String out = run(ConfigWatchExample::run);
    assertTrue(out.contains("/config/checkout/currency=CHF"), out);
    assertTrue(out.contains("caught up with /config/checkout/retries = 3"), out);
  }

  @Test
  void backupRestoreExampleRestoresEqualData() throws Exception {
    String out = run(BackupRestoreExample::run);
    assertTrue(out.contains("new cluster reads 100 orders"), out);
    assertTrue(out.contains(" equal"), out);
  }

  @Test
  void memberMainParsesFlagsAndRunsAClusterWithItsConsole() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> MemberMain.parse(new String[] {"--name"}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MemberMain.parse(
                new String[] {"--name", "a", "--data-dir", "d", "--listen", "127.0.0.1:1"}));
    StringBuilder cluster = new StringBuilder();
    List<String> names = List.of("n1", "n2", "n3");
    List<Integer> ports = new ArrayList<>();
    for (String name : names) {
      int port =
          LocalCluster.freePort(ports.stream().map(p -> new PeerAddress("127.0.0.1", p)).toList());
      ports.add(port);
      cluster
          .append(cluster.length() == 0 ? "" : ",")
          .append(name)
          .append("=127.0.0.1:")
          .append(port);
    }
    List<EtcdNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        MemberMain.Options o =
            MemberMain.parse(
                new String[] {
                  "--name", names.get(i),
                  "--data-dir", dir.resolve(names.get(i)).toString(),
                  "--listen", "127.0.0.1:" + ports.get(i),
                  "--initial-cluster", cluster.toString(),
                  "--cluster-token", "cli-test"
                });
        assertEquals(new PeerAddress("127.0.0.1", ports.get(i)), o.listen());
        nodes.add(MemberMain.build(o));
      }
      CompletableFuture.allOf(nodes.stream().map(EtcdNode::start).toArray(CompletableFuture[]::new))
          .join();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
      MemberMain.console(
          nodes.get(0),
          new BufferedReader(new StringReader("put greeting hello\nbogus\nstatus\nquit\n")),
          out);
      MemberMain.console(
          nodes.get(2), new BufferedReader(new StringReader("get greeting\nget\n")), out);
      String text = buf.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("OK revision"), text);
      assertTrue(text.contains("unknown command 'bogus'"), text);
      assertTrue(text.contains("greeting = hello"), text);
      assertTrue(text.contains("error: 'get' needs 1 argument(s)"), text);
    } finally {
      nodes.forEach(EtcdNode::close);
    }
  }
}
