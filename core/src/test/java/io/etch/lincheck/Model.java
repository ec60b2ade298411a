package io.etch.lincheck;

import java.util.List;

/**
 * A sequential specification that {@link LinearizabilityChecker} checks a concurrent history
 * against.
 *
 * <p>The model is a (possibly nondeterministic) state machine: {@link #step} says, for one
 * operation applied to one state, which states may follow. An empty result means the operation
 * could not have returned that output from that state ("illegal"). States are compared with {@code
 * equals}/{@code hashCode} (the checker memoizes (linearized set, state) pairs), so they must be
 * immutable values.
 *
 * <p>An operation whose outcome is unknown (a timeout: it may or may not have taken effect) reaches
 * {@link #step} with a {@code null} output; the model then accepts any output, and the state change
 * the operation would make if it did apply. Because the checker keeps such an operation open until
 * the end of the history, "did not apply" is covered by linearizing it last.
 *
 * @param <S> the state: an immutable value with equals/hashCode
 * @param <I> an operation's input
 * @param <O> an operation's output ({@code null} when unknown)
 */
public interface Model<S, I, O> {

  /** The state before any operation. */
  S initialState();

  /**
   * The states that may follow {@code state} when the operation {@code input} is applied and
   * returns {@code output}; empty if that is impossible.
   *
   * @param output the observed output, or {@code null} if the outcome is unknown
   */
  List<S> step(S state, I input, O output);

  /**
   * Splits a history into parts that can be checked independently (a history is linearizable iff
   * every part is). The default keeps the whole history as one part.
   */
  default List<Partition<I, O>> partition(List<Operation<I, O>> history) {
    return List.of(new Partition<>("all", history));
  }

  /**
   * True if the operation never changes the state whatever its outcome: when such an operation's
   * outcome is unknown it constrains nothing and the checker drops it.
   */
  default boolean isReadOnly(I input) {
    return false;
  }

  /** A short human-readable form of one operation, for reports. */
  String describeOperation(I input, O output);

  /** A short human-readable form of a state, for reports. */
  default String describeState(S state) {
    return String.valueOf(state);
  }
}
