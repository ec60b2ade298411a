package io.etch;

import java.util.Objects;

/**
 * A membership change was refused because it would leave the cluster without a reachable quorum
 * (etcd's strict reconfiguration check, {@code ErrUnhealthy}).
 */
public final class UnhealthyClusterException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final int reachableVoters;
  private final int requiredVoters;

  public UnhealthyClusterException(String operation, int reachableVoters, int requiredVoters) {
    super(
        operation
            + " refused: only "
            + reachableVoters
            + " voting members would be reachable, a quorum needs "
            + requiredVoters);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.reachableVoters = reachableVoters;
    this.requiredVoters = requiredVoters;
  }

  public String operation() {
    return operation;
  }

  public int reachableVoters() {
    return reachableVoters;
  }

  public int requiredVoters() {
    return requiredVoters;
  }

  @Override
  public Kind kind() {
    return Kind.UNHEALTHY_CLUSTER;
  }
}
