package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {

  @Test
  void belowTheDeferSizeTheCountAloneDecides() {
    SnapshotPolicy policy = new SnapshotPolicy(100, 1_000, 0.5, 0, 999);
    assertFalse(policy.due(99));
    assertTrue(policy.due(100), "no log bytes needed below the defer size");
    policy.taken(100, 999);
    assertFalse(policy.due(199));
    assertTrue(policy.due(200));
  }

  @Test
  void aLargeStoreWaitsForTheLogToGrowByTheRatioOfItsSize() {
    SnapshotPolicy policy = new SnapshotPolicy(100, 1_000, 0.5, 0, 0);
    policy.taken(100, 10_000);
    for (int i = 0; i < 200; i++) {
      policy.applied(20); // 4,000 bytes in 200 entries: the count is met, the log is not
    }
    assertFalse(policy.due(300), "4,000 of the 5,000 log bytes a 10,000-byte store needs");
    for (int i = 0; i < 50; i++) {
      policy.applied(20);
    }
    assertTrue(policy.due(350), "5,000 bytes: half the store");
  }

  @Test
  void theCountStillAppliesWhenTheLogHasGrownEnough() {
    SnapshotPolicy policy = new SnapshotPolicy(100, 1_000, 0.5, 0, 0);
    policy.taken(10, 2_000);
    policy.applied(5_000);
    assertFalse(policy.due(109), "99 entries, however large");
    assertTrue(policy.due(110));
  }

  @Test
  void countingRestartsFromTheEndOfASnapshotInFlight() {
    SnapshotPolicy policy = new SnapshotPolicy(100, 1_000, 0.5, 0, 0);
    policy.taken(100, 10_000);
    policy.applied(6_000);
    policy.inFlight(180); // the snapshot at 100 is still being written at 180
    assertEquals(0, policy.logBytesSince());
    policy.applied(4_000);
    assertFalse(policy.due(300), "4,000 bytes since the end of the one in flight");
    policy.applied(1_000);
    assertTrue(policy.due(300));
    assertFalse(policy.due(279), "and 100 entries counted from 180");
  }

  @Test
  void aRestartOrAnInstalledSnapshotCountsAsTheLastSnapshot() {
    SnapshotPolicy restarted = new SnapshotPolicy(10, 1_000, 1.0, 500, 8_000);
    restarted.applied(7_999);
    assertFalse(restarted.due(600), "the restored store is 8,000 bytes");
    restarted.applied(1);
    assertTrue(restarted.due(600));
    restarted.taken(900, 100); // the leader's snapshot of a small store replaced it
    assertFalse(restarted.due(909));
    assertTrue(restarted.due(910));
  }

  @Test
  void aRatioOfZeroLeavesTheCountAlone() {
    SnapshotPolicy policy = new SnapshotPolicy(10, 1, 0, 0, 1L << 40);
    assertTrue(policy.due(10));
  }

  @Test
  void misuseIsRefusedWithTheValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SnapshotPolicy(0, 1, 0.5, 0, 0));
    assertTrue(e.getMessage().contains("snapshotCount 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SnapshotPolicy(1, 1, Double.NaN, 0, 0));
  }
}
