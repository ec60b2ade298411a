package io.etch.lincheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The Wing–Gong–Lowe search for one partition, with Lowe's memoization.
 *
 * <p><b>Entries.</b> Each operation contributes a call entry and a return entry; all entries are
 * sorted by time (at equal times calls come first, so touching operations count as concurrent) and
 * threaded on a doubly linked list kept in int arrays. An operation with an unknown outcome has its
 * return at infinity: it stays open until the end.
 *
 * <p><b>Search.</b> Walk the list from the head. At a call entry, ask the model which states may
 * follow when this operation takes effect now. If one of them, together with the set of operations
 * linearized so far plus this one, is a configuration never seen before, take it: push a frame (the
 * operation, the state before it, the alternatives, which one was taken), <i>lift</i> the
 * operation's call and return out of the list, and restart from the head. Otherwise move on to the
 * next entry: another pending operation might go first. Reaching a return entry means the operation
 * it closes has not been linearized and nothing in front of it can be: backtrack — pop the top
 * frame, <i>unlift</i> its entries back in place, restore the state, and try that operation's next
 * alternative or else the entries after it. The history is linearizable when the list is empty, and
 * not when a return is reached with nothing to pop.
 *
 * <p><b>Memoization.</b> Two paths reaching the same (linearized set, state) have the same future,
 * so each configuration is explored once; this is what makes the search practical. The set is a
 * {@link BitSet} over operation indices and the state uses the model's equals/hashCode.
 *
 * <p><b>Longest prefix.</b> The deepest stack seen is remembered for reports: on a violation it is
 * the longest sequence of operations that could be linearized.
 *
 * <p><b>Limits.</b> The search stops (undecided) when the deadline passes or when the memo holds
 * {@code maxConfigurations} entries, which bounds its memory.
 *
 * <p>Single-threaded and not reusable: one instance checks one partition once.
 */
final class WglSearch<S, I, O> {

  /** How the search ended. */
  enum Outcome {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    TIMED_OUT,
    TOO_MANY_CONFIGURATIONS
  }

  /** The clock is read once per this many search steps (a power of two minus one, as a mask). */
  private static final int CLOCK_CHECK_MASK = 0xFF;

  private static final int NIL = -1;

  private final Model<S, I, O> model;
  private final List<Operation<I, O>> operations;
  private final LongSupplier nanoClock;
  private final long deadlineNs;
  private final boolean bounded;
  private final long maxConfigurations;

  /** Entry nodes are 0..2n-1; node 2n is the head sentinel. */
  private final int head;

  private final int[] next;
  private final int[] prev;

  /** For a call node, its return node; {@link #NIL} for a return node. */
  private final int[] matchingReturn;

  /** The operation index of each node. */
  private final int[] operationOf;

  private final BitSet linearized;
  private final Set<Configuration<S>> seen = new HashSet<>();
  private final List<Frame<S>> frames = new ArrayList<>();
  private S state;

  private int[] longestOperations = new int[0];
  private Object[] longestStates = new Object[0];

  WglSearch(
      Model<S, I, O> model,
      List<Operation<I, O>> operations,
      LongSupplier nanoClock,
      long deadlineNs,
      boolean bounded,
      long maxConfigurations) {
    this.model = model;
    this.operations = operations;
    this.nanoClock = nanoClock;
    this.deadlineNs = deadlineNs;
    this.bounded = bounded;
    this.maxConfigurations = maxConfigurations;
    int n = operations.size();
    this.head = 2 * n;
    this.next = new int[2 * n + 1];
    this.prev = new int[2 * n + 1];
    this.matchingReturn = new int[2 * n + 1];
    this.operationOf = new int[2 * n + 1];
    this.linearized = new BitSet(n);
    link();
  }

  /** Sorts the call and return entries by time and threads them on the list after the head. */
  private void link() {
    int n = operations.size();
    Integer[] entries = new Integer[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      entries[i] = i; // even: call of operation i/2, odd: its return
    }
    Arrays.sort(
        entries,
        Comparator.<Integer>comparingLong(this::entryTime)
            .thenComparingInt(e -> e & 1)
            .thenComparingInt(e -> e >> 1));
    int[] nodeOfEntry = new int[2 * n];
    for (int node = 0; node < 2 * n; node++) {
      nodeOfEntry[entries[node]] = node;
    }
    for (int node = 0; node < 2 * n; node++) {
      int entry = entries[node];
      operationOf[node] = entry >> 1;
      matchingReturn[node] = (entry & 1) == 0 ? nodeOfEntry[entry + 1] : NIL;
      next[node] = node + 1 < 2 * n ? node + 1 : NIL;
      prev[node] = node == 0 ? head : node - 1;
    }
    next[head] = n == 0 ? NIL : 0;
    prev[head] = NIL;
    matchingReturn[head] = NIL;
    operationOf[head] = NIL;
  }

