package io.etch.raft.storage;

import io.etch.raft.ConfState;
import io.etch.raft.HardState;
import java.util.Objects;

/**
 * What a restarting member reads back: its persisted hard state and the membership of its latest
 * snapshot (configuration changes in the log after it are re-applied by the node).
 */
public record InitialState(HardState hardState, ConfState confState) {
  public InitialState {
    Objects.requireNonNull(hardState, "hardState");
    Objects.requireNonNull(confState, "confState");
  }
}
