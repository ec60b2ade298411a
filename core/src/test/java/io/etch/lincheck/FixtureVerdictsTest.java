package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture history gets its known verdict: the Jepsen etcd logs as {@code verdicts.tsv} says,
 * the kv files as their {@code -ok}/{@code -bad} suffix says.
 */
class FixtureVerdictsTest {

  /** Generous: the slowest fixture takes well under a second; UNKNOWN fails the test. */
  private static final LinearizabilityChecker CHECKER =
      LinearizabilityChecker.withTimeBudget(Duration.ofMinutes(2));

  static Stream<Arguments> jepsenVerdicts() throws IOException {
    Path dir = Fixtures.dir().resolve("jepsen-etcd");
    List<String> rows = Files.readAllLines(dir.resolve("verdicts.tsv"), StandardCharsets.UTF_8);
    return rows.stream()
        .filter(row -> !row.isBlank())
        .map(row -> row.split("\t"))
        .map(cols -> Arguments.of(cols[0], parseVerdict(cols)));
  }

  static Stream<Arguments> kvFiles() throws IOException {
    Path dir = Fixtures.dir().resolve("kv");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".txt"))
              .sorted()
              .collect(Collectors.toList());
      return names.stream()
          .map(
              n ->
                  Arguments.of(
                      n, n.endsWith("-ok.txt") ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE));
    }
  }

  private static Verdict parseVerdict(String[] cols) {
    if (cols.length != 2 || !(cols[1].equals("true") || cols[1].equals("false"))) {
      throw new IllegalArgumentException("bad verdicts.tsv row: " + String.join("\\t", cols));
    }
    return Boolean.parseBoolean(cols[1]) ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE;
  }

  @ParameterizedTest(name = "jepsen-etcd/{0} -> {1}")
  @MethodSource("jepsenVerdicts")
  void jepsenLogGetsItsVerdict(String file, Verdict expected) throws Exception {
    CheckResult result =
        HistoryFormat.checkFile(Fixtures.dir().resolve("jepsen-etcd").resolve(file), CHECKER);
    assertEquals(expected, result.verdict(), () -> file + ": " + result.describe());
  }

  @ParameterizedTest(name = "kv/{0} -> {1}")
  @MethodSource("kvFiles")
  void kvHistoryGetsItsVerdict(String file, Verdict expected) throws Exception {
    CheckResult result =
        HistoryFormat.checkFile(Fixtures.dir().resolve("kv").resolve(file), CHECKER);
    assertEquals(expected, result.verdict(), () -> file + ": " + result.describe());
    assertTrue(result.partitions() > 1, "kv histories are split by key");
    if (expected == Verdict.NOT_LINEARIZABLE) {
      assertTrue(result.partition().orElseThrow().startsWith("key "), result.partition()::get);
    }
  }

  @Test
  void everyJepsenLogHasAVerdictAndBothVerdictsOccur() throws IOException {
    Path dir = Fixtures.dir().resolve("jepsen-etcd");
    Set<String> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".log"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> judged =
        jepsenVerdicts()
            .map(a -> (String) a.get()[0])
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(logs, judged);
    assertEquals(
        Set.of(Verdict.LINEARIZABLE, Verdict.NOT_LINEARIZABLE),
        jepsenVerdicts().map(a -> (Verdict) a.get()[1]).collect(Collectors.toSet()));
    assertEquals(
        Set.of(Verdict.LINEARIZABLE, Verdict.NOT_LINEARIZABLE),
        kvFiles().map(a -> (Verdict) a.get()[1]).collect(Collectors.toSet()));
  }
}
