package io.etch.benchmarks.mvcc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Compares point gets and overwriting puts of several builds of the MVCC store in ONE JVM,
 * interleaved in short slices, with a {@link TreeMap} baseline in between: on a shared, loaded
 * machine, separate JMH runs of two builds minutes apart differ more from the load than from the
 * code. Each jar (a {@code benchmarks.jar} of some commit) is loaded in its own class loader and
 * gets its own store of {@code keys} keys ({@code key/NNNNNNNN}, 256-byte values), called through
 * method handles (the same small overhead for every build).
 *
 * <p>With {@code -Dcpu=1} the rates are per second of the measuring thread's CPU time rather than
 * wall time, which removes most of the effect of other processes taking the CPU (not their effect
 * on the shared caches; GC work on other threads is not counted, see the allocation mode). With
 * {@code -Dalloc=1} it prints the bytes allocated per get and per put instead (deterministic).
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -Xms6g -Xmx6g -XX:+UseParallelGC -Dcpu=1 -cp
 * benchmarks/target/benchmarks.jar io.etch.benchmarks.mvcc.MvccBuildComparison old.jar new.jar
 * 1000000 20 500} (jars..., keys, rounds, slice milliseconds).
 */
public final class MvccBuildComparison {
  private MvccBuildComparison() {}

