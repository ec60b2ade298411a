package io.etch.op;

import io.etch.ByteSequence;
import io.etch.DuplicateKeyInTxnException;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import io.etch.TooManyTxnOpsException;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One operation of a transaction branch: a put, a get, a delete, or a nested transaction (etcd's
 * RequestOp). All ops of a committed transaction share one revision; within it they apply in order,
 * so a get sees the puts and deletes before it.
 *
 * <p>Switch on {@link #type()} to handle each kind.
 */
public sealed interface Op permits Op.PutOp, Op.GetOp, Op.DeleteOp, Op.TxnOp {
  /** The kind of op (and of its response). */
  enum Type {
    PUT,
    GET,
    DELETE,
    TXN
  }

  Type type();

  static PutOp put(ByteSequence key, ByteSequence value, PutOption option) {
    return new PutOp(key, value, option);
  }

  static GetOp get(ByteSequence key, GetOption option) {
    return new GetOp(key, option);
  }

  static DeleteOp delete(ByteSequence key, DeleteOption option) {
    return new DeleteOp(key, option);
  }

  /** A nested transaction, like jetcd's {@code Op.txn(cmps, thenOps, elseOps)}. */
  static TxnOp txn(Cmp[] compares, Op[] thenOps, Op[] elseOps) {
    return new TxnOp(Arrays.asList(compares), Arrays.asList(thenOps), Arrays.asList(elseOps));
  }

  /** Put {@code value} at {@code key}; the value must be empty when the option ignores it. */
  record PutOp(ByteSequence key, ByteSequence value, PutOption option) implements Op {
    public PutOp {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(option, "option");
      if (key.isEmpty()) {
        throw new InvalidArgumentException("key", "key must not be empty");
      }
      option.checkValue(value);
    }

    @Override
    public Type type() {
      return Type.PUT;
    }
  }

  /** Read the key or range the option selects for {@code key}. */
  record GetOp(ByteSequence key, GetOption option) implements Op {
    public GetOp {
      Objects.requireNonNull(option, "option");
      option.range(key);
    }

    /** The keys read. */
    public KeyRange range() {
      return option.range(key);
    }

    @Override
    public Type type() {
      return Type.GET;
    }
  }

  /** Delete the key or range the option selects for {@code key}. */
  record DeleteOp(ByteSequence key, DeleteOption option) implements Op {
    public DeleteOp {
      Objects.requireNonNull(option, "option");
      option.range(key);
    }

    /** The keys deleted. */
    public KeyRange range() {
      return option.range(key);
    }

    @Override
    public Type type() {
      return Type.DELETE;
    }
  }

  /**
   * A transaction: if every compare holds, the Then ops, else the Else ops.
   *
   * @param compares conjunction of guards; empty means "always true"
   * @param thenOps ops applied when all compares hold
   * @param elseOps ops applied otherwise
   */
  record TxnOp(List<Cmp> compares, List<Op> thenOps, List<Op> elseOps) implements Op {
    public TxnOp {
      compares = List.copyOf(compares);
      thenOps = List.copyOf(thenOps);
      elseOps = List.copyOf(elseOps);
    }

    @Override
    public Type type() {
      return Type.TXN;
    }

    /** Whether no op of either branch (nested ones included) writes. */
    public boolean isReadOnly() {
      return readOnly(thenOps) && readOnly(elseOps);
    }

    private static boolean readOnly(List<Op> ops) {
      for (Op op : ops) {
        switch (op.type()) {
          case PUT, DELETE -> {
            return false;
          }
          case TXN -> {
            if (!((TxnOp) op).isReadOnly()) {
              return false;
            }
          }
          case GET -> {}
        }
      }
      return true;
    }

    /**
     * Checks this transaction as etcd does before proposing it.
     *
     * <ul>
     *   <li>At every nesting level, the compares, the Then ops and the Else ops each number at most
     *       {@code maxTxnOps}, else {@link TooManyTxnOpsException}.
     *   <li>Within a branch (nested transactions included) no key is put twice and no put falls in
     *       a range deleted by the same branch, else {@link DuplicateKeyInTxnException}. The Then
     *       and Else branches of a nested transaction exclude each other, so both may put the same
     *       key.
     * </ul>
     */
    public void validate(int maxTxnOps) {
      checkSizes(maxTxnOps);
      checkWrites(thenOps);
      checkWrites(elseOps);
    }

    private void checkSizes(int maxTxnOps) {
      int count = Math.max(compares.size(), Math.max(thenOps.size(), elseOps.size()));
      if (count > maxTxnOps) {
        throw new TooManyTxnOpsException(count, maxTxnOps);
      }
      for (Op op : thenOps) {
        if (op.type() == Type.TXN) {
          ((TxnOp) op).checkSizes(maxTxnOps);
        }
      }
      for (Op op : elseOps) {
        if (op.type() == Type.TXN) {
          ((TxnOp) op).checkSizes(maxTxnOps);
        }
      }
    }

    /** The writes of one branch: the keys put and the ranges deleted, nested ones included. */
    private record Writes(Set<ByteSequence> puts, List<KeyRange> deletes) {
      boolean deletes(ByteSequence key) {
        for (KeyRange range : deletes) {
          if (range.contains(key)) {
            return true;
          }
        }
        return false;
      }
    }

    private static Writes checkWrites(List<Op> ops) {
      Writes writes = new Writes(new HashSet<>(), new ArrayList<>());
      for (Op op : ops) {
        if (op.type() == Type.DELETE) {
          writes.deletes().add(((DeleteOp) op).range());
        }
      }
      for (Op op : ops) {
        if (op.type() != Type.TXN) {
          continue;
        }
        TxnOp txn = (TxnOp) op;
        Writes thenWrites = checkWrites(txn.thenOps());
        Writes elseWrites = checkWrites(txn.elseOps());
        for (ByteSequence key : thenWrites.puts()) {
          if (writes.puts().contains(key) || writes.deletes(key)) {
            throw new DuplicateKeyInTxnException(key);
          }
          writes.puts().add(key);
        }
        for (ByteSequence key : elseWrites.puts()) {
          boolean fromThen = thenWrites.puts().contains(key);
          if ((writes.puts().contains(key) && !fromThen) || writes.deletes(key)) {
            throw new DuplicateKeyInTxnException(key);
          }
          writes.puts().add(key);
        }
        writes.deletes().addAll(thenWrites.deletes());
        writes.deletes().addAll(elseWrites.deletes());
      }
      for (Op op : ops) {
        if (op.type() != Type.PUT) {
          continue;
        }
        ByteSequence key = ((PutOp) op).key();
        if (writes.puts().contains(key) || writes.deletes(key)) {
          throw new DuplicateKeyInTxnException(key);
        }
        writes.puts().add(key);
      }
      return writes;
    }
  }
}
