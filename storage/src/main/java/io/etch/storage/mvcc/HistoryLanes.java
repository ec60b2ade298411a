package io.etch.storage.mvcc;

import java.util.Arrays;

/**
 * The histories of up to {@link #LANES} consecutive keys, collected for the snapshot writer so that
 * their cache misses overlap.
 *
 * <h2>Why</h2>
 *
 * A snapshot writes every version of every key, and on a store of any size each version is a cache
 * miss twice over: its node (reached through the newer one's {@code older} link, so the misses of
 * one history are serial) and its value array. Walked key by key, the writer stalled on one miss at
 * a time: about two thirds of its CPU time in {@code SnapshotCodecBenchmark} with 300,000 versions
 * of 256-byte values, against a floor (copy and checksum of as many contiguous bytes) a sixth of
 * the total. {@link #fill} walks the histories of {@link #LANES} keys in lockstep, one version of
 * each key per round, so the loads of different keys are independent and the processor has up to
 * {@link #LANES} misses in flight; and it reads one byte of every cache line of each value, so the
 * value's lines are on their way before the writer copies them. That cut the writer's CPU by about
 * a third on that benchmark; walking in lockstep without touching the values, or touching them in
 * the one-key walk, gained under 10%; 16 lanes did worse than 8.
 *
 * <p>The bytes read are summed into {@link #touched} so that the loads have a use the compiler
 * cannot drop; the sum means nothing.
 *
 * <p>One thread; reused for every group of keys of one snapshot.
 */
final class HistoryLanes {
  /** Keys walked together. */
  static final int LANES = 8;

  private static final int CACHE_LINE_BYTES = 64;

  private final byte[][] keys = new byte[LANES][];
  private final Version[] walking = new Version[LANES];
  private final Version[][] histories = new Version[LANES][16];
  private final int[][] valueLengths = new int[LANES][16];
  private final int[] counts = new int[LANES];
  private int lanes;
  private long touched;

  /**
   * Takes the next keys (up to {@link #LANES}) from {@code cursor} and collects their histories;
   * returns how many keys it took (0 when the cursor is exhausted).
   */
  int fill(PersistentBTree.Cursor<Version> cursor) {
    clear();
    while (lanes < LANES && cursor.next()) {
      keys[lanes] = cursor.key();
      walking[lanes] = cursor.value();
      counts[lanes] = 0;
      lanes++;
    }
    long sum = touched;
    for (boolean more = true; more; ) {
      more = false;
      for (int lane = 0; lane < lanes; lane++) {
        Version v = walking[lane];
        if (v == null) {
          continue;
        }
        int n = counts[lane];
        if (n == histories[lane].length) {
          histories[lane] = Arrays.copyOf(histories[lane], n * 2);
          valueLengths[lane] = Arrays.copyOf(valueLengths[lane], n * 2);
        }
        histories[lane][n] = v;
        byte[] value = v.valueArray;
        if (value == null) {
          valueLengths[lane][n] = MvccSnapshotDescriptor.TOMBSTONE_LENGTH;
        } else {
          int from = v.valueOffset();
          int length = v.valueLength();
          valueLengths[lane][n] = length;
          for (int i = 0; i < length; i += CACHE_LINE_BYTES) {
            sum += value[from + i];
          }
          if (length > 0) {
            sum += value[from + length - 1]; // a range in a slab need not start on a line
          }
        }
        counts[lane] = n + 1;
        walking[lane] = v.older;
        more = true;
      }
    }
    touched = sum;
    return lanes;
  }

  byte[] key(int lane) {
    return keys[lane];
  }

  /** Versions of the key in {@code lane}. */
  int count(int lane) {
    return counts[lane];
  }

  /** The {@code i}-th version of the key in {@code lane}, newest first. */
  Version version(int lane, int i) {
    return histories[lane][i];
  }

  /** Its value's length, or {@link MvccSnapshotDescriptor#TOMBSTONE_LENGTH}. */
  int valueLength(int lane, int i) {
    return valueLengths[lane][i];
  }

  /** Drops the references held (so a finished snapshot does not pin versions). */
  void clear() {
    for (int lane = 0; lane < lanes; lane++) {
      keys[lane] = null;
      Arrays.fill(histories[lane], 0, counts[lane], null);
    }
    lanes = 0;
  }
}
