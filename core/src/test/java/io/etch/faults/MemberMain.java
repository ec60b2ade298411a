package io.etch.faults;

import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.kv.TxnResponse;
import io.etch.lincheck.EtcdKvModel;
import io.etch.op.Op;
import io.etch.options.PutOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One member of the multi-process test ({@link MultiProcessKillTest}) in its own JVM: an {@link
 * EtcdNode} on the real disk plus two register clients against it, each recording its history to a
 * {@link HistoryFile}. Arguments:
 *
 * <pre>
 * name dataDir initialCluster(name=host:port,...) historyFile doneFile seed processBase
 * </pre>
 *
 * Its stdin drives it: {@code stop} stops the clients, reads every key once more (linearizably,
 * recorded: a lost acknowledged write shows up there) and creates {@code doneFile}; {@code exit}
 * (or the end of stdin) closes the node and exits. The parent may SIGKILL it at any moment.
 */
public final class MemberMain {
  private static final int CLIENTS = 2;

  private MemberMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    Path dataDir = Path.of(args[1]);
    Map<String, PeerAddress> cluster = new LinkedHashMap<>();
    for (String member : args[2].split(",")) {
      String[] kv = member.split("=");
      cluster.put(kv[0], PeerAddress.parse(kv[1]));
    }
    Path historyFile = Path.of(args[3]);
    Path doneFile = Path.of(args[4]);
    long seed = Long.parseLong(args[5]);
    int processBase = Integer.parseInt(args[6]);

    EtcdNode node =
        EtcdNode.builder()
            .memberName(name)
            .clusterToken("etch-multiprocess")
            .dataDir(dataDir)
            .peerListen(cluster.get(name))
            .initialCluster(cluster)
            .heartbeatInterval(Duration.ofMillis(50))
            .electionTimeout(Duration.ofMillis(500))
            .requestTimeout(Duration.ofSeconds(2))
            .snapshotCount(2000)
            .build();
    node.start()
        .whenComplete(
            (started, error) -> {
              if (error != null) {
                System.err.println("member " + name + " could not start: " + error);
                System.exit(3);
              }
            });
    try (HistoryFile history = new HistoryFile(historyFile)) {
      AtomicLong opIds = new AtomicLong();
      List<Client> clients = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      SplittableRandom seeds = new SplittableRandom(seed);
      for (int c = 0; c < CLIENTS; c++) {
        Client client =
            new Client(node, history, opIds, seeds.split(), processBase + c * 1000, name + "." + c);
        clients.add(client);
        Thread t = new Thread(client, "mp-client-" + c);
        threads.add(t);
        t.start();
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("stop")) {
        // wait for the parent
      }
      clients.forEach(c -> c.stop = true);
      for (Thread t : threads) {
        t.join();
      }
      finalReads(node, history, opIds, processBase + 999);
      Files.writeString(doneFile, "done\n");
      while ((line = in.readLine()) != null && !line.equals("exit")) {
        // wait for every member to finish its final reads
      }
    }
    node.close();
    System.exit(0);
  }

  private static void finalReads(EtcdNode node, HistoryFile history, AtomicLong opIds, int process)
      throws IOException {
    for (int k = 0; k < Workload.KEYS; k++) {
      String key = Workload.key(k);
      for (int attempt = 0; attempt < 30; attempt++) {
        long id = opIds.incrementAndGet();
        long callNs = System.nanoTime();
        history.call(process, id, callNs, EtcdKvModel.Op.get(key));
        try {
          GetResponse g = node.kv().get(Workload.bs(key)).get(3, TimeUnit.SECONDS);
          KeyValue kv = g.kvs().isEmpty() ? null : g.kvs().get(0);
          history.ret(
              id,
              System.nanoTime(),
              true,
              kv == null ? null : kv.value().toString(),
              kv == null ? 0 : kv.modRevision());
          break;
        } catch (Exception e) {
          // a failed read is dropped by the checker (outcome unknown); try again
          System.err.println("final read of " + key + " failed: " + e);
        }
      }
    }
  }

  private static final class Client implements Runnable {
    final EtcdNode node;
    final HistoryFile history;
    final AtomicLong opIds;
    final SplittableRandom random;
    final String valuePrefix;
    final Map<String, String> lastSeen = new HashMap<>();
    int process;
    long counter;
    volatile boolean stop;

    Client(
        EtcdNode node,
        HistoryFile history,
        AtomicLong opIds,
        SplittableRandom random,
        int process,
        String valuePrefix) {
      this.node = node;
      this.history = history;
      this.opIds = opIds;
      this.random = random;
      this.process = process;
      this.valuePrefix = valuePrefix;
    }

    @Override
    public void run() {
      while (!stop) {
        String key = Workload.key(random.nextInt(Workload.KEYS));
        double r = random.nextDouble();
        long id = opIds.incrementAndGet();
        String v = valuePrefix + "." + (counter++);
        try {
          if (r < 0.4) {
            history.call(process, id, System.nanoTime(), EtcdKvModel.Op.get(key));
            GetResponse g = node.kv().get(Workload.bs(key)).get(3, TimeUnit.SECONDS);
            KeyValue kv = g.kvs().isEmpty() ? null : g.kvs().get(0);
            String value = kv == null ? null : kv.value().toString();
            remember(key, value);
            history.ret(id, System.nanoTime(), true, value, kv == null ? 0 : kv.modRevision());
          } else if (r < 0.7) {
            history.call(process, id, System.nanoTime(), EtcdKvModel.Op.put(key, v));
            long rev =
                node.kv()
                    .put(Workload.bs(key), Workload.bs(v))
                    .get(3, TimeUnit.SECONDS)
                    .header()
                    .revision();
            remember(key, v);
            history.ret(id, System.nanoTime(), true, null, rev);
          } else if (r < 0.95) {
            String expected = lastSeen.get(key);
            history.call(process, id, System.nanoTime(), EtcdKvModel.Op.cas(key, expected, v));
            TxnResponse t =
                node.kv()
                    .txn()
                    .If(Workload.compare(key, expected))
                    .Then(Op.put(Workload.bs(key), Workload.bs(v), PutOption.DEFAULT))
                    .commit()
                    .get(3, TimeUnit.SECONDS);
            if (t.succeeded()) {
              remember(key, v);
            } else {
              lastSeen.remove(key);
            }
            history.ret(id, System.nanoTime(), t.succeeded(), null, t.header().revision());
          } else {
            history.call(process, id, System.nanoTime(), EtcdKvModel.Op.delete(key));
            var d = node.kv().delete(Workload.bs(key)).get(3, TimeUnit.SECONDS);
            lastSeen.remove(key);
            history.ret(
                id, System.nanoTime(), true, null, d.deleted() > 0 ? d.header().revision() : 0);
          }
        } catch (Exception e) {
          // unknown outcome: no return line; continue as a new process
          process += 1;
        }
      }
    }

    private void remember(String key, String value) {
      if (value == null) {
        lastSeen.remove(key);
      } else {
        lastSeen.put(key, value);
      }
    }
  }
}
