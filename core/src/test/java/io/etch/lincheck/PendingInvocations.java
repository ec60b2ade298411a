package io.etch.lincheck;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pairing every history format shares: each process has at most one operation in flight; an
 * invocation opens it, a completion closes it, and whatever is still open when the history ends has
 * an unknown outcome.
 *
 * @param <I> the model's input type
 */
final class PendingInvocations<I> {
  /** An open invocation: its input, its call time and the line that invoked it. */
  record Pending<I>(I input, long callTime, int lineNumber) {}

  private final Path file;
  private final Map<Integer, Pending<I>> open = new TreeMap<>();

  PendingInvocations(Path file) {
    this.file = file;
  }

  /** Opens {@code process}'s invocation; a process may not invoke while one is open. */
  void invoke(int process, I input, long callTime, int lineNumber) throws HistoryFormatException {
    Pending<I> already = open.get(process);
    if (already != null) {
      throw new HistoryFormatException(
          file,
          lineNumber,
          "process "
              + process
              + " invokes while its operation of line "
              + already.lineNumber()
              + " is still pending");
    }
    open.put(process, new Pending<>(input, callTime, lineNumber));
  }

  /** Closes and returns {@code process}'s open invocation; there must be one. */
  Pending<I> complete(int process, int lineNumber) throws HistoryFormatException {
    Pending<I> p = open.remove(process);
    if (p == null) {
      throw new HistoryFormatException(
          file, lineNumber, "process " + process + " completes an operation it never invoked");
    }
    return p;
  }

  /** Adds every invocation still open, in process order, as an operation of unknown outcome. */
  <O> void addStillOpen(List<Operation<I, O>> history) {
    for (Map.Entry<Integer, Pending<I>> e : open.entrySet()) {
      history.add(Operation.unknown(e.getKey(), e.getValue().input(), e.getValue().callTime()));
    }
  }
}
