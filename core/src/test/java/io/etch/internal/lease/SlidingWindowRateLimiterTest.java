package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlidingWindowRateLimiterTest {
  @Test
  void atMostPermitsInAnyWindow() {
    SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(3, 100);
    assertTrue(limiter.tryAcquire(0));
    assertTrue(limiter.tryAcquire(50));
    assertTrue(limiter.tryAcquire(99));
    assertFalse(limiter.tryAcquire(99));
    assertFalse(limiter.tryAcquire(99), "no burst at a window edge");
    assertTrue(limiter.tryAcquire(100), "the permit taken at 0 is a window old");
    assertFalse(limiter.tryAcquire(149));
    assertTrue(limiter.tryAcquire(150));
    limiter.reset();
    assertTrue(limiter.tryAcquire(150));
    assertTrue(limiter.tryAcquire(150));
  }

  @Test
  void rejectsNonPositiveSettings() {
    assertThrows(IllegalArgumentException.class, () -> new SlidingWindowRateLimiter(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SlidingWindowRateLimiter(1, 0));
  }
}
