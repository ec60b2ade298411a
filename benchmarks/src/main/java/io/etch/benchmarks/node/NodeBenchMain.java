package io.etch.benchmarks.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.BenchmarkResultMetaData;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The short profile {@code benchmarks/run.sh} runs: the physical baselines, then the whole-node
 * cases, each in its own forked JVM through JMH's {@link Runner} API; prints one table and writes
 * it as tab-separated values to {@code <outDir>/results.tsv}. Every node figure stands next to the
 * baseline measured in the same run that bounds it, as a ratio, because absolute figures on a
 * shared machine drift:
 *
 * <ul>
 *   <li>put at 1 in flight / {@code fsync-seq}; put and txn-cas at N in flight / {@code
 *       fsync-batch} at N (one fsync for N records is what group commit can reach);
 *   <li>gets / {@code netty-rtt} at 64 in flight (a linearizable read costs the leader a heartbeat
 *       round to its peers; on one member, and for serializable reads, the ratio only places the
 *       figure).
 * </ul>
 *
 * Usage: {@code NodeBenchMain <outDir> [case,case,...]} (case names as in the table; all when
 * omitted). Forks inherit this JVM's flags.
 */
public final class NodeBenchMain {
  private record Row(
      String caseName,
      int members,
      int inflight,
      double opsPerS,
      double allocBytesPerOp,
      double gcPercent) {
    Row(String caseName, int members, int inflight, double opsPerS) {
      this(caseName, members, inflight, opsPerS, Double.NaN, Double.NaN);
    }
  }

  private NodeBenchMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    if (args.length < 1) {
      System.err.println("usage: NodeBenchMain <outDir> [case,case,...]");
      System.exit(2);
    }
    Path outDir = Path.of(args[0]);
    Set<String> only = args.length > 1 ? Set.of(args[1].split(",")) : Set.of();
    Path latencyDir = outDir.resolve("latency");
    Files.createDirectories(latencyDir);
    List<String> jvmArgs =
        new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    jvmArgs.add("-D" + LatencyReport.DIR_PROPERTY + "=" + latencyDir.toAbsolutePath());

