package io.etch.lincheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides whether a recorded concurrent history is linearizable with respect to a {@link Model}.
 *
 * <p><b>How.</b> The history is first cleaned (operations with an unknown outcome that the model
 * says are read-only are dropped: they constrain nothing), then split by {@link Model#partition}
 * into parts checked one after another by {@link WglSearch}, the Wing–Gong–Lowe backtracking search
 * with Lowe's memoization of (linearized set, state). The history is linearizable iff every part
 * is; the first part found illegal ends the check.
 *
 * <p><b>Unknown outcomes.</b> An operation that timed out may or may not have taken effect. Its
 * return is placed after everything else, so the search may linearize it anywhere after its call —
 * including after every other operation, which is indistinguishable from "never applied" — and the
 * model accepts any output for it.
 *
 * <p><b>Budget.</b> The search is exponential in the worst case. With a time budget the check
 * returns {@link Verdict#UNKNOWN} when it runs out (a violation already found still wins). The
 * clock is injectable so that a test can exhaust the budget deterministically. The memo is bounded
 * too ({@link Builder#maxConfigurations}): a partition whose search would need more memoized
 * configurations than that is also left {@link Verdict#UNKNOWN} instead of exhausting the heap.
 *
 * <p>Instances are immutable and may be shared; each {@link #check} is independent and runs on the
 * calling thread.
 */
public final class LinearizabilityChecker {

  private final LongSupplier nanoClock;
  private final long timeBudgetNs;
  private final boolean bounded;
  private final long maxConfigurations;

  private LinearizabilityChecker(Builder builder) {
    this.nanoClock = builder.nanoClock;
    this.maxConfigurations = builder.maxConfigurations;
    this.bounded = builder.timeBudget != null;
    this.timeBudgetNs = bounded ? builder.timeBudget.toNanos() : Long.MAX_VALUE;
  }

  /** A checker with no time budget on the system clock. */
  public static LinearizabilityChecker unbounded() {
    return builder().build();
  }

  /** A checker that gives up with {@link Verdict#UNKNOWN} after {@code timeBudget}. */
  public static LinearizabilityChecker withTimeBudget(Duration timeBudget) {
    return builder().timeBudget(timeBudget).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Checks {@code history} against {@code model}. */
  public <S, I, O> CheckResult check(Model<S, I, O> model, List<Operation<I, O>> history) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(history, "history");
    long startNs = nanoClock.getAsLong();
    long deadlineNs = startNs + timeBudgetNs;

    List<Operation<I, O>> relevant = new ArrayList<>(history.size());
    for (Operation<I, O> op : history) {
      if (!(op.isUnknown() && model.isReadOnly(op.input()))) {
        relevant.add(op);
      }
    }
    List<Partition<I, O>> partitions = model.partition(relevant);

    Optional<String> timedOut = Optional.empty();
    for (Partition<I, O> partition : partitions) {
      WglSearch<S, I, O> search =
          new WglSearch<>(
              model, partition.operations(), nanoClock, deadlineNs, bounded, maxConfigurations);
      switch (search.run()) {
        case LINEARIZABLE:
          break;
        case NOT_LINEARIZABLE:
          return new CheckResult(
              Verdict.NOT_LINEARIZABLE,
              Optional.of(partition.label()),
              search.longestPrefix(),
              partitions.size(),
              relevant.size(),
              nanoClock.getAsLong() - startNs);
        case TIMED_OUT:
        case TOO_MANY_CONFIGURATIONS:
          if (timedOut.isEmpty()) {
            timedOut = Optional.of(partition.label());
          }
          break;
        default:
          throw new IllegalStateException("unhandled search outcome");
      }
    }
    return new CheckResult(
        timedOut.isPresent() ? Verdict.UNKNOWN : Verdict.LINEARIZABLE,
        timedOut,
        List.of(),
        partitions.size(),
        relevant.size(),
        nanoClock.getAsLong() - startNs);
  }

  /**
   * Configures a {@link LinearizabilityChecker}; by default no time budget, on {@link
   * System#nanoTime}, with at most {@link #DEFAULT_MAX_CONFIGURATIONS} memoized configurations per
   * partition.
   */
  public static final class Builder {
    /** About 100 bytes each: roughly 500 MB of memo at most. */
    public static final long DEFAULT_MAX_CONFIGURATIONS = 5_000_000;

    private LongSupplier nanoClock = System::nanoTime;
    private Duration timeBudget;
    private long maxConfigurations = DEFAULT_MAX_CONFIGURATIONS;

    private Builder() {}

    /** Gives up with {@link Verdict#UNKNOWN} once this much time has passed on the clock. */
    public Builder timeBudget(Duration timeBudget) {
      Objects.requireNonNull(timeBudget, "timeBudget");
      if (timeBudget.isNegative() || timeBudget.isZero()) {
        throw new IllegalArgumentException("timeBudget must be positive, got " + timeBudget);
      }
      this.timeBudget = timeBudget;
      return this;
    }

    /**
     * Gives up on a partition with {@link Verdict#UNKNOWN} once its search has memoized this many
     * (linearized set, state) configurations; bounds the checker's memory.
     */
    public Builder maxConfigurations(long maxConfigurations) {
      if (maxConfigurations <= 0) {
        throw new IllegalArgumentException(
            "maxConfigurations must be positive, got " + maxConfigurations);
      }
      this.maxConfigurations = maxConfigurations;
      return this;
    }

    /** The clock the budget is measured on (nanoseconds, monotonic). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    public LinearizabilityChecker build() {
      return new LinearizabilityChecker(this);
    }
  }
}
