package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.Clock;
import io.etch.RequestTimeoutException;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.raft.DropReason;
import io.etch.raft.ProposalDroppedException;
import io.etch.raft.read.ReadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ReadRoundsTest {
  private static final long MEMBER = 0x1234L;
  private static final int RETRY_TICKS = 10;

  private final NodeMetrics metrics = new NodeMetrics("m", Clock.system(), () -> 0);
  private final PendingRegistry pending = new PendingRegistry();
  private final ReadRounds rounds =
      new ReadRounds(MEMBER, 2, RETRY_TICKS, pending, Runnable::run, Duration.ofSeconds(1));

  /** The contexts Raft was asked for, in order. */
  private final List<byte[]> asked = new ArrayList<>();

  private final ReadRounds.ReadIndexRequests raft = asked::add;

  private PendingRead read(long deadlineNs) {
    PendingRead r = new PendingRead(() -> null, deadlineNs, metrics);
    pending.add(r);
    rounds.add(r);
    return r;
  }

  @Test
  void readsArrivingWhileTheCapIsReachedWaitForTheNextRound() {
    PendingRead a = read(Long.MAX_VALUE);
    assertTrue(rounds.issue(0, raft));
    PendingRead b = read(Long.MAX_VALUE);
    PendingRead c = read(Long.MAX_VALUE);
    assertTrue(rounds.issue(0, raft), "a second round while the first is out");
    for (int i = 0; i < 100; i++) {
      read(Long.MAX_VALUE);
    }
    assertFalse(rounds.issue(0, raft), "two are out: the 100 reads wait");
    assertFalse(rounds.issue(0, raft));
    assertEquals(2, asked.size());
    assertEquals(100, rounds.unsent());

    // the first answer frees a slot: the 100 go out together in one round
    assertEquals(List.of(a), rounds.confirmed(new ReadState(7, asked.get(0))));
    assertTrue(rounds.issue(0, raft));
    assertEquals(3, asked.size());
    assertEquals(0, rounds.unsent());
    assertEquals(List.of(b, c), rounds.confirmed(new ReadState(8, asked.get(1))));
    assertEquals(100, rounds.confirmed(new ReadState(9, asked.get(2))).size());
    assertEquals(0, rounds.outstanding());
  }

  @Test
  void anAnswerToAnotherMembersOrAGivenUpContextConfirmsNothing() {
    read(Long.MAX_VALUE);
    rounds.issue(0, raft);
    byte[] theirs = asked.get(0).clone();
    theirs[0] ^= 1; // another member id, same counter
    assertNull(rounds.confirmed(new ReadState(5, theirs)));
    assertNull(rounds.confirmed(new ReadState(5, new byte[3])));
    assertEquals(1, rounds.outstanding());
  }

  @Test
  void aRoundUnansweredForRetryTicksIsAskedAgainUnderANewContext() {
    PendingRead a = read(Long.MAX_VALUE);
    rounds.issue(3, raft);
    rounds.onTick(3 + RETRY_TICKS - 1, 0);
    assertEquals(1, rounds.outstanding(), "not yet");
    rounds.onTick(3 + RETRY_TICKS, 0);
    assertEquals(0, rounds.outstanding());
    assertEquals(1, rounds.unsent());
    assertTrue(rounds.issue(3 + RETRY_TICKS, raft));
    assertEquals(2, asked.size());
    assertNull(rounds.confirmed(new ReadState(4, asked.get(0))), "a late answer to the old one");
    assertEquals(List.of(a), rounds.confirmed(new ReadState(4, asked.get(1))));
  }

  @Test
  void aDroppedRequestIsAskedAgainOnTheNextTick() {
    PendingRead a = read(Long.MAX_VALUE);
    ReadRounds.ReadIndexRequests noLeader =
        context -> {
          throw new ProposalDroppedException(DropReason.NO_LEADER, 0, "no leader");
        };
    assertTrue(rounds.issue(5, noLeader), "Raft was asked");
    assertEquals(0, rounds.outstanding());
    assertFalse(rounds.issue(5, raft), "not again within the same tick");
    assertTrue(rounds.issue(6, raft));
    assertEquals(List.of(a), rounds.confirmed(new ReadState(1, asked.get(0))));
  }

  @Test
  void readsPastTheirDeadlineFailWithATimeoutWhereverTheyWait() {
    PendingRead sent = read(100);
    rounds.issue(0, raft);
    read(Long.MAX_VALUE);
    rounds.issue(0, raft);
    PendingRead waiting = read(100);
    rounds.onTick(1, 100);
    for (PendingRead r : List.of(sent, waiting)) {
      CompletionException e = assertThrows(CompletionException.class, r.future::join);
      assertInstanceOf(RequestTimeoutException.class, e.getCause());
    }
    assertEquals(0, rounds.unsent());
    assertEquals(1, pending.size(), "the timed-out reads left the registry");
    assertSame(null, rounds.confirmed(new ReadState(1, new byte[16])));
  }

  @Test
  void misuseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReadRounds(MEMBER, 0, 1, pending, Runnable::run, Duration.ofSeconds(1)));
  }
}
