package io.etch.benchmarks.node;

import java.lang.management.ManagementFactory;

/**
 * CPU time this process spent (all threads: the nodes, the client, JIT, GC) between {@link
 * #start()} and {@link #stop()}, summed over the measured iterations; -1 when the JVM cannot tell.
 * Divided by the requests completed it gives CPU per op, which, unlike ops/s, barely depends on how
 * much of the shared machine other processes take.
 */
final class CpuMeter {
  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean bean
          ? bean
          : null;
  private long startedNs = -1;
  private long totalNs;

  void start() {
    startedNs = cpuNs();
  }

  void stop() {
    if (startedNs >= 0) {
      totalNs += cpuNs() - startedNs;
      startedNs = -1;
    }
  }

  long totalNs() {
    return os == null ? -1 : totalNs;
  }

  private long cpuNs() {
    return os == null ? 0 : os.getProcessCpuTime();
  }
}