  private long entryTime(int entry) {
    Operation<I, O> op = operations.get(entry >> 1);
    return (entry & 1) == 0 ? op.callTime() : op.returnTime();
  }

  Outcome run() {
    state = model.initialState();
    int entry = next[head];
    long steps = 0;
    while (next[head] != NIL) {
      if (bounded && (++steps & CLOCK_CHECK_MASK) == 0 && nanoClock.getAsLong() - deadlineNs >= 0) {
        return Outcome.TIMED_OUT;
      }
      if (seen.size() >= maxConfigurations) {
        return Outcome.TOO_MANY_CONFIGURATIONS;
      }
      if (matchingReturn[entry] != NIL) {
        Operation<I, O> op = operations.get(operationOf[entry]);
        List<S> alternatives = model.step(state, op.input(), op.output());
        entry = tryAlternatives(entry, alternatives, 0) ? next[head] : next[entry];
      } else {
        if (frames.isEmpty()) {
          return Outcome.NOT_LINEARIZABLE;
        }
        Frame<S> top = frames.remove(frames.size() - 1);
        state = top.stateBefore();
        linearized.clear(operationOf[top.callNode()]);
        unlift(top.callNode());
        entry =
            tryAlternatives(top.callNode(), top.alternatives(), top.taken() + 1)
                ? next[head]
                : next[top.callNode()];
      }
    }
    return Outcome.LINEARIZABLE;
  }

  /**
   * Linearizes the operation of {@code callNode} now, with the first of {@code alternatives} from
   * index {@code from} that leads to an unseen configuration; false if there is none.
   */
  private boolean tryAlternatives(int callNode, List<S> alternatives, int from) {
    int op = operationOf[callNode];
    linearized.set(op);
    for (int i = from; i < alternatives.size(); i++) {
      S after = alternatives.get(i);
      // Probe with the live bitset; copy it only for a configuration that is new (most are not).
      if (!seen.contains(new Configuration<>(linearized, after))) {
        seen.add(new Configuration<>((BitSet) linearized.clone(), after));
        frames.add(new Frame<>(callNode, state, alternatives, i));
        state = after;
        lift(callNode);
        rememberIfLongest();
        return true;
      }
    }
    linearized.clear(op);
    return false;
  }

  /** Unlinks a call entry and its return entry. */
  private void lift(int callNode) {
    next[prev[callNode]] = next[callNode];
    prev[next[callNode]] = prev[callNode]; // a call is always followed by at least its return
    int ret = matchingReturn[callNode];
    next[prev[ret]] = next[ret];
    if (next[ret] != NIL) {
      prev[next[ret]] = prev[ret];
    }
  }

  /** Relinks what {@link #lift} unlinked, in reverse order. */
  private void unlift(int callNode) {
    int ret = matchingReturn[callNode];
    next[prev[ret]] = ret;
    if (next[ret] != NIL) {
      prev[next[ret]] = ret;
    }
    next[prev[callNode]] = callNode;
    prev[next[callNode]] = callNode;
  }

  private void rememberIfLongest() {
    if (frames.size() <= longestOperations.length) {
      return;
    }
    int depth = frames.size();
    longestOperations = new int[depth];
    longestStates = new Object[depth];
    for (int i = 0; i < depth; i++) {
      Frame<S> f = frames.get(i);
      longestOperations[i] = operationOf[f.callNode()];
      longestStates[i] = f.alternatives().get(f.taken());
    }
  }

  /** The deepest linearization found, one line per operation with the state after it. */
  List<String> longestPrefix() {
    List<String> lines = new ArrayList<>(longestOperations.length);
    for (int i = 0; i < longestOperations.length; i++) {
      Operation<I, O> op = operations.get(longestOperations[i]);
      @SuppressWarnings("unchecked")
      S after = (S) longestStates[i];
      lines.add(
          "p"
              + op.process()
              + " "
              + model.describeOperation(op.input(), op.output())
              + "  => "
              + model.describeState(after));
    }
    return lines;
  }

  private record Frame<S>(int callNode, S stateBefore, List<S> alternatives, int taken) {}

  /** A memoized search configuration; BitSet and the state provide equals/hashCode. */
  private record Configuration<S>(BitSet linearized, S state) {}
}
