package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckHistoryMainTest {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CheckHistoryMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsOneVerdictLinePerFileInBothFormats() {
    Path dir = Fixtures.dir();
    String good = dir.resolve("jepsen-etcd/etcd_002.log").toString();
    String bad = dir.resolve("jepsen-etcd/etcd_000.log").toString();
    String kvOk = dir.resolve("kv/c01-ok.txt").toString();
    String kvBad = dir.resolve("kv/c10-bad.txt").toString();
    assertEquals(CheckHistoryMain.EXIT_OK, run(good, bad, kvOk, kvBad));
    assertEquals(
        good + "\ttrue\n" + bad + "\tfalse\n" + kvOk + "\ttrue\n" + kvBad + "\tfalse\n",
        stdout().replace(System.lineSeparator(), "\n"));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void unreadableOrMalformedFilesGetAnErrorLineAndExitStatus3() throws Exception {
    Path malformed = tmp.resolve("broken.txt");
    Files.writeString(
        malformed,
        "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}\n{:process 0, :type\n");
    Path missing = tmp.resolve("missing.txt");
    String kvOk = Fixtures.dir().resolve("kv/c01-ok.txt").toString();
    assertEquals(CheckHistoryMain.EXIT_ERROR, run(malformed.toString(), missing.toString(), kvOk));
    assertEquals(
        malformed
            + "\terror\t"
            + malformed
            + ":2: unexpected end of line\n"
            + missing
            + "\terror\tno such file\n"
            + kvOk
            + "\ttrue\n",
        stdout().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void verboseReportsTheFailingPartitionAndTimingsOnStderr() {
    String kvBad = Fixtures.dir().resolve("kv/c01-bad.txt").toString();
    assertEquals(CheckHistoryMain.EXIT_OK, run("--verbose", kvBad));
    String report = err.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("NOT_LINEARIZABLE in partition key "), report);
    assertTrue(report.contains("longest linearizable prefix"), report);
    assertTrue(report.contains("checked 1 files"), report);
  }

  @Test
  void usageErrors() {
    assertEquals(CheckHistoryMain.EXIT_USAGE, run());
    assertEquals(CheckHistoryMain.EXIT_USAGE, run("--timeout-seconds", "0", "x"));
    assertEquals(CheckHistoryMain.EXIT_USAGE, run("--timeout-seconds"));
    assertEquals("", stdout());
  }
}
