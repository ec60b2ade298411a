package io.etch.examples;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.recipes.Lock;
import io.etch.recipes.LockOwnership;
import io.etch.recipes.Session;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A distributed lock with fencing tokens.
 *
 * <p>Two workers on two different members take turns on one lock. Each holder gets a fencing token
 * (the create revision of its lock key) that grows with every new holder; the guarded resource —
 * here a tiny "storage" — remembers the highest token it has accepted and refuses a lower one. That
 * protects it from a holder that was paused (GC, a frozen VM) past its session's TTL and wakes up
 * after the lock has moved on.
 */
public final class LockExample {
  private LockExample() {}

  /** A resource that only accepts writes with a token at least as high as any it has seen. */
  static final class FencedStorage {
    private long highestToken;

    synchronized boolean write(long token, String data, PrintStream out) {
      if (token < highestToken) {
        out.println("    storage REFUSES '" + data + "': token " + token + " < " + highestToken);
        return false;
      }
      highestToken = token;
      out.println("    storage accepts '" + data + "' with token " + token);
      return true;
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = LocalCluster.tempDir("etch-lock");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir, "a", "b", "c")) {
      EtcdNode memberA = cluster.node(0);
      EtcdNode memberB = cluster.node(1);
      FencedStorage storage = new FencedStorage();

      // One session per worker: its lease is what keeps the worker's lock alive.
      try (Session workerA = Session.builder(memberA).ttlSeconds(5).open().join();
          Session workerB = Session.builder(memberB).ttlSeconds(5).open().join()) {

        LockOwnership first = Lock.on(workerA).lock("jobs/nightly-report").join();
        out.println("  worker A holds " + first.key() + ", fencing token " + first.fencingToken());
        storage.write(first.fencingToken(), "report part 1 (A)", out);

        // B asks for the same lock; tryLock fails at once, lock() waits in line.
        Lock.on(workerB)
            .tryLock("jobs/nightly-report")
            .exceptionally(
                e -> {
                  out.println("  worker B tryLock: " + e.getCause().getMessage());
                  return null;
                })
            .join();
        var waiting = Lock.on(workerB).lock("jobs/nightly-report");

        // A releases; B, waiting on another member, gets the lock with a higher token.
        first.unlock().join();
        LockOwnership second = waiting.join();
        out.println(
            "  worker B holds " + second.key() + ", fencing token " + second.fencingToken());
        storage.write(second.fencingToken(), "report part 2 (B)", out);

        // A stale holder (say A, woken up from a long GC pause) is refused by the storage.
        storage.write(first.fencingToken(), "late write from A", out);

        // Writes into Etch itself can be fenced with a transaction compare.
        boolean guarded =
            memberB
                .kv()
                .txn()
                .If(second.isOwner())
                .Then(
                    io.etch.op.Op.put(
                        ByteSequence.from("reports/nightly"),
                        ByteSequence.from("done by B"),
                        io.etch.options.PutOption.DEFAULT))
                .commit()
                .join()
                .succeeded();
        out.println("  guarded write while holding the lock: " + (guarded ? "applied" : "refused"));
        second.unlock().join();
      }
      out.println("Lock example done.");
    }
  }
}
