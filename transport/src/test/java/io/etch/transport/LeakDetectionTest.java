package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.etch.transport.testing.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proves the leak check the other tests rely on actually sees a leak. */
class LeakDetectionTest {
  @Test
  void paranoidDetectorIsInstalledAndReportsADeliberateLeak() {
    ResourceLeakDetector<ByteBuf> detector =
        ResourceLeakDetectorFactory.instance().newResourceLeakDetector(ByteBuf.class);
    assertInstanceOf(LeakRecorder.class, detector);
    await("level paranoid")
        .until(() -> ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID);

    leakOne();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                LeakRecorder.collect().stream().anyMatch(s -> s.contains(LeakRecorder.DELIBERATE)));
  }

  private static void leakOne() {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(32);
    b.writeLong(1);
    b.touch(LeakRecorder.DELIBERATE);
  }
}
