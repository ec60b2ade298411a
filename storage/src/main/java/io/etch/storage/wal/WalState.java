package io.etch.storage.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * The mutable state of an open log: its segments, entry index, checksum chain and latest hard state
 * and snapshot marker. Filled by {@link WalRecovery}, then owned by {@link WriteAheadLog}. {@link
 * #apply} is the single definition of what each record does to it, used by both.
 */
final class WalState {
  final List<Segment> segments = new ArrayList<>();
  LogIndex index;
  int lastCrc;
  WalHardState hardState;
  WalSnapshotMarker snapshotMarker;

  Segment active() {
    return segments.get(segments.size() - 1);
  }

  Segment segment(long sequence) {
    return segments.get((int) (sequence - segments.get(0).sequence));
  }

  void applyHardState(WalHardState state) {
    hardState = state;
  }

  /**
   * Records a snapshot marker. Unless it is a carried-over copy, a marker at or past the last entry
   * empties the log so that the next entry is {@code index + 1}.
   */
  void applySnapshotMarker(WalSnapshotMarker marker, boolean carriedOver) {
    snapshotMarker = marker;
    if (!carriedOver && marker.index() >= index.nextIndex() - 1) {
      index.reset(marker.index() + 1);
    }
  }
}
