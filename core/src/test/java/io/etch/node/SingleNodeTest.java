package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.DataDirLockedException;
import io.etch.EtcdNode;
import io.etch.FutureRevisionException;
import io.etch.KeyNotFoundException;
import io.etch.NodeClosedException;
import io.etch.RequestTooLargeException;
import io.etch.TooManyTxnOpsException;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.kv.PutResponse;
import io.etch.kv.TxnResponse;
import io.etch.maintenance.StatusResponse;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A one-member cluster over real Netty on loopback: the KV API end to end, and the life cycle. */
class SingleNodeTest {
  @TempDir Path dir;
  TestCluster cluster;
  EtcdNode node;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 1).start();
    node = cluster.nodes.get(0);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  static Throwable failure(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void putCreatesRevisionsAndVersionsAsEtcd() {
    PutResponse first = node.kv().put(bs("a"), bs("1")).join();
    assertEquals(1, first.header().revision());
    assertEquals(node.memberId(), first.header().memberId());
    assertTrue(first.header().raftTerm() > 0);
    assertTrue(first.prevKv().isEmpty());

    PutResponse second =
        node.kv().put(bs("a"), bs("2"), PutOption.builder().withPrevKV().build()).join();
    assertEquals(2, second.header().revision());
    assertEquals(new KeyValue(bs("a"), bs("1"), 1, 1, 1, 0), second.prevKv().orElseThrow());

    GetResponse got = node.kv().get(bs("a")).join();
    assertEquals(List.of(new KeyValue(bs("a"), bs("2"), 1, 2, 2, 0)), got.kvs());
    assertEquals(2, got.header().revision());
  }

  /** The store a, ab, b, c (a put twice) read through every range and filter option. */
  @Test
  void getOptionsBehaveAsEtcd() {
    put("a", "1"); // rev 1
    put("ab", "2"); // rev 2
    put("b", "3"); // rev 3
    put("c", "4"); // rev 4
    put("a", "5"); // rev 5
    record Case(
        String name, String key, GetOption option, List<String> keys, long count, boolean more) {}
    GetOption.Builder all = GetOption.builder().isPrefix(true);
    List<Case> cases =
        List.of(
            new Case("single key", "a", GetOption.DEFAULT, List.of("a"), 1, false),
            new Case("missing key", "zz", GetOption.DEFAULT, List.of(), 0, false),
            new Case(
                "prefix",
                "a",
                GetOption.builder().isPrefix(true).build(),
                List.of("a", "ab"),
                2,
                false),
            new Case(
                "range [a, c)",
                "a",
                GetOption.builder().withRange(bs("c")).build(),
                List.of("a", "ab", "b"),
                3,
                false),
            new Case(
                "from key b",
                "b",
                GetOption.builder().withFromKey(true).build(),
                List.of("b", "c"),
                2,
                false),
            new Case("all keys", "", all.build(), List.of("a", "ab", "b", "c"), 4, false),
            new Case(
                "limit keeps count",
                "",
                GetOption.builder().isPrefix(true).withLimit(2).build(),
                List.of("a", "ab"),
                4,
                true),
            new Case(
                "descend by key",
                "",
                GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.KEY)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .build(),
                List.of("c", "b", "ab", "a"),
                4,
                false),
            new Case(
                "ascend by mod revision",
                "",
                GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.MOD)
                    .withSortOrder(GetOption.SortOrder.ASCEND)
                    .build(),
                List.of("ab", "b", "c", "a"),
                4,
                false),
            new Case(
                "non-key field with order NONE sorts ascending",
                "",
                GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.VERSION)
                    .build(),
                List.of("ab", "b", "c", "a"),
                4,
                false),
            new Case(
                "at revision 1",
                "",
                GetOption.builder().isPrefix(true).withRevision(1).build(),
                List.of("a"),
                1,
                false),
            new Case(
                "min mod revision filters, count does not",
                "",
                GetOption.builder().isPrefix(true).withMinModRevision(3).build(),
                List.of("a", "b", "c"),
                4,
                false),
            new Case(
                "max create revision",
                "",
                GetOption.builder().isPrefix(true).withMaxCreateRevision(2).build(),
                List.of("a", "ab"),
                4,
                false),
            new Case(
                "count only",
                "",
                GetOption.builder().isPrefix(true).withCountOnly(true).build(),
                List.of(),
                4,
                false),
            new Case(
                "serializable",
                "a",
                GetOption.builder().withSerializable(true).build(),
                List.of("a"),
                1,
                false));
    for (Case c : cases) {
      GetResponse r = node.kv().get(bs(c.key), c.option).join();
      assertEquals(c.keys, r.kvs().stream().map(kv -> kv.key().toString()).toList(), c.name);
      assertEquals(c.count, r.count(), c.name + " count");
      assertEquals(c.more, r.more(), c.name + " more");
      assertEquals(5, r.header().revision(), c.name + " header revision");
    }
    GetResponse keysOnly =
        node.kv().get(bs("a"), GetOption.builder().withKeysOnly(true).build()).join();
    assertEquals(ByteSequence.EMPTY, keysOnly.kvs().get(0).value());
    assertEquals(
        bs("1"),
        node.kv()
            .get(bs("a"), GetOption.builder().withRevision(1).build())
            .join()
            .kvs()
            .get(0)
            .value());
  }

  @Test
  void deletesAsEtcd() {
    put("a", "1");
    put("ab", "2");
    put("b", "3");
    var none = node.kv().delete(bs("zz")).join();
    assertEquals(0, none.deleted());
    assertEquals(3, none.header().revision(), "deleting nothing creates no revision");

    var one = node.kv().delete(bs("b"), DeleteOption.builder().withPrevKV(true).build()).join();
    assertEquals(1, one.deleted());
    assertEquals(4, one.header().revision());
    assertEquals(List.of(new KeyValue(bs("b"), bs("3"), 3, 3, 1, 0)), one.prevKvs());

    var prefix = node.kv().delete(bs("a"), DeleteOption.builder().isPrefix(true).build()).join();
    assertEquals(2, prefix.deleted());
    assertEquals(5, prefix.header().revision(), "a range delete is one revision");
    assertEquals(
        0, node.kv().get(bs(""), GetOption.builder().isPrefix(true).build()).join().count());
  }

  @Test
  void txnRunsThenOrElseAtomically() {
    Cmp absent = new Cmp(bs("k"), Cmp.Result.EQUAL, CmpTarget.version(0));
    TxnResponse created =
        node.kv()
            .txn()
            .If(absent)
            .Then(
                Op.put(bs("k"), bs("v1"), PutOption.DEFAULT),
                Op.put(bs("k2"), bs("x"), PutOption.DEFAULT))
            .Else(Op.get(bs("k"), GetOption.DEFAULT))
            .commit()
            .join();
    assertTrue(created.succeeded());
    assertEquals(2, created.putResponses().size());
    assertEquals(1, created.header().revision(), "a txn's writes share one revision");

    TxnResponse refused =
        node.kv()
            .txn()
            .If(absent)
            .Then(Op.put(bs("k"), bs("v2"), PutOption.DEFAULT))
            .Else(Op.get(bs("k"), GetOption.DEFAULT))
            .commit()
            .join();
    assertFalse(refused.succeeded());
    assertEquals(bs("v1"), refused.getResponses().get(0).kvs().get(0).value());
    assertEquals(1, refused.header().revision(), "a read-only branch creates no revision");

    TxnResponse byValue =
        node.kv()
            .txn()
            .If(new Cmp(bs("k"), Cmp.Result.EQUAL, CmpTarget.value(bs("v1"))))
            .Then(Op.delete(bs("k"), DeleteOption.DEFAULT))
            .commit()
            .join();
    assertTrue(byValue.succeeded());
    assertEquals(1, byValue.deleteResponses().get(0).deleted());
  }

  @Test
  void typedErrorsFromTheStoreAndTheLimits() {
    put("a", "1");
    put("a", "2");
    put("a", "3");
    node.kv().compact(2).join();
    Throwable compacted =
        failure(node.kv().get(bs("a"), GetOption.builder().withRevision(1).build()));
    assertEquals(2, assertInstanceOf(CompactedException.class, compacted).compactedRevision());
    Throwable future = failure(node.kv().get(bs("a"), GetOption.builder().withRevision(9).build()));
    assertEquals(3, assertInstanceOf(FutureRevisionException.class, future).currentRevision());
    assertInstanceOf(CompactedException.class, failure(node.kv().compact(1)));

    assertInstanceOf(
        KeyNotFoundException.class,
        failure(
            node.kv()
                .put(
                    bs("missing"),
                    ByteSequence.EMPTY,
                    PutOption.builder().withIgnoreValue().build())));

    long limit = node.config().maxRequestBytes();
    RequestTooLargeException tooLarge =
        assertInstanceOf(
            RequestTooLargeException.class,
            failure(node.kv().put(bs("big"), ByteSequence.from(new byte[(int) limit + 1]))));
    assertEquals(bs("big"), tooLarge.key());
    assertEquals(limit, tooLarge.limitBytes());
    assertTrue(tooLarge.sizeBytes() > limit);

    Op[] ops = new Op[node.config().maxTxnOps() + 1];
    for (int i = 0; i < ops.length; i++) {
      ops[i] = Op.put(bs("t" + i), bs("v"), PutOption.DEFAULT);
    }
    assertInstanceOf(TooManyTxnOpsException.class, failure(node.kv().txn().Then(ops).commit()));
    assertEquals(3, node.kv().get(bs("a")).join().header().revision(), "nothing was applied");
  }

  @Test
  void watchFiresThroughTheNode() {
    List<WatchResponse> seen = new CopyOnWriteArrayList<>();
    node.watch()
        .watch(
            bs("w"),
            io.etch.watch.WatchOption.builder().isPrefix(true).build(),
            Watch.listener(seen::add));
    put("w1", "x");
    node.kv().delete(bs("w1")).join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.stream().mapToLong(r -> r.events().size()).sum() == 2);
    List<WatchEvent> events = seen.stream().flatMap(r -> r.events().stream()).toList();
    assertEquals(WatchEvent.EventType.PUT, events.get(0).type());
    assertEquals(bs("x"), events.get(0).kv().value());
    assertEquals(WatchEvent.EventType.DELETE, events.get(1).type());
  }

  @Test
  void statusReportsTheMember() {
    put("a", "1");
    StatusResponse s = TestCluster.status(node);
    assertEquals(node.memberId(), s.memberId());
    assertTrue(s.isLeader());
    assertEquals(1, s.revision());
    assertTrue(s.appliedIndex() >= 3, "bootstrap, empty entry, put: " + s.appliedIndex());
    assertTrue(s.raftIndex() >= s.appliedIndex());
    assertFalse(s.learner());
  }

  @Test
  void aSecondNodeCannotOpenTheSameDataDirectory() {
    EtcdNode twin = cluster.node("m1");
    try {
      assertInstanceOf(DataDirLockedException.class, failure(twin.start()));
    } finally {
      twin.close();
    }
  }

  @Test
  void closeReleasesThreadsAndPortAndFailsLaterRequests() {
    put("a", "1");
    node.close();
    node.close(); // idempotent
    await().atMost(Duration.ofSeconds(10)).until(() -> TestCluster.nodeThreads("m1").isEmpty());
    assertTrue(TestCluster.bindable(cluster.addresses.get("m1")));
    assertInstanceOf(NodeClosedException.class, failure(node.kv().put(bs("a"), bs("2"))));
  }

  private void put(String key, String value) {
    node.kv().put(bs(key), bs(value)).join();
  }
}
