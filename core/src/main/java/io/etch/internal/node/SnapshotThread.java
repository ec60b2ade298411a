package io.etch.internal.node;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's snapshot writer thread ({@code etch-snap-<member>}): runs one task at a time, so a
 * snapshot file is streamed and synced off the raft owner thread. Created, started and closed by
 * the node; no pool.
 *
 * <p>Capacity one: {@link #submit} refuses a task while another waits. {@link #close} lets the
 * running task finish (a snapshot stopped half-way would only leave a temporary file), skips one
 * not yet started, and joins the thread.
 */
final class SnapshotThread implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotThread.class);
  private static final Runnable STOP = () -> {};

  private final String name;
  private final Thread thread;
  // room for one task plus the STOP that close() adds
  private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(2);
  private volatile boolean closing;

  SnapshotThread(String memberName) {
    this.name = "etch-snap-" + memberName;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** One producer (the owner thread): false when closing or a task is already waiting. */
  boolean submit(Runnable task) {
    return !closing && tasks.isEmpty() && tasks.offer(task);
  }

  /** Whether {@link #close} was called: a task waiting on the owner thread should give up. */
  boolean closing() {
    return closing;
  }

  private void run() {
    try {
      for (Runnable task = tasks.take(); task != STOP; task = tasks.take()) {
        if (closing) {
          continue; // not started before close: skip it
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.error("{}: snapshot task failed", name, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the running task, if any; idempotent. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    tasks.offer(STOP);
    if (thread.isAlive()) {
      try {
        thread.join(TimeUnit.MINUTES.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("{} still writing a snapshot one minute after close", name);
      }
    }
  }
}
