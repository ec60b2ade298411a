package io.etch.internal.node;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Queues tasks and runs them only when told, so a test sees how many were submitted, and when. */
final class StepExecutor implements Executor {
  final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  @Override
  public void execute(Runnable command) {
    tasks.add(command);
  }

  void runAll() {
    for (Runnable r; (r = tasks.poll()) != null; ) {
      r.run();
    }
  }
}