    List<Row> rows = new ArrayList<>();
    if (wanted(only, "fsync-seq")) {
      rows.addAll(run(jvmArgs, "FsyncBaselineBenchmark.fsyncSeq$", Map.of(), false));
    }
    if (wanted(only, "fsync-batch")) {
      rows.addAll(run(jvmArgs, "FsyncBaselineBenchmark.fsyncBatch(64|512)$", Map.of(), false));
    }
    if (wanted(only, "netty-rtt")) {
      rows.addAll(run(jvmArgs, "NettyRttBenchmark.roundTrip$", Map.of("inflight", "1,64"), false));
    }
    if (wanted(only, "put")) {
      rows.addAll(
          run(
              jvmArgs,
              "NodeBenchmark.put$",
              Map.of("members", "1,3", "inflight", "1,64,512"),
              true));
    }
    List<String> at64 = new ArrayList<>();
    for (String[] c :
        new String[][] {
          {"get-linearizable", "getLinearizable"},
          {"get-serializable", "getSerializable"},
          {"txn-cas", "txnCas"}
        }) {
      if (wanted(only, c[0])) {
        at64.add(c[1]);
      }
    }
    if (!at64.isEmpty()) {
      rows.addAll(
          run(
              jvmArgs,
              "NodeBenchmark.(" + String.join("|", at64) + ")$",
              Map.of("members", "1,3", "inflight", "64"),
              true));
    }
    if (wanted(only, "watch")) {
      rows.addAll(run(jvmArgs, "NodeWatchBenchmark.putAndWatch$", Map.of(), false));
    }
    writeTable(rows, latencyDir, outDir.resolve("results.tsv"));
  }

  private static boolean wanted(Set<String> only, String caseName) {
    return only.isEmpty() || only.contains(caseName);
  }

  /**
   * Runs the benchmarks {@code include} selects; {@code gc} adds JMH's GC profiler (allocation per
   * op over the JVM's threads, and time spent in GC).
   */
  private static List<Row> run(
      List<String> jvmArgs, String include, Map<String, String> params, boolean gc)
      throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(NodeBenchMain.class.getPackageName() + "." + include)
            .jvmArgs(jvmArgs.toArray(String[]::new))
            .shouldFailOnError(true);
    if (gc) {
      options.addProfiler(GCProfiler.class);
    }
    for (Map.Entry<String, String> p : params.entrySet()) {
      options.param(p.getKey(), p.getValue().split(","));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    List<Row> rows = new ArrayList<>();
    for (RunResult r : results) {
      String benchmark = r.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      double score = r.getPrimaryResult().getScore();
      rows.add(
          switch (method) {
            case "fsyncSeq" -> new Row("fsync-seq", 1, 1, score);
            case "fsyncBatch64" -> new Row("fsync-batch", 1, 64, score);
            case "fsyncBatch512" -> new Row("fsync-batch", 1, 512, score);
            case "roundTrip" -> new Row("netty-rtt", 2, intParam(r, "inflight"), score);
            case "putAndWatch" ->
                new Row("watch", intParam(r, "members"), intParam(r, "inflight"), score);
            case "put", "getLinearizable", "getSerializable", "txnCas" ->
                new Row(
                    nodeCase(method),
                    intParam(r, "members"),
                    intParam(r, "inflight"),
                    score,
                    secondary(r, "gc.alloc.rate.norm"),
                    gcPercent(r));
            default -> throw new IllegalStateException("unexpected benchmark " + benchmark);
          });
    }
    return rows;
  }

  /** A secondary result by label; JMH versions prefix profiler labels differently (":", "·"). */
  private static double secondary(RunResult r, String label) {
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      String key = e.getKey();
      if (key.equals(label) || key.endsWith(":" + label) || key.endsWith("\u00b7" + label)) {
        return e.getValue().getScore();
      }
    }
    return Double.NaN;
  }

  /** Time in GC as a share of the measured wall time (from measurement start to stop). */
  private static double gcPercent(RunResult r) {
    double gcMs = secondary(r, "gc.time");
    if (Double.isNaN(gcMs)) {
      return Double.NaN;
    }
    long measuredMs = 0;
    for (BenchmarkResult b : r.getBenchmarkResults()) {
      BenchmarkResultMetaData m = b.getMetadata();
      if (m != null) {
        measuredMs += m.getStopTime() - m.getMeasurementTime();
      }
    }
    return measuredMs == 0 ? Double.NaN : 100.0 * gcMs / measuredMs;
  }

  private static String nodeCase(String method) {
    return switch (method) {
      case "put" -> "put";
      case "getLinearizable" -> "get-linearizable";
      case "getSerializable" -> "get-serializable";
      case "txnCas" -> "txn-cas";
      default -> throw new IllegalArgumentException(method);
    };
  }

  private static int intParam(RunResult r, String name) {
    return Integer.parseInt(r.getParams().getParam(name));
  }

  /** The baseline bounding a node case, as {@code case/inflight}; empty for baselines. */
  private static Optional<String> baselineOf(Row row) {
    return switch (row.caseName()) {
      case "put", "txn-cas", "watch" ->
          Optional.of(row.inflight() == 1 ? "fsync-seq/1" : "fsync-batch/" + row.inflight());
      case "get-linearizable", "get-serializable" -> Optional.of("netty-rtt/64");
      default -> Optional.empty();
    };
  }

  private static void writeTable(List<Row> rows, Path latencyDir, Path tsv) throws IOException {
    Map<String, Double> baselines = new LinkedHashMap<>();
    for (Row r : rows) {
      if (baselineOf(r).isEmpty()) {
        baselines.put(r.caseName() + "/" + r.inflight(), r.opsPerS());
      }
    }
    StringBuilder out =
        new StringBuilder(
            "case\tmembers\tinflight\tops_per_s\tp50_ms\tp99_ms\tbaseline\tratio_to_baseline\n");
    String format = "%-17s %7s %8s %12s %9s %9s %9s %7s %-15s %8s %9s %6s %10s%n";
    System.out.printf(
        format,
        "case",
        "members",
        "inflight",
        "ops/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "errors",
        "baseline",
        "ratio",
        "alloc B/op",
        "gc %",
        "cpu us/op");
    for (Row r : rows) {
      Optional<LatencyReport> lat =
          LatencyReport.read(latencyDir, r.caseName(), r.members(), r.inflight());
      String p50 = lat.map(l -> ms(l.p50Ns())).orElse("-");
      String p99 = lat.map(l -> ms(l.p99Ns())).orElse("-");
      String p999 = lat.map(l -> ms(l.p999Ns())).orElse("-");
      String errors = lat.map(l -> Long.toString(l.errors())).orElse("-");
      String cpu =
          lat.filter(l -> l.cpuNsPerOp() >= 0)
              .map(l -> String.format(Locale.ROOT, "%.1f", l.cpuNsPerOp() / 1e3))
              .orElse("-");
      String baseline = baselineOf(r).orElse("-");
      Double base = baselines.get(baseline);
      String ratio = base == null ? "-" : String.format(Locale.ROOT, "%.3f", r.opsPerS() / base);
      String ops = String.format(Locale.ROOT, "%.0f", r.opsPerS());
      out.append(
          String.join(
                  "\t",
                  r.caseName(),
                  Integer.toString(r.members()),
                  Integer.toString(r.inflight()),
                  ops,
                  p50,
                  p99,
                  baseline,
                  ratio)
              + "\n");
      System.out.printf(
          format,
          r.caseName(),
          r.members(),
          r.inflight(),
          ops,
          p50,
          p99,
          p999,
          errors,
          baseline,
          ratio,
          Double.isNaN(r.allocBytesPerOp())
              ? "-"
              : String.format(Locale.ROOT, "%.0f", r.allocBytesPerOp()),
          Double.isNaN(r.gcPercent()) ? "-" : String.format(Locale.ROOT, "%.1f", r.gcPercent()),
          cpu);
    }
    Files.createDirectories(tsv.toAbsolutePath().getParent());
    Files.writeString(tsv, out.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + tsv);
  }

  private static String ms(long ns) {
    return String.format(Locale.ROOT, "%.3f", ns / 1e6);
  }
}
