package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LessorConfigTest {
  @Test
  void defaultsAreEtcds() {
    LessorConfig config = LessorConfig.builder().minTtlSeconds(2).build();
    assertEquals(2, config.minTtlSeconds());
    assertEquals(1000, config.maxRevokesPerSecond());
    assertEquals(TimeUnit.SECONDS.toNanos(3), config.expiredRetryNs());
    assertEquals(0, config.promoteExtensionNs());
    assertFalse(config.checkpointing());
    assertEquals(TimeUnit.MINUTES.toNanos(5), config.checkpointIntervalNs());
    assertEquals(1000, config.maxCheckpointsPerSecond());
    assertTrue(LessorConfig.builder().minTtlSeconds(2).checkpointing(true).build().checkpointing());
  }

  private static void rejects(String setting, Supplier<LessorConfig.Builder> builder) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder.get().build());
    assertTrue(e.getMessage().contains(setting), e.getMessage());
  }

  @Test
  void badSettingsAreNamed() {
    rejects("minTtlSeconds", LessorConfig::builder);
    rejects("minTtlSeconds", () -> LessorConfig.builder().minTtlSeconds(9_000_000_001L));
    rejects(
        "maxRevokesPerSecond",
        () -> LessorConfig.builder().minTtlSeconds(2).maxRevokesPerSecond(0));
    rejects("expiredRetryNs", () -> LessorConfig.builder().minTtlSeconds(2).expiredRetryNs(0));
    rejects(
        "promoteExtensionNs", () -> LessorConfig.builder().minTtlSeconds(2).promoteExtensionNs(-1));
    rejects(
        "maxCheckpointsPerSecond",
        () -> LessorConfig.builder().minTtlSeconds(2).maxCheckpointsPerSecond(0));
    rejects("maxKeyBytes", () -> LessorConfig.builder().minTtlSeconds(2).maxKeyBytes(0));
    rejects(
        "checkpointIntervalNs and checkpointing conflict",
        () -> LessorConfig.builder().minTtlSeconds(2).checkpointIntervalNs(1));
    rejects(
        "checkpointIntervalNs",
        () -> LessorConfig.builder().minTtlSeconds(2).checkpointing(true).checkpointIntervalNs(0));
  }
}
