package io.etch.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.lincheck.CheckResult;
import io.etch.lincheck.EtcdKvModel;
import io.etch.lincheck.LinearizabilityChecker;
import io.etch.lincheck.Operation;
import io.etch.lincheck.Verdict;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three members in three child JVMs on loopback ({@link MemberMain}, started with core's test class
 * path and this JVM's module flags, i.e. the root pom's {@code etch.jvm.flags}), each also running
 * two register clients that record their history to a file. Every few seconds (seeded) a random
 * member is killed with SIGKILL ({@link Process#destroyForcibly()}) and restarted on its data
 * directory a moment later. At the end every member reads every key once more, the files are merged
 * (an operation in flight at a kill has an unknown outcome) and the merged history must be
 * linearizable: so no acknowledged write was lost either, or a final read would miss it.
 *
 * <p>Times from several processes are comparable because {@code System.nanoTime()} reads {@code
 * CLOCK_MONOTONIC} on Linux (checked below: the test refuses to run elsewhere). Length: {@code
 * -Detch.faults.multiprocess.seconds} (default 60); seed: {@code -Detch.faults.seed}.
 */
@Tag("multiprocess")
class MultiProcessKillTest {
  private static final Logger LOG = LoggerFactory.getLogger(MultiProcessKillTest.class);

  @TempDir Path dir;

  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> incarnations = new LinkedHashMap<>();
  private final List<Path> histories = new ArrayList<>();
  private final Map<String, Path> doneFiles = new LinkedHashMap<>();
  private String clusterSpec;
  private long seed;

  @Test
  void killingRandomMembersWithSigkillLosesNoAcknowledgedWrite() throws Exception {
    assertTrue(
        System.getProperty("os.name").toLowerCase().contains("linux"),
        "System.nanoTime is CLOCK_MONOTONIC (one clock for all processes) on Linux only");
    seed = Long.getLong("etch.faults.seed", 7);
    long startNs = System.nanoTime();
    long seconds = Long.getLong("etch.faults.multiprocess.seconds", 60);
    String replay =
        "replay: ./mvnw -B -ntp -pl core -am verify -Pfaults -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dtest=MultiProcessKillTest -Detch.faults.seed="
            + seed;
    StringJoiner spec = new StringJoiner(",");
    for (int i = 1; i <= 3; i++) {
      spec.add("m" + i + "=127.0.0.1:" + FaultCluster.freePort());
    }
    clusterSpec = spec.toString();
    SplittableRandom random = new SplittableRandom(seed);
    int kills = 0;
    try {
      for (int i = 1; i <= 3; i++) {
        launch("m" + i);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() - deadline < 0) {
        pause(3000 + random.nextInt(3000));
        String victim = "m" + (1 + random.nextInt(3));
        Process p = processes.get(victim);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), victim + " did not die");
        kills++;
        LOG.info("killed {} (SIGKILL), kill #{}", victim, kills);
        pause(300 + random.nextInt(1500));
        launch(victim);
      }
      // everyone up (a member that failed to start is started again): stop the clients, final
      // reads, then exit
      for (Map.Entry<String, Process> e : List.copyOf(processes.entrySet())) {
        if (!e.getValue().isAlive()) {
          LOG.warn(
              "{} had exited with {}; starting it again", e.getKey(), e.getValue().exitValue());
          launch(e.getKey());
        }
      }
      pause(2000);
      for (Process p : processes.values()) {
        send(p, "stop");
      }
      List<Path> expectedDone = List.copyOf(doneFiles.values());
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> expectedDone.stream().allMatch(Files::exists));
      for (Process p : processes.values()) {
        send(p, "exit");
      }
      for (Map.Entry<String, Process> e : processes.entrySet()) {
        assertTrue(e.getValue().waitFor(60, TimeUnit.SECONDS), e.getKey() + " did not exit");
        assertEquals(0, e.getValue().exitValue(), e.getKey() + " exit status; " + replay);
      }
    } finally {
      for (Process p : processes.values()) {
        p.destroyForcibly();
      }
    }

    List<Operation<EtcdKvModel.Op, EtcdKvModel.Result>> history = new ArrayList<>();
    for (Path h : histories) {
      if (Files.exists(h)) { // absent when the JVM was killed before its clients started
        history.addAll(HistoryFile.read(h));
      }
    }
    long endNs = System.nanoTime();
    for (Operation<EtcdKvModel.Op, EtcdKvModel.Result> op : history) {
      // the children's nanoTime is this JVM's: every call falls inside the test's own interval
      assertTrue(
          op.callTime() > startNs && op.callTime() < endNs,
          () -> "a child's System.nanoTime is not this process's clock: " + op);
    }
    long unknown = history.stream().filter(Operation::isUnknown).count();
    long t0 = System.nanoTime();
    CheckResult result =
        LinearizabilityChecker.withTimeBudget(Duration.ofMinutes(5))
            .check(new EtcdKvModel(), history);
    long checkerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    String summary =
        String.format(
            "multi-process run: seed=%d seconds=%d kills=%d incarnations=%d ops=%d unknown=%d"
                + " checker=%d ms verdict=%s",
            seed,
            seconds,
            kills,
            histories.size(),
            history.size(),
            unknown,
            checkerMs,
            result.verdict());
    LOG.info(summary);
    assertEquals(
        Verdict.LINEARIZABLE,
        result.verdict(),
        () -> summary + "\n" + result.describe() + "\nhistories in " + dir + "\n" + replay);
    assertTrue(history.size() > unknown, "the clients completed operations; " + summary);
  }

  private void launch(String name) throws IOException {
    int incarnation = incarnations.merge(name, 1, Integer::sum);
    Path history = dir.resolve("history-" + name + "-" + incarnation + ".txt");
    Path done = dir.resolve("done-" + name + "-" + incarnation);
    histories.add(history);
    doneFiles.put(name, done);
    int member = Integer.parseInt(name.substring(1));
    int processBase = member * 1_000_000 + incarnation * 10_000;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(childJvmFlags());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(testClassPath());
    command.add(MemberMain.class.getName());
    command.add(name);
    command.add(dir.resolve(name).toString());
    command.add(clusterSpec);
    command.add(history.toString());
    command.add(done.toString());
    command.add(Long.toString(seed * 1000 + member * 100 + incarnation));
    command.add(Integer.toString(processBase));
    File log = dir.resolve("log-" + name + "-" + incarnation + ".txt").toFile();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    processes.put(name, p);
  }

  /** The module flags this JVM was started with: the root pom's {@code etch.jvm.flags}. */
  private static List<String> childJvmFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-")
          || arg.startsWith("--sun-misc")
          || arg.startsWith("--enable-native")
          || arg.startsWith("-Dorg.slf4j")
          || arg.startsWith("-Dchronicle")) {
        flags.add(arg);
      }
    }
    flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    flags.add("-Dchronicle.analytics.disable=true");
    return flags;
  }

  /** Core's test class path as surefire gives it (not the booter jar). */
  private static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static void send(Process p, String line) {
    try {
      OutputStream out = p.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(long ms) {
    await()
        .pollDelay(Duration.ofMillis(ms))
        .atMost(Duration.ofMillis(ms + 60_000))
        .until(() -> true);
  }
}
