package io.etch.internal.node;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Hands answers to the callback executor without ever losing one. */
final class CallbackTasks {
  private CallbackTasks() {}

  /**
   * Runs {@code task} on {@code executor}, or here when the executor refuses it: it is shutting
   * down with the node, and the futures the task completes must still complete rather than hang.
   */
  static void submit(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }
}
