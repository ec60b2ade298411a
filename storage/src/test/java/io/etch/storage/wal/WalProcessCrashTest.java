package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.expected;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real crash: a child JVM appends and syncs in a loop, reporting every synced index on stdout;
 * the test kills it with SIGKILL at seeded random moments and checks after each kill that every
 * reported index is present and intact. Replay with {@code -Detch.wal.seed=<seed>}.
 */
class WalProcessCrashTest {
  @ParameterizedTest
  @EnumSource(
      value = WritePath.class,
      names = {"BUFFERED_CHANNEL", "DIRECT_DSYNC"})
  void everyReportedIndexSurvivesSigkill(WritePath writePath, @TempDir Path dir) throws Exception {
    run(dir, 10, writePath);
  }

  @ParameterizedTest
  @EnumSource(
      value = WritePath.class,
      names = {"BUFFERED_CHANNEL", "DIRECT_DSYNC"})
  @Tag("soak")
  void everyReportedIndexSurvivesManySigkills(WritePath writePath, @TempDir Path dir)
      throws Exception {
    run(dir, 200, writePath);
  }

  private static void run(Path dir, int kills, WritePath writePath) throws Exception {
    String only = System.getProperty("etch.wal.seed");
    long seed = only != null ? Long.parseLong(only) : new Random().nextLong();
    String replay =
        "seed "
            + seed
            + "; replay with ./mvnw -B -ntp -pl storage test -Dtest=WalProcessCrashTest"
            + " -Detch.wal.seed="
            + seed
            + " (write path "
            + writePath
            + ")";
    Random random = new Random(seed);
    Path wal = dir.resolve("wal");
    long highestReported = 0;
    for (int kill = 0; kill < kills; kill++) {
      int syncsBeforeKill = 1 + random.nextInt(60);
      AtomicLong reported = new AtomicLong();
      AtomicLong lines = new AtomicLong();
      Process child = start(wal, random.nextLong(), writePath);
      Thread pump = pump(child, reported, lines);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(1))
            .until(() -> lines.get() >= syncsBeforeKill || !child.isAlive());
        assertTrue(child.isAlive(), "child died by itself; " + replay);
      } finally {
        child.destroyForcibly();
        child.waitFor();
        pump.join();
      }
      highestReported = Math.max(highestReported, reported.get());
      try (WriteAheadLog reopened =
          WriteAheadLog.open(
              WalConfig.builder(wal)
                  .fileSystem(new MappedFileSystem(writePath))
                  .segmentSizeBytes(256 << 10)
                  .maxEntryBytes(1024)
                  .build())) {
        assertTrue(
            reopened.lastIndex() >= highestReported,
            "kill "
                + kill
                + ": reported "
                + highestReported
                + " but only "
                + reopened.lastIndex()
                + " survived; "
                + replay);
        for (long i = reopened.firstIndex(); i <= reopened.lastIndex(); i++) {
          assertEquals(expected(i, 1), reopened.entry(i), "kill " + kill + "; " + replay);
        }
      }
    }
    assertTrue(highestReported > 0, replay);
  }

  private static Process start(Path wal, long childSeed, WritePath writePath) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-")
          || arg.startsWith("-Dorg.slf4j")
          || arg.startsWith("--sun-")
          || arg.startsWith("--enable-native")) {
        command.add(arg);
      }
    }
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WalCrashChild.class.getName());
    command.add(wal.toString());
    command.add(Long.toString(childSeed));
    command.add(writePath.name());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static Thread pump(Process child, AtomicLong reported, AtomicLong lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("synced ")) {
                    reported.set(Long.parseLong(line.substring(7).trim()));
                    lines.incrementAndGet();
                  }
                }
              } catch (IOException e) {
                // the child was killed mid-line: the last complete line counts
              }
            },
            "wal-crash-child-stdout");
    t.start();
    return t;
  }
}
