package io.etch.benchmarks.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Latency percentiles of one benchmark case, handed from the forked JMH JVM that measured them to
 * the {@link NodeBenchMain} that prints the table: one line in a file named after the case under
 * the directory the system property {@value #DIR_PROPERTY} names (nothing is written without it).
 *
 * <pre>
 *   count \t p50Ns \t p99Ns \t p999Ns \t errors \t cpuNsPerOp
 * </pre>
 *
 * {@code cpuNsPerOp} is the CPU time of the whole process (every thread: the nodes, the client, JIT
 * and GC) during the measured iterations divided by the requests completed in them; -1 when not
 * measured.
 */
record LatencyReport(
    long count, long p50Ns, long p99Ns, long p999Ns, long errors, long cpuNsPerOp) {
  static final String DIR_PROPERTY = "etch.bench.latencyDir";

  static LatencyReport of(LatencyHistogram histogram, long errors) {
    return of(histogram, errors, -1);
  }

  static LatencyReport of(LatencyHistogram histogram, long errors, long cpuNs) {
    long count = histogram.count();
    return new LatencyReport(
        count,
        histogram.valueAtQuantileNs(0.50),
        histogram.valueAtQuantileNs(0.99),
        histogram.valueAtQuantileNs(0.999),
        errors,
        cpuNs < 0 || count == 0 ? -1 : cpuNs / count);
  }

  static String fileName(String caseName, int members, int inflight) {
    return caseName + "-" + members + "-" + inflight + ".lat";
  }

  /** Writes the report where {@link #DIR_PROPERTY} says, and prints it. */
  void publish(String caseName, int members, int inflight) {
    System.out.printf(
        "%n%s members=%d inflight=%d: %d ops measured, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
            + " %d errors, cpu %.1f us/op%n",
        caseName,
        members,
        inflight,
        count,
        p50Ns / 1e6,
        p99Ns / 1e6,
        p999Ns / 1e6,
        errors,
        cpuNsPerOp / 1e3);
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null) {
      return;
    }
    String line =
        count
            + "\t"
            + p50Ns
            + "\t"
            + p99Ns
            + "\t"
            + p999Ns
            + "\t"
            + errors
            + "\t"
            + cpuNsPerOp
            + "\n";
    try {
      Files.createDirectories(Path.of(dir));
      Files.writeString(
          Path.of(dir).resolve(fileName(caseName, members, inflight)),
          line,
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<LatencyReport> read(Path dir, String caseName, int members, int inflight) {
    Path file = dir.resolve(fileName(caseName, members, inflight));
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      String[] f = lines.get(0).split("\t");
      return Optional.of(
          new LatencyReport(
              Long.parseLong(f[0]),
              Long.parseLong(f[1]),
              Long.parseLong(f[2]),
              Long.parseLong(f[3]),
              Long.parseLong(f[4]),
              f.length > 5 ? Long.parseLong(f[5]) : -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
