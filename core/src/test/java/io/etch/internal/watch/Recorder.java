package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.fail;

import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listener that records everything and fails on two concurrent calls or any call after the end.
 */
public class Recorder implements Watch.Listener {
  private final List<WatchResponse> responses = new ArrayList<>();
  private final AtomicBoolean inCall = new AtomicBoolean();
  private volatile boolean completed;
  private volatile Throwable error;
  private volatile String violation;

  private void enter() {
    if (!inCall.compareAndSet(false, true)) {
      violation = "two listener calls at once";
    }
    if (completed || error != null) {
      violation = "listener called after the end of the watch";
    }
  }

  private void exit() {
    inCall.set(false);
  }

  @Override
  public void onNext(WatchResponse response) {
    enter();
    synchronized (this) {
      responses.add(response);
    }
    beforeExit(response);
    exit();
  }

  /** Hook for slow listeners (runs inside the call). */
  void beforeExit(WatchResponse response) {}

  @Override
  public void onError(Throwable t) {
    enter();
    error = t;
    exit();
  }

  @Override
  public void onCompleted() {
    enter();
    completed = true;
    exit();
  }

  public synchronized List<WatchResponse> responses() {
    return new ArrayList<>(responses);
  }

  public synchronized List<WatchEvent> events() {
    List<WatchEvent> out = new ArrayList<>();
    for (WatchResponse r : responses) {
      out.addAll(r.events());
    }
    return out;
  }

  /** The last event revision delivered, 0 if none. */
  public synchronized long lastEventRevision() {
    long last = 0;
    for (WatchResponse r : responses) {
      for (WatchEvent e : r.events()) {
        last = e.kv().modRevision();
      }
    }
    return last;
  }

  /** The latest progress bookmark, 0 if none. */
  public synchronized long lastProgress() {
    long last = 0;
    for (WatchResponse r : responses) {
      if (r.kind() == WatchResponse.Kind.PROGRESS) {
        last = r.header().revision();
      }
    }
    return last;
  }

  public boolean completed() {
    return completed;
  }

  public Throwable error() {
    return error;
  }

  public boolean ended() {
    return completed || error != null;
  }

  public void assertSane() {
    if (violation != null) {
      fail(violation);
    }
  }
}
