package io.etch.benchmarks.mvcc;

import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.SplittableRandom;

/**
 * Heap per key of the MVCC store: loads N keys ({@code key/NNNNNNNN}) with fresh V-byte values (one
 * array per key, as a real store holds), then rewrites every key once more (two versions per key),
 * compacts, and prints the retained heap (after full GCs) per key at each stage next to the store's
 * own {@code approxBytes} estimate.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -Xmx6g -cp benchmarks/target/benchmarks.jar
 * io.etch.benchmarks.mvcc.MvccMemoryFootprint [keys] [valueBytes]}.
 */
public final class MvccMemoryFootprint {
  private MvccMemoryFootprint() {}

  private static long usedAfterGc(MemoryMXBean mx) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return mx.getHeapMemoryUsage().getUsed();
  }

  public static void main(String[] args) {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    byte[][] keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = MvccBenchmark.key(i);
    }
    long base = usedAfterGc(mx);
    SplittableRandom rnd = new SplittableRandom(1);
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int i = 0; i < keys; i++) {
      byte[] v = new byte[valueBytes];
      rnd.nextBytes(v);
      store.put(PutRequest.of(keyBytes[i], v));
    }
    report("1 version/key", store, keys, valueBytes, usedAfterGc(mx) - base);
    for (int i = 0; i < keys; i++) {
      byte[] v = new byte[valueBytes];
      rnd.nextBytes(v);
      store.put(PutRequest.of(keyBytes[i], v));
    }
    report("2 versions/key", store, keys, valueBytes, usedAfterGc(mx) - base);
    store.compact(store.revision());
    while (store.compactStep(10_000)) {
      // drain
    }
    report("after compaction", store, keys, valueBytes, usedAfterGc(mx) - base);
  }

  private static void report(
      String stage, MvccStore store, int keys, int valueBytes, long heapBytes) {
    System.out.printf(
        "%-18s heap %,d bytes = %.1f bytes/key (values %d B, key 12 B); approxBytes %.1f/key;"
            + " versions %,d%n",
        stage,
        heapBytes,
        heapBytes / (double) keys,
        valueBytes,
        store.view().approxBytes() / (double) keys,
        store.view().retainedVersions());
  }
}
