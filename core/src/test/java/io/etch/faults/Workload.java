package io.etch.faults;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.MemberRemovedException;
import io.etch.kv.DeleteResponse;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.kv.OpResponse;
import io.etch.kv.PutResponse;
import io.etch.kv.TxnResponse;
import io.etch.lincheck.EtcdKvModel;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Register clients over at most 10 keys: linearizable gets, puts, compare-and-set (a transaction
 * comparing the value, or version 0 for "absent"), deletes, multi-key transactions within a pair of
 * keys (compare one value, then write both or read both), and read-only two-key transactions. Every
 * value written is unique ({@code c<client>.<n>}), so a value seen anywhere names the one operation
 * that wrote it.
 *
 * <p>Each client is one thread issuing one operation at a time against "its" member, moving to the
 * next running member when that one is down or was removed from the membership. An operation that
 * times out or fails is recorded with an unknown outcome (a write may still apply later), and the
 * client continues under a new process id. All choices come from a {@link SplittableRandom} split
 * from the run's seed.
 */
final class Workload {
  static final int KEYS = 10;
  static final String PREFIX = "k";
  static final long CLIENT_TIMEOUT_MS = 3_000;

  private final FaultCluster cluster;
  private final int clients;
  private final SplittableRandom seeds;
  private final ConcurrentLinkedQueue<Recorded> history = new ConcurrentLinkedQueue<>();

  /**
   * Members that answered {@link MemberRemovedException}: out of the membership (ids are never
   * reused), though the harness may not have retired them yet; clients leave them at once.
   */
  private final Set<String> saidRemoved = ConcurrentHashMap.newKeySet();

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stop;

  Workload(FaultCluster cluster, int clients, long seed) {
    this.cluster = cluster;
    this.clients = clients;
    this.seeds = new SplittableRandom(seed);
  }

  static String key(int i) {
    return PREFIX + i;
  }

