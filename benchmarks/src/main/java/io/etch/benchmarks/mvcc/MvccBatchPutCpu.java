package io.etch.benchmarks.mvcc;

import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.WriteBatch;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The CPU time and allocation of a put made one by one against puts made in write batches of 16 and
 * 256, in one JVM, alternating the three modes round by round and timing each round in the
 * measuring thread's CPU time: time other processes take from the CPU does not count, which on the
 * shared machine is what makes JMH's wall-clock figures swing by ±100 %. GC work runs on other
 * threads and is not in the time; the allocation per put is reported next to it.
 *
 * <pre>
 * java $ETCH_JVM_FLAGS -Xms2g -Xmx2g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar \
 *   io.etch.benchmarks.mvcc.MvccBatchPutCpu 10000 15 200000
 * </pre>
 *
 * Arguments: keys (overwrites of random existing keys, 256-byte values), rounds, puts per round.
 */
public final class MvccBatchPutCpu {
  private static final int[] BATCHES = {1, 16, 256};

  private MvccBatchPutCpu() {}

  public static void main(String[] args) {
    int keys = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int puts = Integer.parseInt(args[2]);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    SplittableRandom rnd = new SplittableRandom(42);
    byte[][] values = new byte[64][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[256];
      rnd.nextBytes(values[i]);
    }
    byte[][] keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = MvccBenchmark.key(i);
      store.put(PutRequest.of(keyBytes[i], values[i & 63]));
    }
    double[][] nsPerPut = new double[BATCHES.length][rounds];
    double[][] bytesPerPut = new double[BATCHES.length][rounds];
    long tid = Thread.currentThread().getId();
    for (int warm = 0; warm < 3; warm++) {
      for (int batch : BATCHES) {
        run(store, keyBytes, values, rnd, batch, puts);
        compact(store);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int m = 0; m < BATCHES.length; m++) {
        int mode = (m + r) % BATCHES.length; // rotate which mode goes first
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getThreadAllocatedBytes(tid);
        run(store, keyBytes, values, rnd, BATCHES[mode], puts);
        nsPerPut[mode][r] = (threads.getCurrentThreadCpuTime() - cpu0) / (double) puts;
        bytesPerPut[mode][r] = (threads.getThreadAllocatedBytes(tid) - alloc0) / (double) puts;
        compact(store);
      }
    }
    double base = median(nsPerPut[0]);
    System.out.printf("keys=%d rounds=%d puts/round=%d%n", keys, rounds, puts);
    for (int m = 0; m < BATCHES.length; m++) {
      double ns = median(nsPerPut[m]);
      System.out.printf(
          "batch %4d: %8.1f ns CPU/put (median), %7.0f puts per CPU-second, %6.0f B/put,"
              + " CPU ratio to one-by-one %.3f%n",
          BATCHES[m], ns, 1e9 / ns, median(bytesPerPut[m]), ns / base);
    }
  }

  private static void run(
      MvccStore store,
      byte[][] keyBytes,
      byte[][] values,
      SplittableRandom rnd,
      int batch,
      int puts) {
    WriteBatch open = null;
    for (int i = 0; i < puts; i++) {
      int k = rnd.nextInt(keyBytes.length);
      PutRequest request = PutRequest.of(keyBytes[k], values[k & 63]);
      if (batch == 1) {
        store.put(request);
        continue;
      }
      if (open == null) {
        open = store.batch();
      }
      open.put(request);
      if (open.writes() == batch) {
        open.commit();
        open = null;
      }
    }
    if (open != null) {
      open.commit();
    }
  }

  private static void compact(MvccStore store) {
    store.compact(store.revision());
    while (store.compactStep(100_000)) {
      // between rounds, not timed
    }
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
