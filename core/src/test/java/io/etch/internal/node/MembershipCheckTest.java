package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.LearnerNotReadyException;
import io.etch.UnhealthyClusterException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MembershipCheckTest {
  @Test
  void refusalsCrossTheWireTyped() {
    UnhealthyClusterException u =
        assertInstanceOf(
            UnhealthyClusterException.class,
            MembershipCheck.refusal(
                MembershipCheck.encode(new UnhealthyClusterException("remove member", 1, 2))));
    assertEquals("remove member", u.operation());
    assertEquals(1, u.reachableVoters());
    assertEquals(2, u.requiredVoters());
    LearnerNotReadyException n =
        assertInstanceOf(
            LearnerNotReadyException.class,
            MembershipCheck.refusal(
                MembershipCheck.encode(new LearnerNotReadyException(0xabcL, 10, 100))));
    assertEquals(0xabcL, n.memberId());
    assertEquals(10, n.matchIndex());
    assertEquals(100, n.leaderIndex());
  }

  @Test
  void acceptedOrNotLeaderMeansPropose() {
    assertArrayEquals(new byte[] {0}, MembershipCheck.encode(null));
    assertNull(MembershipCheck.refusal(new byte[] {MembershipCheck.STATUS_OK}));
    assertNull(MembershipCheck.refusal(new byte[] {MembershipCheck.STATUS_NOT_LEADER}));
  }

  @Test
  void truncatedOrUnknownAnswersAreRefused() {
    byte[] full = MembershipCheck.encode(new LearnerNotReadyException(1, 2, 3));
    for (int cut = 0; cut < full.length; cut++) {
      byte[] part = Arrays.copyOf(full, cut);
      assertThrows(IllegalArgumentException.class, () -> MembershipCheck.refusal(part));
    }
    assertThrows(IllegalArgumentException.class, () -> MembershipCheck.refusal(new byte[] {9}));
  }
}
