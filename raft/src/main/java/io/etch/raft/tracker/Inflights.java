package io.etch.raft.tracker;

/**
 * The leader's window of append messages sent to one follower and not yet acknowledged, bounded by
 * a message count and a byte total (flow control for pipelined replication).
 *
 * <p>A ring buffer of (last index, bytes) per message; acknowledgements free every message up to an
 * index. The window is full when either bound is reached; one message may overshoot the byte bound
 * so that a single large entry still moves.
 */
public final class Inflights {
  private final int maxCount;
  private final long maxBytes;
  private final long[] indexes;
  private final long[] sizes;
  private int start;
  private int count;
  private long bytes;

  public Inflights(int maxCount, long maxBytes) {
    if (maxCount <= 0) {
      throw new IllegalArgumentException("maxInflightMsgs must be > 0, got " + maxCount);
    }
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.indexes = new long[maxCount];
    this.sizes = new long[maxCount];
  }

  /** Records a message whose last entry is {@code index}. */
  public void add(long index, long sizeBytes) {
    if (full()) {
      throw new IllegalStateException("inflight window is full (" + count + "/" + maxCount + ")");
    }
    int slot = (start + count) % maxCount;
    indexes[slot] = index;
    sizes[slot] = sizeBytes;
    count++;
    bytes += sizeBytes;
  }

  /** Frees every message whose last index is {@code <= index}. */
  public void freeLE(long index) {
    while (count > 0 && indexes[start] <= index) {
      bytes -= sizes[start];
      start = (start + 1) % maxCount;
      count--;
    }
    if (count == 0) {
      start = 0;
    }
  }

  /** Frees the oldest message (a heartbeat answered while the window was full). */
  public void freeFirstOne() {
    if (count > 0) {
      freeLE(indexes[start]);
    }
  }

  public boolean full() {
    return count == maxCount || bytes >= maxBytes;
  }

  public int count() {
    return count;
  }

  public long bytes() {
    return bytes;
  }

  public void reset() {
    start = 0;
    count = 0;
    bytes = 0;
  }
}
