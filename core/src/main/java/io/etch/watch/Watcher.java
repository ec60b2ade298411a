package io.etch.watch;

/** A running watch. */
public interface Watcher extends AutoCloseable {
  /** The watch's id, unique on its member. */
  long watchId();

  /**
   * Asks for a progress notification as soon as possible: a response with no events whose header
   * revision R promises every event up to R was delivered (etcd's WatchProgressRequest).
   */
  void requestProgress();

  /** Cancels the watch; the listener's last call is {@code onCompleted()}. Idempotent. */
  @Override
  void close();
}
