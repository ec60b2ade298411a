package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.lincheck.EtcdKvModel.Compare;
import io.etch.lincheck.EtcdKvModel.Op;
import io.etch.lincheck.EtcdKvModel.Read;
import io.etch.lincheck.EtcdKvModel.Result;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EtcdKvModelTest {

  private final EtcdKvModel model = new EtcdKvModel();
  private final LinearizabilityChecker checker = LinearizabilityChecker.unbounded();

  private static Operation<Op, Result> done(int p, Op op, Result out, long call, long ret) {
    return Operation.completed(p, op, out, call, ret);
  }

  private Verdict verdict(List<Operation<Op, Result>> history) {
    return checker.check(model, history).verdict();
  }

  @Test
  void getSeesTheLastPutAndItsModRevision() {
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(5), 0, 1),
                done(1, Op.get("a"), Result.got("1", 5), 2, 3),
                done(1, Op.get("b"), Result.got(null, 0), 4, 5))));
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(5), 0, 1),
                done(1, Op.get("a"), Result.got("1", 4), 2, 3))));
    // Revision 0 means "not recorded": only the value is checked.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(0), 0, 1),
                done(1, Op.get("a"), Result.got("1", 9), 2, 3),
                done(1, Op.get("a"), Result.got("1", 9), 4, 5))));
  }

  @Test
  void aWritesRevisionMustExceedTheKeysModRevision() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(5), 0, 1),
                done(0, Op.put("a", "2"), Result.written(5), 2, 3))));
    // Concurrent puts: the one with the higher revision must be linearized last.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(7), 0, 5),
                done(1, Op.put("a", "2"), Result.written(6), 1, 6),
                done(2, Op.get("a"), Result.got("1", 7), 7, 8))));
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(7), 0, 5),
                done(1, Op.put("a", "2"), Result.written(6), 1, 6),
                done(2, Op.get("a"), Result.got("2", 6), 7, 8))));
  }

  @Test
  void anUnknownPutsRevisionIsPinnedByTheFirstGetThatReportsIt() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, Op.put("a", "1"), 0),
                done(1, Op.get("a"), Result.got("1", 3), 1, 2),
                done(1, Op.get("a"), Result.got("1", 4), 3, 4))));
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, Op.put("a", "1"), 0),
                done(1, Op.get("a"), Result.got("1", 3), 1, 2),
                done(1, Op.get("a"), Result.got("1", 3), 3, 4))));
  }

  @Test
  void compareAndSetAndDelete() {
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.cas("a", null, "1"), Result.casResult(true, 2), 0, 1),
                done(0, Op.cas("a", null, "2"), Result.casResult(false, 0), 2, 3),
                done(0, Op.cas("a", "1", "3"), Result.casResult(true, 4), 4, 5),
                done(0, Op.delete("a"), Result.written(5), 6, 7),
                done(1, Op.get("a"), Result.got(null, 0), 8, 9))));
    // Two concurrent lock-style CAS(absent -> me) cannot both win.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.cas("lock", null, "p0"), Result.casResult(true, 2), 0, 5),
                done(1, Op.cas("lock", null, "p1"), Result.casResult(true, 3), 1, 6))));
  }

  @Test
  void aTransactionIsAtomicAcrossItsKeys() {
    Op txn =
        Op.txn(
            List.of(new Compare("a", null)),
            List.of(Op.put("a", "1"), Op.put("b", "1")),
            List.of(Op.get("a")));
    // A reader sees a=1 (so the txn has taken effect) and then b absent: torn.
    List<Operation<Op, Result>> torn =
        List.of(
            done(0, txn, Result.txnResult(true, List.of(), 3), 0, 10),
            done(1, Op.get("a"), Result.got("1", 3), 1, 2),
            done(1, Op.get("b"), Result.got(null, 0), 3, 4));
    CheckResult result = checker.check(model, torn);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertEquals(Optional.of("keys {a, b}"), result.partition());
    // The same pattern with two independent puts is fine: put(b) may come after the reads.
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(0, Op.put("a", "1"), Result.written(3), 0, 10),
                done(2, Op.put("b", "1"), Result.written(4), 0, 10),
                done(1, Op.get("a"), Result.got("1", 3), 1, 2),
                done(1, Op.get("b"), Result.got(null, 0), 3, 4))));
  }

  @Test
  void aTransactionTakesTheBranchItsComparesSelectAndReportsItsReads() {
    Op txn =
        Op.txn(
            List.of(new Compare("a", "1")),
            List.of(Op.put("b", "x"), Op.get("b")),
            List.of(Op.get("a"), Op.get("b")));
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                done(
                    0,
                    txn,
                    Result.txnResult(false, List.of(new Read(null, 0), new Read(null, 0)), 0),
                    0,
                    1),
                done(0, Op.put("a", "1"), Result.written(2), 2, 3),
                done(0, txn, Result.txnResult(true, List.of(new Read("x", 4)), 4), 4, 5),
                done(1, Op.get("b"), Result.got("x", 4), 6, 7))));
    // Claiming success while the compare cannot hold is a violation.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(done(0, txn, Result.txnResult(true, List.of(new Read("x", 0)), 0), 0, 1))));
    // Reporting the wrong number of reads for the branch is a violation too.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(List.of(done(0, txn, Result.txnResult(false, List.of(), 0), 0, 1))));
  }

  @Test
  void anUnknownTransactionMayHaveAppliedOrNot() {
    Op txn = Op.txn(List.of(), List.of(Op.put("a", "1"), Op.put("b", "1")), List.of());
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, txn, 0),
                done(1, Op.get("a"), Result.got("1", 0), 1, 2),
                done(1, Op.get("b"), Result.got("1", 0), 3, 4))));
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, txn, 0),
                done(1, Op.get("a"), Result.got(null, 0), 1, 2),
                done(1, Op.get("b"), Result.got(null, 0), 3, 4))));
    // ...but atomically: never half of it.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            List.of(
                Operation.unknown(0, txn, 0),
                done(1, Op.get("a"), Result.got("1", 0), 1, 2),
                done(1, Op.get("b"), Result.got(null, 0), 3, 4))));
  }

  @Test
  void partitionsAreTheComponentsOfKeysTouchedTogether() {
    Op txn = Op.txn(List.of(new Compare("a", null)), List.of(Op.put("b", "1")), List.of());
    List<Operation<Op, Result>> h =
        List.of(
            done(0, Op.put("c", "1"), Result.written(2), 0, 1),
            done(0, txn, Result.txnResult(true, List.of(), 3), 2, 3),
            done(0, Op.get("a"), Result.got(null, 0), 4, 5));
    assertEquals(
        List.of("key c", "keys {a, b}"),
        model.partition(h).stream().map(Partition::label).collect(Collectors.toList()));
  }

  @Test
  void readOnlyOperationsWithUnknownOutcomeAreDropped() {
    Op readTxn = Op.txn(List.of(), List.of(Op.get("a"), Op.get("b")), List.of());
    CheckResult r =
        checker.check(
            model,
            List.of(
                Operation.unknown(0, Op.get("a"), 0),
                Operation.unknown(1, readTxn, 0),
                done(2, Op.put("a", "1"), Result.written(2), 0, 1)));
    assertEquals(Verdict.LINEARIZABLE, r.verdict());
    assertEquals(1, r.operations());
  }

  @Test
  void transactionBranchesHoldOnlyGetsPutsAndDeletes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Op.txn(List.of(), List.of(Op.cas("a", null, "1")), List.of()));
    assertEquals("a transaction branch may hold only GET, PUT and DELETE, got CAS", e.getMessage());
  }
}
