package io.etch.benchmarks.node;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.agrona.collections.Long2LongHashMap;

/**
 * CPU time this process spent (all threads: the nodes, the client, JIT, GC) between {@link
 * #start()} and {@link #stop()}, summed over the measured iterations; -1 when the JVM cannot tell.
 * Divided by the requests completed it gives CPU per op, which, unlike ops/s, barely depends on how
 * much of the shared machine other processes take.
 *
 * <p>It also splits that time by thread group, from each Java thread's CPU time and name: the
 * nodes' appliers ({@code etch-apply-}), raft owners ({@code etch-raft-}), WAL executors, Netty
 * transport, snapshot threads, callback executors, the watch hub, the JIT compiler threads, the
 * benchmark's own threads ({@code client}), and {@code jit+gc+vm}: the process total less every
 * Java thread (the JIT compiler, GC and other VM-internal threads are not visible as Java threads).
 * Two wall-clock figures help read that last group: the JIT's compilation time and the collectors'
 * pause time, per op. A thread that ended between start and stop is missed (its time lands in
 * {@code jit+gc+vm}); the node's threads live for the whole run.
 */
final class CpuMeter {
  private static final String[][] GROUPS = {
    {"etch-apply-", "apply"},
    {"etch-raft-", "raft"},
    {"etch-wal-", "wal"},
    {"etch-transport-", "transport"},
    {"etch-snap-", "snapshot"},
    {"etch-dedup-snapshot", "snapshot"},
    {"etch-lease-snapshot", "snapshot"},
    {"etch-callback-", "callback"},
    {"etch-watch-", "watch"},
    {"C2 CompilerThread", "jit"},
    {"C1 CompilerThread", "jit"},
  };

  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean bean
          ? bean
          : null;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean perThread =
      threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
  private final Long2LongHashMap startedByThread = new Long2LongHashMap(-1);
  private final Map<String, Long> byGroupNs = new LinkedHashMap<>();
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private long startedNs = -1;
  private long totalNs;
  private long startedJitMs;
  private long startedGcMs;
  private long jitMs;
  private long gcMs;

  void start() {
    startedNs = cpuNs();
    startedJitMs = jitMs();
    startedGcMs = gcMs();
    if (perThread) {
      startedByThread.clear();
      for (long id : threads.getAllThreadIds()) {
        long ns = threads.getThreadCpuTime(id);
        if (ns >= 0) {
          startedByThread.put(id, ns);
        }
      }
    }
  }

  void stop() {
    if (startedNs < 0) {
      return;
    }
    long processNs = cpuNs() - startedNs;
    totalNs += processNs;
    startedNs = -1;
    jitMs += jitMs() - startedJitMs;
    gcMs += gcMs() - startedGcMs;
    if (!perThread) {
      return;
    }
    long javaNs = 0;
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long ns = threads.getThreadCpuTime(ids[i]);
      if (ns < 0 || infos[i] == null) {
        continue;
      }
      long before = startedByThread.get(ids[i]);
      long delta = before < 0 ? ns : ns - before;
      javaNs += delta;
      byGroupNs.merge(groupOf(infos[i].getThreadName()), delta, Long::sum);
    }
    byGroupNs.merge("jit+gc+vm", Math.max(0, processNs - javaNs), Long::sum);
  }

  private static String groupOf(String threadName) {
    for (String[] g : GROUPS) {
      if (threadName.startsWith(g[0])) {
        return g[1];
      }
    }
    return threadName.startsWith("etch-") ? "other-node" : "client";
  }

  long totalNs() {
    return os == null ? -1 : totalNs;
  }

  /** CPU µs per op by thread group, largest first, e.g. {@code apply 12.1, raft 3.0, ...}. */
  String breakdownPerOp(long ops) {
    if (!perThread || ops <= 0 || byGroupNs.isEmpty()) {
      return "not measured";
    }
    StringJoiner out = new StringJoiner(", ");
    byGroupNs.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                out.add(
                    String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e3 / ops)));
    return out
        + String.format(
            Locale.ROOT,
            " (wall per op: jit compiling %.1f, gc pauses %.1f)",
            jitMs * 1e3 / ops,
            gcMs * 1e3 / ops);
  }

  private long jitMs() {
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  private static long gcMs() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  private long cpuNs() {
    return os == null ? 0 : os.getProcessCpuTime();
  }
}
