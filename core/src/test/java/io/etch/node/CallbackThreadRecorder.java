package io.etch.node;

import io.etch.internal.watch.Recorder;
import io.etch.watch.WatchResponse;

/**
 * A {@link Recorder} (which already fails on two calls at once or a call after the end) that also
 * fails when a listener call runs on a thread whose name does not start with {@code threadPrefix}:
 * listeners must run on the user's callback executor, never on a node thread.
 */
class CallbackThreadRecorder extends Recorder {
  private final String threadPrefix;
  private volatile String wrongThread;

  CallbackThreadRecorder(String threadPrefix) {
    this.threadPrefix = threadPrefix;
  }

  private void checkThread() {
    String name = Thread.currentThread().getName();
    if (!name.startsWith(threadPrefix)) {
      wrongThread = name;
    }
  }

  @Override
  public void onNext(WatchResponse response) {
    checkThread();
    super.onNext(response);
  }

  @Override
  public void onError(Throwable t) {
    checkThread();
    super.onError(t);
  }

  @Override
  public void onCompleted() {
    checkThread();
    super.onCompleted();
  }

  @Override
  public void assertSane() {
    super.assertSane();
    if (wrongThread != null) {
      throw new AssertionError(
          "a listener call ran on thread " + wrongThread + ", not on " + threadPrefix + "*");
    }
  }
}
