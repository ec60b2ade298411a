package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.storage.mvcc.Compare;
import io.etch.storage.mvcc.CompareResult;
import io.etch.storage.mvcc.DeleteRangeRequest;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each watch feature on a direct executor, so every delivery happens inside the call. */
class WatchHubBasicsTest {
  private final MvccStore store = MvccStore.create(MvccConfig.defaults());
  private final ManualTimer timer = new ManualTimer();
  private final WatchHub hub =
      WatchHub.builder()
          .memberName("basics")
          .ids(7, 9)
          .views(store::view)
          .callbackExecutor(Runnable::run)
          .progressTimer(timer)
          .maxPendingEventsPerWatcher(4)
          .catchUpPageEvents(3)
          .build();
  private final WatchModel model = new WatchModel(store, hub);

  @AfterEach
  void close() {
    hub.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  private void put(String k, String v) {
    model.applied(store.put(PutRequest.of(b(k), b(v))));
  }

  private void delete(String k) {
    model.applied(store.deleteRange(DeleteRangeRequest.key(b(k))));
  }

  private static List<String> keys(Recorder r) {
    return r.events().stream()
        .map(e -> e.type() + " " + e.kv().key() + "@" + e.kv().modRevision())
        .toList();
  }

  @Test
  void exactKeyFromNowStartsWithCreatedAndSeesOnlyItsKey() {
    put("a", "0");
    Recorder r = new Recorder();
    hub.watch(bs("a"), r);
    put("a", "1");
    put("ab", "x");
    delete("a");
    List<WatchResponse> rs = r.responses();
    assertEquals(WatchResponse.Kind.CREATED, rs.get(0).kind());
    assertEquals(1, rs.get(0).header().revision());
    assertEquals(7, rs.get(0).header().clusterId());
    assertEquals(9, rs.get(0).header().memberId());
    assertEquals(List.of("PUT a@2", "DELETE a@4"), keys(r));
    assertEquals(3, rs.size());
    WatchEvent del = r.events().get(1);
    assertEquals(0, del.kv().version());
    assertTrue(del.kv().value().isEmpty());
    r.assertSane();
  }

  @Test
  void prefixRangeAndFromKeySelectTheirKeys() {
    Recorder prefix = new Recorder();
    Recorder range = new Recorder();
    Recorder from = new Recorder();
    Recorder all = new Recorder();
    Recorder empty = new Recorder();
    hub.watch(bs("b"), WatchOption.builder().isPrefix(true).build(), prefix);
    hub.watch(bs("b"), WatchOption.builder().withRange(bs("c")).build(), range);
    hub.watch(bs("bb"), WatchOption.builder().withFromKey(true).build(), from);
    hub.watch(ByteSequence.EMPTY, WatchOption.builder().isPrefix(true).build(), all);
    hub.watch(bs("z"), WatchOption.builder().withRange(bs("a")).build(), empty);
    for (String k : List.of("a", "b", "ba", "bb", "b\u00ff", "c", "\u0000", "zz")) {
      put(k, "v");
    }
    assertEquals(List.of("PUT b@2", "PUT ba@3", "PUT bb@4", "PUT b\u00ff@5"), keys(prefix));
    assertEquals(List.of("PUT b@2", "PUT ba@3", "PUT bb@4", "PUT b\u00ff@5"), keys(range));
    assertEquals(List.of("PUT bb@4", "PUT b\u00ff@5", "PUT c@6", "PUT zz@8"), keys(from));
    assertEquals(8, keys(all).size());
    assertEquals(List.of(), keys(empty));
  }

  @Test
  void filtersAndPrevKv() {
    put("k", "0");
    Recorder noPut = new Recorder();
    Recorder noDelete = new Recorder();
    Recorder prev = new Recorder();
    Recorder plain = new Recorder();
    hub.watch(bs("k"), WatchOption.builder().withNoPut(true).build(), noPut);
    hub.watch(bs("k"), WatchOption.builder().withNoDelete(true).build(), noDelete);
    hub.watch(bs("k"), WatchOption.builder().withPrevKV(true).build(), prev);
    hub.watch(bs("k"), plain);
    put("k", "1");
    delete("k");
    assertEquals(List.of("DELETE k@3"), keys(noPut));
    assertEquals(List.of("PUT k@2"), keys(noDelete));
    assertEquals("0", prev.events().get(0).prevKv().orElseThrow().value().toString());
    assertEquals("1", prev.events().get(1).prevKv().orElseThrow().value().toString());
    assertTrue(plain.events().get(0).prevKv().isEmpty());
    // a filtered-out revision sends nothing at all (etcd's watcher.send)
    assertEquals(2, noPut.responses().size());
  }

  @Test
  void txnEventsArriveInRequestOrderInOneResponse() {
    Recorder r = new Recorder();
    hub.watch(bs("t"), WatchOption.builder().isPrefix(true).build(), r);
    put("t3", "x");
    List<RequestOp> ops =
        List.of(
            PutRequest.of(b("t9"), b("1")),
            PutRequest.of(b("t1"), b("1")),
            DeleteRangeRequest.key(b("t3")),
            PutRequest.of(b("t5"), b("1")));
    model.applied(
        store.txn(
            new TxnRequest(
                List.of(Compare.version(b("t3"), CompareResult.EQUAL, 1)), ops, List.of())));
    List<WatchResponse> rs = r.responses();
    assertEquals(3, rs.size());
    assertEquals(
        List.of("PUT t9@2", "PUT t1@2", "DELETE t3@2", "PUT t5@2"),
        rs.get(2).events().stream()
            .map(e -> e.type() + " " + e.kv().key() + "@" + e.kv().modRevision())
            .toList());
  }

  @Test
  void startRevisionReplaysHistoryInWholeRevisionsThenFollows() {
    for (int i = 0; i < 5; i++) {
      put("h" + i, "v");
    }
    // a 4-key txn, larger than the 3-event catch-up page
    model.applied(
        store.txn(
            new TxnRequest(
                List.of(),
                List.of(
                    PutRequest.of(b("h0"), b("w")),
                    PutRequest.of(b("h1"), b("w")),
                    PutRequest.of(b("h2"), b("w")),
                    PutRequest.of(b("h3"), b("w"))),
                List.of())));
    put("h4", "w");
    Recorder r = new Recorder();
    hub.watch(bs("h"), WatchOption.builder().isPrefix(true).withRevision(2).build(), r);
    org.awaitility.Awaitility.await().until(() -> r.events().size() == 9);
    put("h0", "z");
    org.awaitility.Awaitility.await().until(() -> r.events().size() == 10);
    WatchModel.check(
        "replay",
        r.responses(),
        model.expected(io.etch.KeyRange.prefix(bs("h")), 2, false, false),
        false,
        true,
        null);
    r.assertSane();
  }

  @Test
  void futureStartRevisionSkipsEarlierRevisions() {
    Recorder r = new Recorder();
    hub.watch(bs("f"), WatchOption.builder().withRevision(3).build(), r);
    put("f", "1");
    put("f", "2");
    put("f", "3");
    assertEquals(List.of("PUT f@3"), keys(r));
  }

  @Test
  void requestedProgressCarriesTheLastNotifiedRevision() {
    put("x", "1");
    Recorder r = new Recorder();
    Watcher w = hub.watch(bs("p"), r);
    put("x", "2");
    w.requestProgress();
    List<WatchResponse> rs = r.responses();
    assertEquals(WatchResponse.Kind.PROGRESS, rs.get(1).kind());
    assertEquals(2, rs.get(1).header().revision());
  }

  @Test
  void periodicProgressOnlyForIdleSyncedWatchersThatAskedForIt() {
    Recorder notify = new Recorder();
    Recorder silent = new Recorder();
    hub.watch(bs("p"), WatchOption.builder().withProgressNotify(true).build(), notify);
    hub.watch(bs("p"), silent);
    timer.fire(); // CREATED does not count as events: a bookmark at 0
    assertEquals(2, notify.responses().size());
    put("p", "1");
    timer.fire(); // events since the last tick: no bookmark
    assertEquals(3, notify.responses().size());
    timer.fire();
    assertEquals(4, notify.responses().size());
    assertEquals(1, notify.responses().get(3).header().revision());
    assertEquals(2, silent.responses().size());
  }

  @Test
  void closeEndsWithOnCompletedAndStopsEvents() {
    Recorder r = new Recorder();
    Watcher w = hub.watch(bs("c"), r);
    put("c", "1");
    w.close();
    w.close();
    put("c", "2");
    assertTrue(r.completed());
    assertNull(r.error());
    assertEquals(List.of("PUT c@1"), keys(r));
    assertEquals(0, hub.stats().watchers());
    r.assertSane();
  }

  @Test
  void watcherIdsAreUnique() {
    Watcher a = hub.watch(bs("a"), new Recorder());
    Watcher b = hub.watch(bs("a"), new Recorder());
    assertTrue(a.watchId() != b.watchId());
  }
}