  void start() {
    for (int c = 0; c < clients; c++) {
      Client client = new Client(c, seeds.split());
      Thread t = new Thread(client, "fault-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops the clients and waits for each one's current operation to end (bounded by timeouts). */
  void stop() {
    stop = true;
    for (Thread t : threads) {
      try {
        t.join(CLIENT_TIMEOUT_MS * 3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  List<Recorded> history() {
    return List.copyOf(history);
  }

  private final class Client implements Runnable {
    final int id;
    final SplittableRandom random;
    final Map<String, String> lastSeen = new HashMap<>();
    final Map<String, Long> lastSeenRevision = new HashMap<>();
    int process;
    int processes;
    long counter;

    Client(int id, SplittableRandom random) {
      this.id = id;
      this.random = random;
      this.process = id;
    }

    @Override
    public void run() {
      while (!stop) {
        String member = pickMember();
        EtcdNode node = member == null ? null : cluster.node(member);
        if (node == null) {
          try {
            cluster.awaitAnyUp(100);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        Recorded r = once(member, node);
        if (r != null) {
          history.add(r);
          if (r.isUnknown()) {
            processes++;
            process = id + clients * processes;
          }
        }
      }
    }

    /**
     * The client's member among the current ones (its index modulo their number, so clients spread
     * over members that joined and move off removed ones), or the next running one.
     */
    private String pickMember() {
      List<String> names = cluster.names();
      for (int i = 0; i < names.size(); i++) {
        String m = names.get((id + i) % names.size());
        if (cluster.isUp(m) && !saidRemoved.contains(m)) {
          return m;
        }
      }
      return null;
    }

    private String nextValue() {
      return "c" + id + "." + (counter++);
    }

    private Recorded once(String member, EtcdNode node) {
      int k = random.nextInt(KEYS);
      String key = key(k);
      double r = random.nextDouble();
      if (r < 0.35) {
        return call(
            member,
            EtcdKvModel.Op.get(key),
            List.of(),
            () -> node.kv().get(bs(key), GetOption.DEFAULT),
            (GetResponse g) -> {
              KeyValue kv = g.kvs().isEmpty() ? null : g.kvs().get(0);
              remember(key, kv == null ? null : kv.value().toString());
              if (kv != null) {
                lastSeenRevision.put(key, kv.modRevision());
              }
              return EtcdKvModel.Result.got(
                  kv == null ? null : kv.value().toString(), kv == null ? 0 : kv.modRevision());
            });
      }
      if (r < 0.58) {
        String v = nextValue();
        return call(
            member,
            EtcdKvModel.Op.put(key, v),
            List.of(new Recorded.Write(key, v)),
            () -> node.kv().put(bs(key), bs(v), PutOption.DEFAULT),
            (PutResponse p) -> {
              remember(key, v);
              lastSeenRevision.put(key, p.header().revision());
              return EtcdKvModel.Result.written(p.header().revision());
            });
      }
      if (r < 0.78) {
        String expected = lastSeen.get(key);
        String v = nextValue();
        // values and revisions are unique, so "mod revision is r" means "value is the one written
        // at r": the model's value CAS describes both kinds of compare
        Long revision = lastSeenRevision.get(key);
        Cmp cmp =
            expected != null && revision != null && random.nextBoolean()
                ? new Cmp(bs(key), Cmp.Result.EQUAL, CmpTarget.modRevision(revision))
                : compare(key, expected);
        return call(
            member,
            EtcdKvModel.Op.cas(key, expected, v),
            List.of(new Recorded.Write(key, v)),
            () -> node.kv().txn().If(cmp).Then(Op.put(bs(key), bs(v), PutOption.DEFAULT)).commit(),
            (TxnResponse t) -> {
              if (t.succeeded()) {
                remember(key, v);
                lastSeenRevision.put(key, t.header().revision());
              } else {
                lastSeen.remove(key);
              }
              return EtcdKvModel.Result.casResult(
                  t.succeeded(), t.succeeded() ? t.header().revision() : 0);
            });
      }
      int pair = (k / 2) * 2;
      String a = key(pair);
      String b = key(pair + 1);
      if (r < 0.88) {
        String expected = lastSeen.get(a);
        String va = nextValue();
        String vb = nextValue();
        EtcdKvModel.Op op =
            EtcdKvModel.Op.txn(
                List.of(new EtcdKvModel.Compare(a, expected)),
                List.of(EtcdKvModel.Op.put(a, va), EtcdKvModel.Op.put(b, vb)),
                List.of(EtcdKvModel.Op.get(a), EtcdKvModel.Op.get(b)));
        return call(
            member,
            op,
            List.of(new Recorded.Write(a, va), new Recorded.Write(b, vb)),
            () ->
                node.kv()
                    .txn()
                    .If(compare(a, expected))
                    .Then(
                        Op.put(bs(a), bs(va), PutOption.DEFAULT),
                        Op.put(bs(b), bs(vb), PutOption.DEFAULT))
                    .Else(Op.get(bs(a), GetOption.DEFAULT), Op.get(bs(b), GetOption.DEFAULT))
                    .commit(),
            (TxnResponse t) -> {
              if (t.succeeded()) {
                remember(a, va);
                remember(b, vb);
                return EtcdKvModel.Result.txnResult(true, List.of(), t.header().revision());
              }
              List<EtcdKvModel.Read> reads = reads(t);
              remember(a, reads.get(0).value());
              return EtcdKvModel.Result.txnResult(false, reads, 0);
            });
      }
      if (r < 0.95) {
        EtcdKvModel.Op op =
            EtcdKvModel.Op.txn(
                List.of(), List.of(EtcdKvModel.Op.get(a), EtcdKvModel.Op.get(b)), List.of());
        return call(
            member,
            op,
            List.of(),
            () ->
                node.kv()
                    .txn()
                    .Then(Op.get(bs(a), GetOption.DEFAULT), Op.get(bs(b), GetOption.DEFAULT))
                    .commit(),
            (TxnResponse t) -> EtcdKvModel.Result.txnResult(true, reads(t), 0));
      }
      return call(
          member,
          EtcdKvModel.Op.delete(key),
          List.of(new Recorded.Write(key, null)),
          () -> node.kv().delete(bs(key), DeleteOption.DEFAULT),
          (DeleteResponse d) -> {
            lastSeen.remove(key);
            return EtcdKvModel.Result.written(d.deleted() > 0 ? d.header().revision() : 0);
          });
    }

    private void remember(String key, String value) {
      lastSeenRevision.remove(key);
      if (value == null) {
        lastSeen.remove(key);
      } else {
        lastSeen.put(key, value);
      }
    }

    private <R extends OpResponse> Recorded call(
        String member,
        EtcdKvModel.Op op,
        List<Recorded.Write> writes,
        java.util.function.Supplier<CompletableFuture<R>> request,
        Function<R, EtcdKvModel.Result> toResult) {
      long callNs = System.nanoTime();
      R response;
      try {
        response = request.get().get(CLIENT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Recorded(process, member, op, null, callNs, 0, writes, 0);
      } catch (ExecutionException e) {
        // member closed, no leader, removed...: the write may or may not apply
        if (e.getCause() instanceof MemberRemovedException) {
          saidRemoved.add(member);
        }
        return new Recorded(process, member, op, null, callNs, 0, writes, 0);
      } catch (Exception e) {
        // timeout: the write may or may not apply
        return new Recorded(process, member, op, null, callNs, 0, writes, 0);
      }
      long returnNs = System.nanoTime();
      EtcdKvModel.Result result = toResult.apply(response);
      return new Recorded(
          process, member, op, result, callNs, returnNs, writes, headerRevision(response));
    }
  }

  private static long headerRevision(OpResponse response) {
    return response.header().revision();
  }

  static Cmp compare(String key, String expected) {
    return expected == null
        ? new Cmp(bs(key), Cmp.Result.EQUAL, CmpTarget.version(0))
        : new Cmp(bs(key), Cmp.Result.EQUAL, CmpTarget.value(bs(expected)));
  }

  static List<EtcdKvModel.Read> reads(TxnResponse t) {
    List<EtcdKvModel.Read> reads = new ArrayList<>();
    for (GetResponse g : t.getResponses()) {
      KeyValue kv = g.kvs().isEmpty() ? null : g.kvs().get(0);
      reads.add(
          new EtcdKvModel.Read(
              kv == null ? null : kv.value().toString(), kv == null ? 0 : kv.modRevision()));
    }
    return reads;
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }
}