  static long allocated() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  static final class Side {
    final String name;
    final Object store;
    final MethodHandle view, get, put, putOf, compact, compactStep, revision, compacted;

    Side(String name, String jar) throws Throwable {
      this.name = name;
      ClassLoader cl =
          new URLClassLoader(
              new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      Class<?> storeC = cl.loadClass("io.etch.storage.mvcc.MvccStore");
      Class<?> viewC = cl.loadClass("io.etch.storage.mvcc.MvccView");
      Class<?> cfgC = cl.loadClass("io.etch.storage.mvcc.MvccConfig");
      Class<?> putC = cl.loadClass("io.etch.storage.mvcc.PutRequest");
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      Object cfg = cfgC.getMethod("defaults").invoke(null);
      store = storeC.getMethod("create", cfgC).invoke(null, cfg);
      view =
          l.unreflect(storeC.getMethod("view"))
              .asType(MethodType.methodType(Object.class, Object.class));
      get =
          l.unreflect(viewC.getMethod("get", byte[].class))
              .asType(MethodType.methodType(Object.class, Object.class, byte[].class));
      putOf =
          l.unreflect(putC.getMethod("of", byte[].class, byte[].class))
              .asType(MethodType.methodType(Object.class, byte[].class, byte[].class));
      put =
          l.unreflect(storeC.getMethod("put", putC))
              .asType(MethodType.methodType(Object.class, Object.class, Object.class));
      compact =
          l.unreflect(storeC.getMethod("compact", long.class))
              .asType(MethodType.methodType(void.class, Object.class, long.class));
      compactStep =
          l.unreflect(storeC.getMethod("compactStep", int.class))
              .asType(MethodType.methodType(boolean.class, Object.class, int.class));
      revision =
          l.unreflect(storeC.getMethod("revision"))
              .asType(MethodType.methodType(long.class, Object.class));
      compacted =
          l.unreflect(viewC.getMethod("compactedRevision"))
              .asType(MethodType.methodType(long.class, Object.class));
    }

    Object get(byte[] k) throws Throwable {
      return get.invokeExact((Object) view.invokeExact(store), k);
    }

    Object put(byte[] k, byte[] v) throws Throwable {
      return put.invokeExact(store, (Object) putOf.invokeExact(k, v));
    }

    void compactAll() throws Throwable {
      long rev = (long) revision.invokeExact(store);
      long c = (long) compacted.invokeExact((Object) view.invokeExact(store));
      if (rev > c) {
        compact.invokeExact(store, rev);
        while ((boolean) compactStep.invokeExact(store, 100_000)) {}
      }
    }
  }

  private Object sink;
  static final boolean CPU = System.getProperty("cpu") != null;

  /** Entry point: {@code jar... keys rounds sliceMillis}. */
  public static void main(String[] a) throws Throwable {
    new MvccBuildComparison().run(a);
  }

  private void run(String[] a) throws Throwable {
    int nj = a.length - 3;
    int keys = Integer.parseInt(a[nj]);
    int rounds = Integer.parseInt(a[nj + 1]);
    long sliceNs = Long.parseLong(a[nj + 2]) * 1_000_000L;
    SplittableRandom rnd = new SplittableRandom(42);
    byte[][] values = new byte[64][];
    for (int i = 0; i < 64; i++) {
      values[i] = new byte[256];
      rnd.nextBytes(values[i]);
    }
    byte[][] kb = new byte[keys][];
    for (int i = 0; i < keys; i++) kb[i] = String.format("key/%08d", i).getBytes();
    Side[] sides = new Side[nj];
    for (int j = 0; j < nj; j++) sides[j] = new Side(a[j], a[j]);
    for (Side s : sides) for (int i = 0; i < keys; i++) s.put(kb[i], values[i & 63]);
    if (System.getProperty("alloc") != null) {
      for (int rep = 0; rep < 3; rep++)
        for (Side s : sides) {
          long a0 = allocated();
          for (int i = 0; i < 200_000; i++) sink = s.get(kb[rnd.nextInt(keys)]);
          long a1 = allocated();
          for (int i = 0; i < 200_000; i++) {
            int k = rnd.nextInt(keys);
            sink = s.put(kb[k], values[k & 63]);
          }
          long a2 = allocated();
          s.compactAll();
          System.out.printf(
              "%s: get %.1f B/op, put %.1f B/op%n",
              s.name, (a1 - a0) / 200_000.0, (a2 - a1) / 200_000.0);
        }
      return;
    }
    TreeMap<byte[], byte[]> tm = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < keys; i++) tm.put(kb[i], values[i & 63]);
    // tasks: get per side, TreeMap.get, put per side, TreeMap.put
    int nt = 2 * nj + 2;
    String[] names = new String[nt];
    for (int j = 0; j < nj; j++) {
      names[j] = a[j] + ".get";
      names[nj + 1 + j] = a[j] + ".put";
    }
    names[nj] = "TreeMap.get";
    names[2 * nj + 1] = "TreeMap.put";
    double[][] rate = new double[nt][rounds];
    for (int r = -2; r < rounds; r++) {
      for (int t = 0; t < nt; t++) {
        long ops = 0;
        long cpu0 =
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + sliceNs;
        long now;
        if (t < nj) {
          Side s = sides[t];
          do {
            for (int j = 0; j < 256; j++) sink = s.get(kb[rnd.nextInt(keys)]);
            ops += 256;
          } while ((now = System.nanoTime()) < end);
        } else if (t == nj) {
          do {
            for (int j = 0; j < 256; j++) sink = tm.get(kb[rnd.nextInt(keys)]);
            ops += 256;
          } while ((now = System.nanoTime()) < end);
        } else if (t < 2 * nj + 1) {
          Side s = sides[t - nj - 1];
          do {
            for (int j = 0; j < 256; j++) {
              int i = rnd.nextInt(keys);
              sink = s.put(kb[i], values[i & 63]);
            }
            ops += 256;
          } while ((now = System.nanoTime()) < end);
        } else {
          do {
            for (int j = 0; j < 256; j++) {
              int i = rnd.nextInt(keys);
              sink = tm.put(kb[i], values[i & 63]);
            }
            ops += 256;
          } while ((now = System.nanoTime()) < end);
        }
        long cpu1 =
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        if (r >= 0) rate[t][r] = ops * 1e9 / (CPU ? (cpu1 - cpu0) : (now - start));
        if (t > nj && t < 2 * nj + 1) sides[t - nj - 1].compactAll();
      }
      if (r >= 0) {
        StringBuilder sb = new StringBuilder("round " + r + ":");
        for (int t = 0; t < nt; t++)
          sb.append(String.format(" %s=%.0fk", names[t], rate[t][r] / 1e3));
        System.out.println(sb);
      }
    }
    System.out.println(
        "medians over "
            + rounds
            + " rounds (k ops/s), and median of per-round ratio to TreeMap (get: TreeMap.get, put: TreeMap.put) and to the first jar:");
    for (int t = 0; t < nt; t++) {
      int base = t <= nj ? nj : 2 * nj + 1;
      int first = t <= nj ? 0 : nj + 1;
      double[] toTm = new double[rounds], toFirst = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        toTm[r] = rate[t][r] / rate[base][r];
        toFirst[r] = rate[t][r] / rate[first][r];
      }
      System.out.printf(
          "  %-16s %8.0f   x%.2f vs TreeMap   x%.2f vs %s%n",
          names[t], median(rate[t]) / 1e3, median(toTm), median(toFirst), names[first]);
    }
  }

  static double median(double[] x) {
    double[] c = x.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }
}
