package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.CompactedException;
import io.etch.KeyRange;
import io.etch.kv.KeyValue;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.EventType;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.WriteResult;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed history of a test store (every write's events, as the applier saw them) and the
 * validators of etcd's watch guarantees against it.
 */
public final class WatchModel {
  final MvccStore store;
  final WatchHub hub;

  /** Every committed event, in revision order. */
  final List<Event> history = new ArrayList<>();

  WatchModel(MvccStore store, WatchHub hub) {
    this.store = store;
    this.hub = hub;
  }

  /** Applies a write's result the way the node's applier will: record, then notify the hub. */
  <R> WriteResult<R> applied(WriteResult<R> result) {
    if (!result.events().isEmpty()) {
      history.addAll(result.events());
      hub.onApplied(result.events().get(0).revision().main(), result.events());
    }
    return result;
  }

  /** What a watch of {@code range} from {@code startRevision} (inclusive) must deliver. */
  List<Event> expected(KeyRange range, long startRevision, boolean noPut, boolean noDelete) {
    return expected(history, range, startRevision, noPut, noDelete);
  }

  /**
   * What a watch of {@code range} from {@code startRevision} (inclusive) must deliver, given every
   * committed event in revision order.
   */
  public static List<Event> expected(
      List<Event> history, KeyRange range, long startRevision, boolean noPut, boolean noDelete) {
    List<Event> out = new ArrayList<>();
    for (Event e : history) {
      if (e.revision().main() < startRevision
          || !range.contains(io.etch.ByteSequence.wrap(e.kv().key()))) {
        continue;
      }
      if (e.type() == EventType.PUT ? noPut : noDelete) {
        continue;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Checks one watch's responses: CREATED first and once; events ordered, unique, gap-free against
   * the history (a prefix of what is expected, the whole of it when {@code complete}); every
   * revision in one response, whole; every bookmark true; prevKv right when asked for.
   */
  public static void check(
      String context,
      List<WatchResponse> responses,
      List<Event> expected,
      boolean prevKv,
      boolean complete,
      Throwable error) {
    assertFalse(responses.isEmpty(), context + ": no CREATED");
    assertEquals(WatchResponse.Kind.CREATED, responses.get(0).kind(), context + ": first response");
    List<WatchEvent> got = new ArrayList<>();
    Map<Long, Integer> responseOfRevision = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    for (int i = 1; i < responses.size(); i++) {
      WatchResponse r = responses.get(i);
      switch (r.kind()) {
        case CREATED -> throw new AssertionError(context + ": CREATED twice, at response " + i);
        case EVENTS -> {
          for (WatchEvent e : r.events()) {
            long rev = e.kv().modRevision();
            Integer before = responseOfRevision.putIfAbsent(rev, i);
            if (before != null && before != i) {
              throw new AssertionError(
                  context + ": revision " + rev + " split across responses " + before + ", " + i);
            }
            got.add(e);
            seen.add(rev);
          }
        }
        case PROGRESS -> {
          long bookmark = r.header().revision();
          // everything expected up to the bookmark was delivered before it...
          int upTo = 0;
          while (upTo < expected.size() && expected.get(upTo).revision().main() <= bookmark) {
            upTo++;
          }
          assertTrue(
              got.size() >= upTo,
              context
                  + ": progress "
                  + bookmark
                  + " at response "
                  + i
                  + " but only "
                  + got.size()
                  + " of the "
                  + upTo
                  + " events up to it were delivered");
          // ...and nothing at or below it comes later (checked below via order)
          for (int j = i + 1; j < responses.size(); j++) {
            for (WatchEvent e : responses.get(j).events()) {
              assertTrue(
                  e.kv().modRevision() > bookmark,
                  context + ": event at " + e.kv().modRevision() + " after progress " + bookmark);
            }
          }
        }
      }
    }
    assertTrue(
        got.size() <= expected.size(),
        context + ": " + got.size() + " events delivered, only " + expected.size() + " exist");
    for (int i = 0; i < got.size(); i++) {
      Event want = expected.get(i);
      WatchEvent have = got.get(i);
      String at = context + ": event " + i + " (revision " + want.revision() + ")";
      assertEquals(EventMapper.toPublic(want.kv()), have.kv(), at + " kv");
      assertEquals(
          want.type() == EventType.PUT ? WatchEvent.EventType.PUT : WatchEvent.EventType.DELETE,
          have.type(),
          at + " type");
      if (!prevKv) {
        assertTrue(have.prevKv().isEmpty(), at + " prevKv not asked for");
      } else if (have.prevKv().isPresent()) {
        assertEquals(EventMapper.toPublic(want.prevKv()), have.prevKv().get(), at + " prevKv");
      }
    }
    // atomic: a revision delivered is delivered whole
    if (!got.isEmpty()) {
      long lastRev = got.get(got.size() - 1).kv().modRevision();
      int inLast = 0;
      for (Event e : expected) {
        if (e.revision().main() == lastRev) {
          inLast++;
        }
      }
      int gotLast = 0;
      for (WatchEvent e : got) {
        if (e.kv().modRevision() == lastRev) {
          gotLast++;
        }
      }
      assertEquals(inLast, gotLast, context + ": revision " + lastRev + " delivered in part");
    }
    if (error != null) {
      assertTrue(error instanceof CompactedException, context + ": unexpected error " + error);
      CompactedException c = (CompactedException) error;
      long needed = got.isEmpty() ? -1 : got.get(got.size() - 1).kv().modRevision() + 1;
      assertTrue(
          needed == -1 || c.requestedRevision() >= needed,
          context + ": compacted at " + c.requestedRevision() + " but " + needed + " was needed");
      assertTrue(
          c.requestedRevision() < c.compactedRevision(),
          context + ": " + c + " although the requested revision was not compacted");
    } else if (complete) {
      assertEquals(expected.size(), got.size(), context + ": events missing at the end");
    }
  }

  static KeyValue publicKv(io.etch.storage.mvcc.KeyValue kv) {
    return EventMapper.toPublic(kv);
  }
}
