package io.etch.maintenance;

import io.etch.kv.Header;
import java.util.Objects;
import java.util.Set;

/**
 * A member's health.
 *
 * @param problems what is wrong; empty when healthy
 * @param applyLagEntries committed but not yet applied log entries
 */
public record HealthResponse(Header header, Set<Problem> problems, long applyLagEntries) {
  /** What makes a member unhealthy. */
  public enum Problem {
    /** It knows no leader. */
    NO_LEADER,
    /** An alarm (NOSPACE or CORRUPT) is raised. */
    ALARM_RAISED,
    /** It lags behind applying committed entries. */
    APPLY_LAG
  }

  public HealthResponse {
    Objects.requireNonNull(header, "header");
    problems = Set.copyOf(problems);
  }

  public boolean isHealthy() {
    return problems.isEmpty();
  }
}
