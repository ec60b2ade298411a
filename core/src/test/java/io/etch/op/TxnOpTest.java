package io.etch.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.DuplicateKeyInTxnException;
import io.etch.InvalidArgumentException;
import io.etch.TooManyTxnOpsException;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import org.junit.jupiter.api.Test;

/** The checks etcd runs on a transaction before proposing it. */
class TxnOpTest {
  private static ByteSequence k(String s) {
    return ByteSequence.from(s);
  }

  private static Op put(String key) {
    return Op.put(k(key), k("v"), PutOption.DEFAULT);
  }

  private static Op delPrefix(String prefix) {
    return Op.delete(k(prefix), DeleteOption.builder().isPrefix(true).build());
  }

  private static Op.TxnOp txn(Op[] thenOps, Op[] elseOps) {
    return Op.txn(new Cmp[0], thenOps, elseOps);
  }

  @Test
  void countsEachListAgainstTheLimitAtEveryLevel() {
    Op[] three = {put("a"), put("b"), put("c")};
    txn(three, new Op[0]).validate(3);
    TooManyTxnOpsException e =
        assertThrows(TooManyTxnOpsException.class, () -> txn(three, new Op[0]).validate(2));
    assertEquals(3, e.count());
    assertEquals(2, e.limit());
    Cmp cmp = new Cmp(k("a"), Cmp.Result.EQUAL, CmpTarget.version(0));
    assertThrows(
        TooManyTxnOpsException.class,
        () -> Op.txn(new Cmp[] {cmp, cmp, cmp}, new Op[0], new Op[0]).validate(2));
    Op nested = txn(three, new Op[0]);
    assertThrows(TooManyTxnOpsException.class, () -> txn(new Op[] {nested}, new Op[0]).validate(2));
  }

  @Test
  void rejectsAKeyPutTwiceInOneBranch() {
    DuplicateKeyInTxnException e =
        assertThrows(
            DuplicateKeyInTxnException.class,
            () -> txn(new Op[] {put("a"), put("a")}, new Op[0]).validate(128));
    assertEquals(k("a"), e.key());
    assertTrue(e.getMessage().contains("'a'"));
  }

  @Test
  void rejectsAPutInsideARangeDeletedByTheSameBranch() {
    assertThrows(
        DuplicateKeyInTxnException.class,
        () -> txn(new Op[] {delPrefix("a"), put("ab")}, new Op[0]).validate(128));
    assertThrows(
        DuplicateKeyInTxnException.class,
        () ->
            txn(new Op[] {delPrefix("a"), txn(new Op[] {put("ab")}, new Op[0])}, new Op[0])
                .validate(128));
    assertThrows(
        DuplicateKeyInTxnException.class,
        () ->
            txn(new Op[] {txn(new Op[] {delPrefix("a")}, new Op[0]), put("ab")}, new Op[0])
                .validate(128));
  }

  @Test
  void allowsWhatEtcdAllows() {
    // the same key in Then and Else: the branches exclude each other
    txn(new Op[] {put("a")}, new Op[] {put("a")}).validate(128);
    // nested Then and Else may both put the same key
    txn(new Op[] {txn(new Op[] {put("a")}, new Op[] {put("a")})}, new Op[0]).validate(128);
    // overlapping deletes, and reads of written keys
    txn(new Op[] {delPrefix("a"), delPrefix("ab"), Op.get(k("ab"), GetOption.DEFAULT)}, new Op[0])
        .validate(128);
    // put outside the deleted range
    txn(new Op[] {delPrefix("a"), put("b")}, new Op[0]).validate(128);
  }

  @Test
  void nestedPutsClashWithOuterPuts() {
    assertThrows(
        DuplicateKeyInTxnException.class,
        () ->
            txn(new Op[] {put("a"), txn(new Op[0], new Op[] {put("a")})}, new Op[0]).validate(128));
  }

  @Test
  void readOnlyAndOpValidation() {
    assertTrue(txn(new Op[] {Op.get(k("a"), GetOption.DEFAULT)}, new Op[0]).isReadOnly());
    assertFalse(txn(new Op[0], new Op[] {txn(new Op[] {put("x")}, new Op[0])}).isReadOnly());
    assertEquals(
        "key",
        assertThrows(
                InvalidArgumentException.class,
                () -> Op.put(ByteSequence.EMPTY, k("v"), PutOption.DEFAULT))
            .argument());
    assertEquals(
        "value",
        assertThrows(
                InvalidArgumentException.class,
                () -> Op.put(k("a"), k("v"), PutOption.builder().withIgnoreValue().build()))
            .argument());
    assertThrows(
        InvalidArgumentException.class, () -> Op.get(ByteSequence.EMPTY, GetOption.DEFAULT));
    assertEquals(Op.Type.DELETE, delPrefix("a").type());
  }
}
