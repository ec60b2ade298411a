package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.raft.ConfState;
import org.junit.jupiter.api.Test;

class ConfHistoryTest {
  private static final ConfState THREE = ConfState.of(new long[] {1, 2, 3}, new long[0]);
  private static final ConfState LEARNER_4 = ConfState.of(new long[] {1, 2, 3}, new long[] {4});
  private static final ConfState VOTER_4 = ConfState.of(new long[] {1, 2, 3, 4}, new long[0]);

  @Test
  void aSnapshotBehindACommittedChangeGetsTheConfigurationInForceAtItsIndex() {
    ConfHistory h = new ConfHistory(0, THREE);
    h.changed(105, LEARNER_4);
    h.changed(110, VOTER_4);
    // the applier asks for a snapshot at 100 after the owner applied both changes
    assertSame(THREE, h.asOf(100));
    assertSame(LEARNER_4, h.asOf(105));
    assertSame(LEARNER_4, h.asOf(109));
    assertSame(VOTER_4, h.asOf(110));
    assertSame(VOTER_4, h.asOf(5_000));
  }

  @Test
  void aSnapshotForgetsTheConfigurationsBeforeItsOwn() {
    ConfHistory h = new ConfHistory(0, THREE);
    h.changed(105, LEARNER_4);
    h.changed(110, VOTER_4);
    assertSame(LEARNER_4, h.asOf(107));
    assertEquals(2, h.size());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.asOf(100));
    assertEquals(
        "no membership known at index 100; the oldest noted is at "
            + "Noted[index=105, state="
            + LEARNER_4
            + "]",
        e.getMessage());
  }

  @Test
  void anInstalledSnapshotReplacesTheHistory() {
    ConfHistory h = new ConfHistory(0, THREE);
    h.changed(105, LEARNER_4);
    h.reset(200, VOTER_4);
    assertEquals(1, h.size());
    assertSame(VOTER_4, h.asOf(200));
    assertThrows(IllegalStateException.class, () -> h.asOf(150));
  }

  @Test
  void changesMustComeInLogOrder() {
    ConfHistory h = new ConfHistory(0, THREE);
    h.changed(105, LEARNER_4);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> h.changed(104, VOTER_4));
    assertEquals("membership change at index 104 noted after one at index 105", e.getMessage());
  }
}
