package io.etch.lincheck;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LinearizabilityChecker#check} found.
 *
 * @param verdict linearizable, not, or unknown (time budget exhausted)
 * @param partition for {@link Verdict#NOT_LINEARIZABLE}, the label of the partition that has no
 *     linearization; for {@link Verdict#UNKNOWN}, the one being checked when the budget ran out
 * @param longestLinearizablePrefix for a violation, the longest sequence of operations of that
 *     partition the search managed to linearize (each described with the state after it): the
 *     operation that could not be added next is where to look
 * @param partitions how many partitions the history was split into
 * @param operations how many operations were checked (after dropping unknown read-only ones)
 * @param elapsedNs time spent, on the checker's clock
 */
public record CheckResult(
    Verdict verdict,
    Optional<String> partition,
    List<String> longestLinearizablePrefix,
    int partitions,
    int operations,
    long elapsedNs) {

  public CheckResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(partition, "partition");
    longestLinearizablePrefix = List.copyOf(longestLinearizablePrefix);
  }

  /** True iff the verdict is {@link Verdict#LINEARIZABLE}. */
  public boolean isLinearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /** A multi-line report for a human: verdict, failing partition and the prefix found. */
  public String describe() {
    StringBuilder sb = new StringBuilder(verdict.name());
    partition.ifPresent(p -> sb.append(" in partition ").append(p));
    sb.append(" (")
        .append(operations)
        .append(" operations in ")
        .append(partitions)
        .append(" partitions)");
    if (!longestLinearizablePrefix.isEmpty()) {
      sb.append("\nlongest linearizable prefix (")
          .append(longestLinearizablePrefix.size())
          .append(" operations):");
      for (String step : longestLinearizablePrefix) {
        sb.append("\n  ").append(step);
      }
    }
    return sb.toString();
  }
}
