package io.etch.storage.mvcc;

import java.util.function.LongConsumer;

/**
 * Runs a seeded test body for {@code count} seeds from {@code base}, or for the one seed named by
 * {@code -Detch.seed}; a failure names its seed and the command that replays it.
 */
final class SeededRuns {
  private SeededRuns() {}

  static void run(String what, Class<?> test, long base, int count, LongConsumer body) {
    String fixed = System.getProperty("etch.seed");
    if (fixed != null) {
      runOne(what, test, Long.parseLong(fixed), body);
      return;
    }
    for (int i = 0; i < count; i++) {
      runOne(what, test, base + i, body);
    }
  }

  private static void runOne(String what, Class<?> test, long seed, LongConsumer body) {
    try {
      body.accept(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          what
              + " with seed "
              + seed
              + "; replay: ./mvnw -B -ntp -pl storage test -Dtest="
              + test.getSimpleName()
              + " -Detch.seed="
              + seed,
          e);
    }
  }
}
