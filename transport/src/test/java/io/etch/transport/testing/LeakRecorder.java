package io.etch.transport.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty leak detector installed for the whole test JVM through the system property {@code
 * io.netty.customResourceLeakDetector} (transport/pom.xml): every leak Netty finds is recorded
 * here, so tests can fail on it instead of a log line nobody reads.
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {
  /** A hint a test puts on a buffer it leaks on purpose; such leaks are not failures. */
  public static final String DELIBERATE = "etch-deliberate-leak";

  private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

  public LeakRecorder(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval);
  }

  @Override
  protected boolean needReport() {
    return true;
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add("LEAK " + resourceType + records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add("LEAK (untraced) " + resourceType);
  }

  /**
   * Collects garbage and allocates tracked buffers so that Netty reports every leak whose buffer is
   * unreachable, then returns the leaks recorded so far (deliberate ones included).
   */
  public static List<String> collect() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        a.release();
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        b.release();
      }
    }
    return new ArrayList<>(LEAKS);
  }

  /** Leaks that no test made on purpose. */
  public static List<String> unexpectedLeaks() {
    List<String> all = collect();
    all.removeIf(s -> s.contains(DELIBERATE));
    return all;
  }
}
