package io.etch.kv;

import io.etch.op.Cmp;
import io.etch.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** {@link Txn#collecting}: accumulates the three lists, enforcing the call order. */
final class CollectingTxn implements Txn {
  private enum Stage {
    IF,
    THEN,
    ELSE,
    COMMITTED
  }

  private final Function<Op.TxnOp, CompletableFuture<TxnResponse>> committer;
  private final List<Cmp> compares = new ArrayList<>();
  private final List<Op> thenOps = new ArrayList<>();
  private final List<Op> elseOps = new ArrayList<>();
  private Stage stage = Stage.IF;

  CollectingTxn(Function<Op.TxnOp, CompletableFuture<TxnResponse>> committer) {
    this.committer = Objects.requireNonNull(committer, "committer");
  }

  @Override
  public Txn If(Cmp... cmps) {
    advance(Stage.IF, "If");
    addAll(compares, cmps, "compare");
    return this;
  }

  @Override
  public Txn Then(Op... ops) {
    advance(Stage.THEN, "Then");
    addAll(thenOps, ops, "op");
    return this;
  }

  @Override
  public Txn Else(Op... ops) {
    advance(Stage.ELSE, "Else");
    addAll(elseOps, ops, "op");
    return this;
  }

  @Override
  public CompletableFuture<TxnResponse> commit() {
    advance(Stage.COMMITTED, "commit");
    return committer.apply(new Op.TxnOp(compares, thenOps, elseOps));
  }

  private void advance(Stage to, String call) {
    if (stage == Stage.COMMITTED) {
      throw new IllegalStateException(call + "() called after commit(): a Txn commits once");
    }
    if (to.ordinal() < stage.ordinal()) {
      throw new IllegalStateException(
          call + "() called after " + callName(stage) + "(): call If, then Then, then Else");
    }
    stage = to;
  }

  private static String callName(Stage stage) {
    return switch (stage) {
      case IF -> "If";
      case THEN -> "Then";
      case ELSE -> "Else";
      case COMMITTED -> "commit";
    };
  }

  private static <T> void addAll(List<T> into, T[] items, String what) {
    Objects.requireNonNull(items, what + "s");
    for (T item : items) {
      Objects.requireNonNull(item, what);
    }
    Collections.addAll(into, items);
  }
}
