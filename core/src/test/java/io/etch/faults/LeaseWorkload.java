package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.lease.LeaseGrantResponse;
import io.etch.lease.LeaseKeepAliveResponse;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Lease clients during a fault run: grant a lease, put a key ({@code k/lease/<id>}) attached to it,
 * keep it alive a few times, then let it lapse. A lease may expire late (a new leader renews every
 * lease it inherits) but never early: its key must not be seen deleted before the call time of the
 * last acknowledged renewal (or of the grant) plus the granted TTL. Deletions are seen by a watcher
 * on {@code k/lease/} on every member, timed when the event arrives — an upper bound of the expiry,
 * so an arrival before the lower bound is a certain violation.
 */
final class LeaseWorkload {
  static final String PREFIX = "k/lease/";

  /** One lease as the client knows it. */
  static final class Tracked {
    final long leaseId;
    final long ttlNs;
    volatile long renewedCallNs;
    volatile boolean keyPut;

    Tracked(long leaseId, long ttlNs, long renewedCallNs) {
      this.leaseId = leaseId;
      this.ttlNs = ttlNs;
      this.renewedCallNs = renewedCallNs;
    }
  }

  private final FaultCluster cluster;
  private final SplittableRandom random;
  private final Map<String, Tracked> leases = new ConcurrentHashMap<>();
  private final Map<String, Long> firstDeleteSeenNs = new ConcurrentHashMap<>();
  private final Map<String, Watcher> watchers = new ConcurrentHashMap<>();
  private final Map<String, EtcdNode> watching = new ConcurrentHashMap<>();
  private Thread thread;
  private volatile boolean stop;
  private int granted;
  private int renewals;

  LeaseWorkload(FaultCluster cluster, long seed) {
    this.cluster = cluster;
    this.random = new SplittableRandom(seed);
  }

  /** Watches {@code k/lease/} on every running member not yet watched (after restarts too). */
  void attach() {
    List<String> current = cluster.names();
    for (String m : List.copyOf(watchers.keySet())) {
      if (!current.contains(m)) {
        // removed from the membership: its watch is over; let go of its instance
        watchers.remove(m).close();
        watching.remove(m);
      }
    }
    for (String m : current) {
      EtcdNode n = cluster.node(m);
      if (n == null || watching.get(m) == n) {
        continue;
      }
      try {
        Watcher w =
            n.watch()
                .watch(
                    Workload.bs(PREFIX),
                    WatchOption.builder().isPrefix(true).build(),
                    new Watch.Listener() {
                      @Override
                      public void onNext(WatchResponse response) {
                        long now = System.nanoTime();
                        for (WatchEvent e : response.events()) {
                          if (e.type() == WatchEvent.EventType.DELETE) {
                            firstDeleteSeenNs.merge(e.kv().key().toString(), now, Math::min);
                          }
                        }
                      }

                      @Override
                      public void onError(Throwable error) {
                        watching.remove(m, n);
                      }

                      @Override
                      public void onCompleted() {
                        watching.remove(m, n);
                      }
                    });
        watching.put(m, n);
        watchers.put(m, w);
      } catch (RuntimeException e) {
        // the member is closing; the next attach retries
      }
    }
  }

  void start() {
    thread = new Thread(this::run, "fault-lease-client");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    stop = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (!stop) {
      List<String> names = cluster.names();
      String m = names.get(random.nextInt(names.size()));
      EtcdNode n = cluster.node(m);
      if (n == null) {
        pause(100);
        continue;
      }
      try {
        long callNs = System.nanoTime();
        LeaseGrantResponse g = n.lease().grant(2).get(3, TimeUnit.SECONDS);
        String key = PREFIX + Long.toHexString(g.leaseId());
        Tracked t = new Tracked(g.leaseId(), TimeUnit.SECONDS.toNanos(g.ttlSeconds()), callNs);
        leases.put(key, t);
        granted++;
        n.kv()
            .put(
                Workload.bs(key),
                Workload.bs("v"),
                PutOption.builder().withLeaseId(g.leaseId()).build())
            .get(3, TimeUnit.SECONDS);
        t.keyPut = true;
        int renew = random.nextInt(4);
        for (int i = 0; i < renew && !stop; i++) {
          pause(300 + random.nextInt(400));
          long renewCallNs = System.nanoTime();
          LeaseKeepAliveResponse r = n.lease().keepAliveOnce(g.leaseId()).get(3, TimeUnit.SECONDS);
          if (r.ttlSeconds() > 0) {
            t.renewedCallNs = renewCallNs;
            renewals++;
          }
        }
      } catch (Exception e) {
        // timeouts, member closed, lease lost: the lower bounds kept so far stay valid
      }
    }
  }

  private static void pause(long ms) {
    await().pollDelay(Duration.ofMillis(ms)).atMost(Duration.ofSeconds(60)).until(() -> true);
  }

  int granted() {
    return granted;
  }

  int renewals() {
    return renewals;
  }

  int expiriesSeen() {
    return firstDeleteSeenNs.size();
  }

  /** Leases whose key was seen deleted before its earliest possible expiry. */
  List<String> earlyExpiries() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : firstDeleteSeenNs.entrySet()) {
      Tracked t = leases.get(e.getKey());
      if (t == null || !t.keyPut) {
        continue;
      }
      long earliest = t.renewedCallNs + t.ttlNs;
      if (e.getValue() < earliest) {
        out.add(
            "lease "
                + Long.toHexString(t.leaseId)
                + " expired early: its key was seen deleted "
                + TimeUnit.NANOSECONDS.toMillis(earliest - e.getValue())
                + " ms before the TTL of "
                + TimeUnit.NANOSECONDS.toMillis(t.ttlNs)
                + " ms after its last acknowledged renewal had elapsed");
      }
    }
    return out;
  }

  void close() {
    watchers.values().forEach(Watcher::close);
  }
}
