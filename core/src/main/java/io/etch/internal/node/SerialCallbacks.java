package io.etch.internal.node;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on the callback executor one at a time, in submission order (one listener's
 * callbacks). A task that throws is logged and the next one runs.
 */
final class SerialCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(SerialCallbacks.class);
  private final Executor executor;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialCallbacks(Executor executor) {
    this.executor = executor;
  }

  void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
      CallbackTasks.submit(executor, this::drain);
    }
  }

  private void drain() {
    try {
      for (Runnable r; (r = tasks.poll()) != null; ) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("a keep-alive listener threw", e);
        }
      }
    } finally {
      scheduled.set(false);
      schedule();
    }
  }
}
