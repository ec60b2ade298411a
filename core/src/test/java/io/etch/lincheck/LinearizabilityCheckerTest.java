package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.lincheck.RegisterModel.Op;
import io.etch.lincheck.RegisterModel.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The search on tiny hand-written register histories whose verdict is obvious. */
class LinearizabilityCheckerTest {

  private final LinearizabilityChecker checker = LinearizabilityChecker.unbounded();
  private final RegisterModel register = new RegisterModel();

  private static Operation<Op, Result> write(int p, long v, long call, long ret) {
    return Operation.completed(p, Op.write(v), Result.done(), call, ret);
  }

  private static Operation<Op, Result> read(int p, Long seen, long call, long ret) {
    return Operation.completed(p, Op.read(), Result.read(seen), call, ret);
  }

  private static Operation<Op, Result> cas(int p, long from, long to, boolean ok, long c, long r) {
    return Operation.completed(p, Op.cas(from, to), ok ? Result.done() : Result.failed(), c, r);
  }

  private Verdict verdict(List<Operation<Op, Result>> history) {
    return checker.check(register, history).verdict();
  }

  @Test
  void emptyAndSequentialHistories() {
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of()));
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(read(0, null, 0, 1))));
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(List.of(read(0, 7L, 0, 1))));
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(write(0, 1, 0, 1), read(1, 1L, 2, 3))));
  }

  @Test
  void aReadOverlappingAWriteMaySeeEitherValue() {
    // write(1) spans [0,10]; a read inside it may take effect before or after it.
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(write(0, 1, 0, 10), read(1, 1L, 2, 5))));
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(write(0, 1, 0, 10), read(1, null, 2, 5))));
    // Two concurrent writes: a later read may see either one, but not a value never written.
    List<Operation<Op, Result>> twoWriters = List.of(write(0, 1, 0, 5), write(1, 2, 1, 6));
    for (long seen : new long[] {1, 2}) {
      List<Operation<Op, Result>> h = new ArrayList<>(twoWriters);
      h.add(read(2, seen, 7, 8));
      assertEquals(Verdict.LINEARIZABLE, verdict(h), "read " + seen);
    }
    List<Operation<Op, Result>> h = new ArrayList<>(twoWriters);
    h.add(read(2, 3L, 7, 8));
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(h));
  }

  @Test
  void readsInsideOneWriteCannotGoBackInTime() {
    // Once a read has returned the new value, a later read cannot see the old one.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(write(0, 1, 0, 10), read(1, 1L, 1, 2), read(2, null, 3, 4))));
    // The other order is fine: nil first, then 1.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(List.of(write(0, 1, 0, 10), read(1, null, 1, 2), read(2, 1L, 3, 4))));
  }

  @Test
  void aStaleReadIsAViolationAndTheReportShowsTheLongestPrefix() {
    CheckResult result =
        checker.check(register, List.of(write(0, 1, 0, 1), write(0, 2, 2, 3), read(1, 1L, 4, 5)));
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertEquals(Optional.of("all"), result.partition());
    assertEquals(
        List.of("p0 write(1)  => 1", "p0 write(2)  => 2"), result.longestLinearizablePrefix());
    assertTrue(result.describe().contains("longest linearizable prefix (2 operations)"));
  }

  @Test
  void anUnknownWriteMustBeAssumedAppliedWhenAReadSawIt() {
    // The only way to read 1 is that the timed-out write took effect.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(List.of(Operation.unknown(0, Op.write(1), 0), read(1, 1L, 5, 6))));
    // ...even long after: an unknown operation stays open until the end of the history.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, Op.write(1), 0),
                read(1, null, 5, 6),
                read(1, null, 7, 8),
                read(1, 1L, 20, 21))));
  }

  @Test
  void anUnknownWriteMayBeAssumedNotApplied() {
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                write(0, 1, 0, 1),
                Operation.unknown(1, Op.write(2), 2),
                read(2, 1L, 3, 4),
                read(2, 1L, 5, 6))));
  }

  @Test
  void anUnknownWriteCannotTakeEffectBeforeItWasCalledNorTwice() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(read(1, 1L, 0, 1), Operation.unknown(0, Op.write(1), 2))));
    // Applied once: 1, then overwritten by 2, cannot reappear.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, Op.write(1), 0),
                read(1, 1L, 1, 2),
                write(1, 2, 3, 4),
                read(1, 1L, 5, 6))));
  }

  @Test
  void compareAndSet() {
    Operation<Op, Result> w1 = write(0, 1, 0, 1);
    assertEquals(
        Verdict.LINEARIZABLE, verdict(List.of(w1, cas(1, 1, 2, true, 2, 3), read(2, 2L, 4, 5))));
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(List.of(w1, cas(1, 1, 2, false, 2, 3))));
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(List.of(w1, cas(1, 3, 2, true, 2, 3))));
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(w1, cas(1, 3, 2, false, 2, 3))));
    // A CAS on an empty register fails.
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(cas(1, 0, 2, false, 0, 1))));
    // Two concurrent CAS(1 -> x) cannot both succeed.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(w1, cas(1, 1, 2, true, 2, 5), cas(2, 1, 3, true, 3, 6))));
    // An unknown CAS explains a later read of its new value, or of the old one.
    Operation<Op, Result> unknownCas = Operation.unknown(1, Op.cas(1, 2), 2);
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(w1, unknownCas, read(2, 2L, 3, 4))));
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(w1, unknownCas, read(2, 1L, 3, 4))));
    // ...but it only sets 2 if the value was 1 when it applied.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(write(0, 5, 0, 1), unknownCas, read(2, 2L, 3, 4))));
  }

  @Test
  void unknownReadsAreDropped() {
    CheckResult result =
        checker.check(
            register,
            List.of(write(0, 1, 0, 1), Operation.unknown(1, Op.read(), 0), read(2, 1L, 2, 3)));
    assertEquals(Verdict.LINEARIZABLE, result.verdict());
    assertEquals(2, result.operations());
  }

  @Test
  void operationsThatTouchAreConcurrent() {
    // The read returns at the instant the write is called: either order is allowed.
    assertEquals(Verdict.LINEARIZABLE, verdict(List.of(read(1, 1L, 0, 5), write(0, 1, 5, 6))));
  }

  /** Many concurrent writes and a read of a value nobody wrote: exponential without memoization. */
  private static List<Operation<Op, Result>> manyConcurrentWritesThenABadRead(int writers) {
    List<Operation<Op, Result>> h = new ArrayList<>();
    for (int p = 0; p < writers; p++) {
      h.add(write(p, p, p, writers + p));
    }
    h.add(read(writers, -1L, 3L * writers, 3L * writers + 1));
    return h;
  }

  @Test
  void memoizationKeepsTheSearchPolynomialOnManyConcurrentWrites() {
    // 12! orders of the writes without the cache; 2^12 subsets times 13 states with it.
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(manyConcurrentWritesThenABadRead(12)));
  }

  @Test
  void aTimeBudgetGivesUnknownInsteadOfRunningForever() {
    AtomicLong nowNs = new AtomicLong();
    LinearizabilityChecker impatient =
        LinearizabilityChecker.builder()
            .timeBudget(Duration.ofSeconds(1))
            .nanoClock(() -> nowNs.addAndGet(Duration.ofMillis(300).toNanos()))
            .build();
    CheckResult result = impatient.check(register, manyConcurrentWritesThenABadRead(12));
    assertEquals(Verdict.UNKNOWN, result.verdict());
    assertEquals(Optional.of("all"), result.partition());
    // The same history with no budget has a definite answer.
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(manyConcurrentWritesThenABadRead(12)));
  }

  @Test
  void aBoundedMemoGivesUnknownInsteadOfExhaustingTheHeap() {
    LinearizabilityChecker frugal = LinearizabilityChecker.builder().maxConfigurations(100).build();
    CheckResult result = frugal.check(register, manyConcurrentWritesThenABadRead(12));
    assertEquals(Verdict.UNKNOWN, result.verdict());
    assertEquals(Optional.of("all"), result.partition());
    // A small history fits in the same bound.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        frugal.check(register, List.of(write(0, 1, 0, 1), read(1, 2L, 2, 3))).verdict());
  }

  @Test
  void aViolationFoundBeatsATimeout() {
    AtomicLong nowNs = new AtomicLong();
    LinearizabilityChecker impatient =
        LinearizabilityChecker.builder()
            .timeBudget(Duration.ofSeconds(1))
            .nanoClock(() -> nowNs.addAndGet(Duration.ofMillis(300).toNanos()))
            .build();
    // Key "a" is hopeless within the budget, key "b" is a quick violation.
    List<Operation<KvModel.Op, String>> h = new ArrayList<>();
    for (int p = 0; p < 12; p++) {
      h.add(Operation.completed(p, KvModel.Op.append("a", "x" + p), "", p, 12 + p));
    }
    h.add(Operation.completed(20, KvModel.Op.get("a"), "nope", 40, 41));
    h.add(Operation.completed(21, KvModel.Op.put("b", "1"), "", 42, 43));
    h.add(Operation.completed(21, KvModel.Op.get("b"), "2", 44, 45));
    CheckResult result = impatient.check(new KvModel(), h);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertEquals(Optional.of("key b"), result.partition());
  }

  @Test
  void builderRejectsANonPositiveBudget() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinearizabilityChecker.builder().timeBudget(Duration.ZERO));
    assertTrue(e.getMessage().contains("timeBudget must be positive"), e.getMessage());
    IllegalArgumentException m =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinearizabilityChecker.builder().maxConfigurations(0));
    assertEquals("maxConfigurations must be positive, got 0", m.getMessage());
  }

  @Test
  void operationRejectsInconsistentTimes() {
    assertThrows(IllegalArgumentException.class, () -> write(0, 1, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> new Operation<>(0, Op.write(1), null, 0, 5));
  }

  /**
   * A bag: {@code add(x)} puts x in, {@code take()} removes and returns some element. A take whose
   * outcome is unknown removed <i>some</i> element: the model gives one next state per element,
   * which exercises the search over alternative next states.
   */
  private static final class BagModel implements Model<List<Integer>, Integer, Integer> {
    /**
     * Input: x >= 0 adds x; -1 takes (output: the element, -1 if empty); -2 asks for the largest
     * element (output: it, -1 if empty); an add outputs 0.
     */
    @Override
    public List<Integer> initialState() {
      return List.of();
    }

    @Override
    public List<List<Integer>> step(List<Integer> bag, Integer input, Integer output) {
      if (input == -2) {
        int max = bag.isEmpty() ? -1 : bag.get(bag.size() - 1);
        return output == null || output == max ? List.of(bag) : List.of();
      }
      if (input >= 0) {
        List<Integer> more = new ArrayList<>(bag);
        more.add(input);
        more.sort(null);
        return List.of(List.copyOf(more));
      }
      if (bag.isEmpty()) {
        // A take from an empty bag returns -1 and changes nothing.
        return output == null || output == -1 ? List.of(bag) : List.of();
      }
      List<List<Integer>> next = new ArrayList<>();
      for (Integer e : new TreeSet<>(bag)) {
        if (output == null || output.equals(e)) {
          List<Integer> less = new ArrayList<>(bag);
          less.remove(e);
          next.add(List.copyOf(less));
        }
      }
      return next;
    }

    @Override
    public String describeOperation(Integer input, Integer output) {
      return input >= 0
          ? "add(" + input + ")"
          : (input == -1 ? "take() -> " : "max() -> ") + output;
    }
  }

  @Test
  void nondeterministicStepsAreAllExplored() {
    BagModel bag = new BagModel();
    List<Operation<Integer, Integer>> h = new ArrayList<>();
    h.add(Operation.completed(0, 1, 0, 0, 1));
    h.add(Operation.completed(0, 2, 0, 2, 3));
    h.add(Operation.unknown(1, -1, 4)); // took 1 or 2 (or nothing yet)
    h.add(Operation.completed(2, -1, 1, 5, 6)); // took 1: so the unknown one took 2 or nothing
    h.add(Operation.completed(2, -1, 2, 7, 8)); // took 2: so the unknown one took nothing so far
    assertEquals(Verdict.LINEARIZABLE, checker.check(bag, h).verdict());
    // The first alternative (take 1) must be undone and the second tried.
    List<Operation<Integer, Integer>> h2 = new ArrayList<>(h.subList(0, 3));
    h2.add(Operation.completed(2, -1, 2, 5, 6));
    h2.add(Operation.completed(2, -1, 1, 7, 8));
    assertEquals(Verdict.LINEARIZABLE, checker.check(bag, h2).verdict());
    // Three takes of two elements: impossible whatever the unknown take did.
    List<Operation<Integer, Integer>> h3 = new ArrayList<>(h);
    h3.add(Operation.completed(3, -1, 1, 9, 10));
    assertEquals(Verdict.NOT_LINEARIZABLE, checker.check(bag, h3).verdict());
    // max() -> 1 after the unknown take: it must have removed 2, its second alternative.
    List<Operation<Integer, Integer>> h4 = new ArrayList<>(h.subList(0, 3));
    h4.add(Operation.completed(2, -2, 1, 5, 6));
    assertEquals(Verdict.LINEARIZABLE, checker.check(bag, h4).verdict());
    // ...and then 2 cannot be taken any more.
    h4.add(Operation.completed(2, -1, 2, 7, 8));
    assertEquals(Verdict.NOT_LINEARIZABLE, checker.check(bag, h4).verdict());
  }
}
