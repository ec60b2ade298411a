package io.etch.lincheck;

import java.util.Objects;

/**
 * One operation of a recorded history: who issued it, what it asked, what it returned, and when it
 * was invoked and returned (any monotonic clock or event index; only the order matters).
 *
 * <p>An operation with an unknown outcome ({@link #unknown}) has no output and no return time: it
 * may have taken effect at any point after its call, or never.
 *
 * @param process the client that issued it (informational: the checker relies on times only)
 * @param input what was asked
 * @param output what was returned; {@code null} iff the outcome is unknown
 * @param callTime when it was invoked
 * @param returnTime when it returned; {@link Long#MAX_VALUE} if the outcome is unknown
 */
public record Operation<I, O>(int process, I input, O output, long callTime, long returnTime) {

  public Operation {
    Objects.requireNonNull(input, "input");
    if (output == null && returnTime != Long.MAX_VALUE) {
      throw new IllegalArgumentException(
          "an operation without output has an unknown outcome and must not have a return time, got "
              + returnTime);
    }
    if (output != null && returnTime == Long.MAX_VALUE) {
      throw new IllegalArgumentException("an operation with an output needs a return time");
    }
    if (returnTime < callTime) {
      throw new IllegalArgumentException(
          "operation returns (" + returnTime + ") before it is called (" + callTime + ")");
    }
  }

  /** A completed operation: it took effect exactly once between its call and its return. */
  public static <I, O> Operation<I, O> completed(
      int process, I input, O output, long callTime, long returnTime) {
    return new Operation<>(
        process, input, Objects.requireNonNull(output, "output"), callTime, returnTime);
  }

  /** An operation whose outcome is unknown: it took effect at most once, at any time after call. */
  public static <I, O> Operation<I, O> unknown(int process, I input, long callTime) {
    return new Operation<>(process, input, null, callTime, Long.MAX_VALUE);
  }

  /** True if the outcome (output) is unknown. */
  public boolean isUnknown() {
    return output == null;
  }
}
