package io.etch.internal.backup;

import io.etch.storage.mvcc.MvccView;
import java.util.Objects;

/**
 * A consistent point of a member's replicated state, captured by the applier between two entries:
 * the store's immutable view, the log index it reflects, and the replicated state kept beside it
 * (the applier's snapshot "extra" bytes).
 */
public record BackupPoint(long appliedIndex, MvccView view, byte[] extra) {
  public BackupPoint {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(extra, "extra");
  }
}
