package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.EtcdNode;
import io.etch.KeyRange;
import io.etch.NodeClosedException;
import io.etch.internal.watch.Recorder;
import io.etch.internal.watch.WatchModel;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.storage.mvcc.Compare;
import io.etch.storage.mvcc.CompareResult;
import io.etch.storage.mvcc.DeleteRangeRequest;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RequestOp;
import io.etch.storage.mvcc.TxnRequest;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * etcd's watch guarantees through a 3-member cluster (real Netty, WALs) under a seeded random
 * workload, while a follower is restarted and the leader is closed and restarted.
 *
 * <h2>Workload</h2>
 *
 * Transactions of one to four puts and single-key deletes over {@code k0..k15} and {@code j0..j4},
 * range deletes of {@code j*}, some guarded by a version compare (then or else branch), sent with
 * up to eight in flight to random live members; compactions at random revisions; watches on every
 * member (prefixes, ranges, from-key, single keys, filters, prevKv, progress notify) from now, from
 * old revisions and from future ones; watches closed and resumed, from the last revision seen + 1,
 * on a random live member; requested progress. A follower is closed for long enough that it comes
 * back needing the leader's snapshot ({@code snapshotCount} 20), and its watches are resumed on it
 * right after its restart, so some are registered before the install; then the leader is closed and
 * restarted the same way. A watch whose member closes ends with {@link NodeClosedException} and is
 * resumed from its last revision + 1.
 *
 * <h2>The committed history, independently of any watch</h2>
 *
 * Every transaction also puts a marker key {@code ~log/<id>} (in both branches), so every write
 * makes exactly one revision and the marker's mod revision says which write it was — whether its
 * caller saw it succeed, time out or fail with the member closing. At the end the markers are read
 * and the writes replayed, in revision order, on a local MVCC store: its events are the history
 * every watch is checked against (ordered, unique, gap-free, atomic per revision, bookmarks true,
 * resumed segments chaining to exactly the history, compaction errors with the right revisions).
 */
class WatchNodeGuaranteesTest {
  private static final Long FIXED_SEED = Long.getLong("etch.seed");
  private static final long BASE_SEED = 0x9A7C_4E11L;
  private static final int STEPS = Integer.getInteger("etch.watchNodeSteps", 260);
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=WatchNodeGuaranteesTest -Detch.seed=";
  private static final String USER_THREAD = "user-cb-";
  private static final String LOG = "~log/";
  private static final int MAX_IN_FLIGHT = 8;

