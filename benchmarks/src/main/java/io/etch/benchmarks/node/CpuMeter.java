package io.etch.benchmarks.node;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time this process spent (all threads: the nodes, the client, JIT, GC) between {@link
 * #start()} and {@link #stop()}, summed over the measured iterations; -1 when the JVM cannot tell.
 * Divided by the requests completed it gives CPU per op, which, unlike ops/s, barely depends on how
 * much of the shared machine other processes take.
 *
 * <p>It also splits that time by thread group (the node threads' name prefixes: {@code etch-apply},
 * {@code etch-raft}, ...; {@code jvm} is what no Java thread accounts for, i.e. GC, JIT and the
 * VM's own threads), so a change to one stage shows in that stage's figure: {@link
 * #groupsPerOp(long)}.
 */
final class CpuMeter {
  private static final String[] GROUPS = {
    "etch-apply",
    "etch-raft",
    "etch-snap",
    "etch-transport",
    "etch-callback",
    "etch-watch",
    "etch-wal",
    "jmh-worker"
  };

  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean bean
          ? bean
          : null;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> threadStartNs = new HashMap<>();
  private final Map<String, Long> groupNs = new LinkedHashMap<>();
  private long startedNs = -1;
  private long totalNs;

  void start() {
    startedNs = cpuNs();
    threadStartNs.clear();
    for (long id : threads.getAllThreadIds()) {
      long ns = threads.getThreadCpuTime(id);
      if (ns >= 0) {
        threadStartNs.put(id, ns);
      }
    }
  }

  void stop() {
    if (startedNs >= 0) {
      long processNs = cpuNs() - startedNs;
      totalNs += processNs;
      startedNs = -1;
      long javaNs = 0;
      for (long id : threads.getAllThreadIds()) {
        long ns = threads.getThreadCpuTime(id);
        ThreadInfo info = threads.getThreadInfo(id);
        if (ns < 0 || info == null) {
          continue;
        }
        long delta = ns - threadStartNs.getOrDefault(id, 0L);
        javaNs += delta;
        groupNs.merge(groupOf(info.getThreadName()), delta, Long::sum);
      }
      groupNs.merge("jvm", processNs - javaNs, Long::sum);
    }
  }

  private static String groupOf(String threadName) {
    for (String g : GROUPS) {
      if (threadName.contains(g)) {
        return g;
      }
    }
    return "other";
  }

  long totalNs() {
    return os == null ? -1 : totalNs;
  }

  /** CPU µs per op by thread group, as one line ({@code group=µs ...}); empty when not measured. */
  String groupsPerOp(long ops) {
    if (os == null || ops <= 0) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Long> e : groupNs.entrySet()) {
      out.append(
          String.format(Locale.ROOT, "%s=%.2f ", e.getKey(), e.getValue() / 1e3 / (double) ops));
    }
    return out.toString().trim();
  }

  private long cpuNs() {
    return os == null ? 0 : os.getProcessCpuTime();
  }
}