  static ConditionFactory await() {
    return Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(60));
  }

  @Test
  void randomWorkloadWithRestartsAndLeaderChangesKeepsEveryGuarantee() throws Exception {
    run(FIXED_SEED != null ? FIXED_SEED : BASE_SEED);
  }

  /** More seeds (run with {@code -Psoak}). */
  @Test
  @Tag("soak")
  void manySeeds() throws Exception {
    long base = Long.getLong("etch.soakSeed", 0x50A4_1000L);
    for (int i = 0; i < 20; i++) {
      run(base + i);
    }
  }

  private static void run(long seed) throws Exception {
    System.out.println("WatchNodeGuaranteesTest seed " + seed + "; replay: " + REPLAY + seed);
    Path dir = Files.createTempDirectory("watch-node-" + seed);
    try {
      new Run(seed, dir).execute();
    } catch (Throwable t) {
      throw new AssertionError("seed " + seed + " failed; replay: " + REPLAY + seed, t);
    }
  }

  // ------------------------------------------------------------------------------ the workload

  private enum Kind {
    PUT,
    DELETE,
    DELETE_J
  }

  private record UserOp(Kind kind, String key) {}

  /** One write: its user ops, an optional guard ({@code version(guard) > 0}) and its marker. */
  private record Write(long id, List<UserOp> ops, String guard) {
    String marker() {
      return LOG + id;
    }

    String value() {
      return "v" + id;
    }

    Op.TxnOp toOp() {
      List<Op> then = new ArrayList<>();
      for (UserOp u : ops) {
        then.add(
            switch (u.kind()) {
              case PUT -> Op.put(bs(u.key()), bs(value()), PutOption.DEFAULT);
              case DELETE -> Op.delete(bs(u.key()), DeleteOption.DEFAULT);
              case DELETE_J -> Op.delete(bs("j"), DeleteOption.builder().isPrefix(true).build());
            });
      }
      Op marker = Op.put(bs(marker()), bs(""), PutOption.DEFAULT);
      then.add(marker);
      Cmp[] cmps =
          guard == null
              ? new Cmp[0]
              : new Cmp[] {new Cmp(bs(guard), Cmp.Result.GREATER, CmpTarget.version(0))};
      return Op.txn(cmps, then.toArray(Op[]::new), new Op[] {marker});
    }

    TxnRequest toRequest() {
      List<RequestOp> then = new ArrayList<>();
      for (UserOp u : ops) {
        then.add(
            switch (u.kind()) {
              case PUT -> PutRequest.of(b(u.key()), b(value()));
              case DELETE -> DeleteRangeRequest.key(b(u.key()));
              case DELETE_J -> DeleteRangeRequest.range(b("j"), b("k"));
            });
      }
      RequestOp marker = PutRequest.of(b(marker()), new byte[0]);
      then.add(marker);
      List<Compare> cmps =
          guard == null ? List.of() : List.of(Compare.version(b(guard), CompareResult.GREATER, 0));
      return new TxnRequest(cmps, then, List.of(marker));
    }
  }

  /** One logical watch: segments, each resumed from the last revision seen + 1. */
  private static final class Logical {
    final ByteSequence key;
    final WatchOption base;
    final KeyRange range;
    final List<Recorder> segments = new ArrayList<>();
    final List<Long> starts = new ArrayList<>();
    final List<String> members = new ArrayList<>();
    Watcher current;

    Logical(ByteSequence key, WatchOption base) {
      this.key = key;
      this.base = base;
      this.range = base.range(key);
    }

    Recorder last() {
      return segments.get(segments.size() - 1);
    }

    String member() {
      return members.get(members.size() - 1);
    }

    /** Whether the watch is over for good (compacted), rather than ended by its member closing. */
    boolean finished() {
      Throwable e = last().error();
      return e != null && !(e instanceof NodeClosedException);
    }
  }

  private static final class Run {
    final long seed;
    final SplittableRandom rnd;
    final TestCluster cluster;
    final ExecutorService user = WatchThroughTheNodeTest.userPool();
    final Map<String, EtcdNode> live = new LinkedHashMap<>();
    final Map<Long, Write> writes = new HashMap<>();
    final List<CompletableFuture<?>> inFlight = new ArrayList<>();
    final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    final List<Logical> watches = new ArrayList<>();
    long nextId;
    long knownRevision;
    int nodeClosedSegments;
    int compactedSegments;
    int resumedAfterRestart;

    Run(long seed, Path dir) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      this.cluster =
          new TestCluster(
              dir,
              3,
              b ->
                  b.snapshotCount(20)
                      .callbackExecutor(user)
                      .progressNotifyInterval(Duration.ofMillis(200)));
    }

    void execute() throws Exception {
      try {
        cluster.start();
        for (EtcdNode n : cluster.nodes) {
          live.put(n.config().memberName(), n);
        }
        workload();
        verify();
      } finally {
        cluster.close();
        user.shutdownNow();
        user.awaitTermination(10, TimeUnit.SECONDS);
      }
    }

    // ------------------------------------------------------------------------- driving it

    void workload() {
      // one watch of everything from revision 1 on every member
      for (String name : live.keySet()) {
        Logical l =
            new Logical(bs("\0"), WatchOption.builder().withFromKey(true).withRevision(1).build());
        watches.add(l);
        start(l, name, 1);
      }
      String follower = null;
      String leader = null;
      int followerDown = STEPS / 5;
      int followerUp = followerDown + STEPS / 5;
      int leaderDown = followerUp + STEPS / 10;
      int leaderUp = leaderDown + STEPS / 5;
      for (int step = 0; step < STEPS; step++) {
        if (step == followerDown) {
          String l = leaderName();
          List<String> others = live.keySet().stream().filter(n -> !n.equals(l)).toList();
          follower = others.get(rnd.nextInt(others.size()));
          closeMember(follower);
        } else if (step == followerUp) {
          restartMember(follower);
        } else if (step == leaderDown) {
          leader = leaderName();
          closeMember(leader);
        } else if (step == leaderUp) {
          restartMember(leader);
        }
        int p = rnd.nextInt(100);
        if (p < 70) {
          write();
        } else if (p < 73) {
          compact();
        } else if (p < 81 && watches.size() < 30) {
          Logical l = new Logical(watchKey(), option());
          watches.add(l);
          start(l, randomLive(), l.base.startRevision());
        } else if (p < 86) {
          closeAndResume();
        } else if (p < 91 && !watches.isEmpty()) {
          Logical l = watches.get(rnd.nextInt(watches.size()));
          if (!l.last().ended()) {
            l.current.requestProgress();
          }
        } else {
          write();
        }
      }
    }

    void write() {
      Write w = nextWrite();
      writes.put(w.id(), w);
      permits.acquireUninterruptibly();
      EtcdNode via = live.get(randomLive());
      CompletableFuture<?> f;
      try {
        f =
            via.kv()
                .txn()
                .If(w.toOp().compares().toArray(Cmp[]::new))
                .Then(w.toOp().thenOps().toArray(Op[]::new))
                .Else(w.toOp().elseOps().toArray(Op[]::new))
                .commit()
                .whenComplete(
                    (r, e) -> {
                      if (r != null) {
                        synchronized (this) {
                          knownRevision = Math.max(knownRevision, r.header().revision());
                        }
                      }
                      permits.release();
                    });
      } catch (RuntimeException e) {
        permits.release();
        return;
      }
      inFlight.add(f);
    }

    Write nextWrite() {
      long id = ++nextId;
      if (rnd.nextInt(12) == 0) {
        return new Write(id, List.of(new UserOp(Kind.DELETE_J, "j")), null);
      }
      LinkedHashSet<String> keys = new LinkedHashSet<>();
      int n = 1 + rnd.nextInt(4);
      while (keys.size() < n) {
        keys.add(key());
      }
      List<UserOp> ops = new ArrayList<>();
      for (String k : keys) {
        ops.add(new UserOp(rnd.nextInt(4) == 0 ? Kind.DELETE : Kind.PUT, k));
      }
      return new Write(id, ops, rnd.nextInt(5) == 0 ? key() : null);
    }

    void compact() {
      long known;
      synchronized (this) {
        known = knownRevision;
      }
      if (known < 10) {
        return;
      }
      long rev = known - rnd.nextLong(Math.min(known - 1, 15));
      // a failure (already compacted there, member closing) changes nothing
      live.get(randomLive()).kv().compact(rev).exceptionally(e -> null);
    }

    void closeAndResume() {
      if (watches.isEmpty()) {
        return;
      }
      Logical l = watches.get(rnd.nextInt(watches.size()));
      Recorder r = l.last();
      if (r.ended() || !live.containsKey(l.member())) {
        return;
      }
      l.current.close();
      await().until(r::ended);
      if (r.error() != null) {
        return; // ended on its own before the close (compaction): nothing to resume
      }
      start(l, randomLive(), resumeFrom(l));
    }

    long resumeFrom(Logical l) {
      Recorder r = l.last();
      return r.lastEventRevision() > 0
          ? r.lastEventRevision() + 1
          : effectiveStart(l, l.segments.size() - 1);
    }

    void start(Logical l, String member, long from) {
      Recorder r = new CallbackThreadRecorder(USER_THREAD);
      WatchOption.Builder o =
          WatchOption.builder()
              .withRevision(from)
              .withNoPut(l.base.isNoPut())
              .withNoDelete(l.base.isNoDelete())
              .withPrevKV(l.base.isPrevKv())
              .withProgressNotify(l.base.isProgressNotify());
      if (l.base.endKey().isPresent()) {
        o.withRange(l.base.endKey().get());
      } else {
        o.isPrefix(l.base.isPrefix()).withFromKey(l.base.isFromKey());
      }
      l.segments.add(r);
      l.starts.add(from);
      l.members.add(member);
      l.current = live.get(member).watch().watch(l.key, o.build(), r);
    }

    void closeMember(String name) {
      EtcdNode n = live.remove(name);
      n.close();
      // (d) every watch on it was told: its last call was onError(NodeClosedException)
      for (Logical l : watches) {
        Recorder r = l.last();
        if (l.member().equals(name)) {
          await().until(r::ended);
          if (!l.finished()) {
            assertTrue(r.error() instanceof NodeClosedException, "closed member: " + r.error());
            nodeClosedSegments++;
          }
        }
      }
    }

    /**
     * A new instance on the member's data directory, started but not awaited: the watches it had
     * are resumed on it at once, before it has caught up (or installed the leader's snapshot).
     */
    void restartMember(String name) {
      EtcdNode n = cluster.restart(name);
      n.start();
      live.put(name, n);
      for (Logical l : watches) {
        if (l.member().equals(name) && !l.finished()) {
          start(l, name, resumeFrom(l));
          resumedAfterRestart++;
        }
      }
    }

    String leaderName() {
      List<EtcdNode> running = new ArrayList<>(live.values());
      return cluster.awaitLeader(running).config().memberName();
    }

    String randomLive() {
      List<String> names = new ArrayList<>(live.keySet());
      return names.get(rnd.nextInt(names.size()));
    }

    String key() {
      return rnd.nextInt(5) == 0 ? "j" + rnd.nextInt(5) : "k" + rnd.nextInt(16);
    }

    ByteSequence watchKey() {
      return bs(key());
    }

    WatchOption option() {
      WatchOption.Builder o = WatchOption.builder();
      switch (rnd.nextInt(6)) {
        case 0 -> o.isPrefix(true);
        case 1 -> o.withRange(bs("k" + (5 + rnd.nextInt(11))));
        case 2 -> o.withFromKey(true);
        default -> {}
      }
      int filter = rnd.nextInt(6);
      o.withNoPut(filter == 0).withNoDelete(filter == 1);
      o.withPrevKV(rnd.nextBoolean()).withProgressNotify(rnd.nextBoolean());
      long known;
      synchronized (this) {
        known = knownRevision;
      }
      long start =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> known + 1 + rnd.nextInt(5);
            default -> Math.max(1, known - rnd.nextInt(100));
          };
      return o.withRevision(start).build();
    }

    /** A segment's first revision: its start, or after the CREATED header when from now. */
    long effectiveStart(Logical l, int segment) {
      long start = l.starts.get(segment);
      if (start != 0) {
        return start;
      }
      Recorder r = l.segments.get(segment);
      await().until(() -> !r.responses().isEmpty());
      return r.responses().get(0).header().revision() + 1;
    }

    // ------------------------------------------------------------------------- checking it

    void verify() {
      for (CompletableFuture<?> f : inFlight) {
        try {
          f.handle((r, e) -> null).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError("a write never settled", e);
        }
      }
      List<EtcdNode> running = new ArrayList<>(live.values());
      assertEquals(3, running.size());
      EtcdNode leader = cluster.awaitLeader(running);
      // a last write that succeeds, then every member applies up to it
      Write last = nextWrite();
      writes.put(last.id(), last);
      Op.TxnOp op = last.toOp();
      long finalRevision =
          leader
              .kv()
              .txn()
              .If(op.compares().toArray(Cmp[]::new))
              .Then(op.thenOps().toArray(Op[]::new))
              .Else(op.elseOps().toArray(Op[]::new))
              .commit()
              .join()
              .header()
              .revision();
      for (EtcdNode n : running) {
        await().until(() -> TestCluster.status(n).revision() >= finalRevision);
      }
      // every open watch has everything up to the final revision: ask for a bookmark
      for (Logical l : watches) {
        Recorder r = l.last();
        await()
            .until(
                () -> {
                  if (r.ended() || r.lastProgress() >= finalRevision) {
                    return true;
                  }
                  l.current.requestProgress();
                  return false;
                });
      }
      List<Event> history = history(leader, finalRevision);
      for (Logical l : watches) {
        check(history, l);
      }
      System.out.printf(
          "seed %d: %d revisions, %d writes sent, %d watches, %d segments ended by a member"
              + " closing, %d resumed on a restarted member, %d ended by compaction%n",
          seed,
          finalRevision,
          writes.size(),
          watches.size(),
          nodeClosedSegments,
          resumedAfterRestart,
          compactedSegments);
      assertTrue(nodeClosedSegments > 0 && resumedAfterRestart > 0, "the faults touched watches");
    }

    /** Replays the committed writes, found by their markers, into the committed history. */
    List<Event> history(EtcdNode leader, long finalRevision) {
      GetResponse markers =
          leader.kv().get(bs(LOG), GetOption.builder().isPrefix(true).build()).join();
      TreeMap<Long, Write> byRevision = new TreeMap<>();
      for (KeyValue kv : markers.kvs()) {
        long id = Long.parseLong(kv.key().toString(StandardCharsets.UTF_8).substring(LOG.length()));
        Write w = writes.get(id);
        assertTrue(w != null, "marker of an unknown write " + id);
        assertTrue(
            byRevision.put(kv.modRevision(), w) == null, "two markers at " + kv.modRevision());
      }
      assertEquals(finalRevision, byRevision.size(), "every revision is one marked write");
      MvccStore replica = MvccStore.create(MvccConfig.defaults());
      List<Event> history = new ArrayList<>();
      for (Map.Entry<Long, Write> e : byRevision.entrySet()) {
        history.addAll(replica.txn(e.getValue().toRequest()).events());
        assertEquals(e.getKey(), replica.revision(), "replayed write " + e.getValue());
      }
      return history;
    }

    void check(List<Event> history, Logical l) {
      List<WatchEvent> chained = new ArrayList<>();
      int n = l.segments.size();
      String base = "seed " + seed + ", watch on " + l.range + " " + l.base;
      for (int i = 0; i < n; i++) {
        Recorder r = l.segments.get(i);
        r.assertSane();
        long from = effectiveStart(l, i);
        String c = base + ", segment " + i + " on " + l.members.get(i) + " from " + from;
        List<Event> expected =
            WatchModel.expected(history, l.range, from, l.base.isNoPut(), l.base.isNoDelete());
        boolean last = i == n - 1;
        Throwable error = r.error();
        if (error instanceof NodeClosedException) {
          WatchModel.check(c, r.responses(), expected, l.base.isPrevKv(), false, null);
          assertTrue(!last, c + ": ended by a member closing and never resumed");
        } else {
          if (error != null && !(error instanceof CompactedException)) {
            throw new AssertionError(c + ": unexpected error", error);
          }
          if (error != null) {
            compactedSegments++;
          }
          WatchModel.check(c, r.responses(), expected, l.base.isPrevKv(), last, error);
          if (!last) {
            assertTrue(r.completed(), c + ": a closed segment ends with onCompleted");
          }
        }
        for (WatchResponse resp : r.responses()) {
          chained.addAll(resp.events());
        }
      }
      // resumable: the segments chained are exactly the history from the first start
      List<Event> all =
          WatchModel.expected(
              history, l.range, effectiveStart(l, 0), l.base.isNoPut(), l.base.isNoDelete());
      String c = base + " chained over " + n + " segments";
      assertTrue(chained.size() <= all.size(), c + ": more events than history");
      for (int i = 0; i < chained.size(); i++) {
        Event want = all.get(i);
        assertEquals(
            want.kv().modRevision(), chained.get(i).kv().modRevision(), c + ": event " + i);
        assertEquals(
            ByteSequence.from(want.kv().key()), chained.get(i).kv().key(), c + ": event " + i);
      }
      if (l.last().error() == null) {
        assertEquals(all.size(), chained.size(), c + ": events missing");
      }
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
