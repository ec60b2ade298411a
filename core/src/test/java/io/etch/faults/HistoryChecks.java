package io.etch.faults;

import io.etch.faults.WatchRecorder.Event;
import io.etch.lincheck.EtcdKvModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a fault run beyond linearizability, each returning the violations it found (empty
 * when the property holds), described well enough to find them in the history.
 *
 * <ul>
 *   <li>{@link #revisions}: every acknowledged write has its own revision; a write acknowledged
 *       before another began has the smaller one; an answer never reports a revision below that of
 *       a write acknowledged before the request began.
 *   <li>{@link #watch}: one member's watch stream is ordered, unique, without gaps and atomic, and
 *       matches the committed history: each revision holds exactly the writes of one operation (one
 *       revision per transaction, all of it), at the revision that operation was told.
 *   <li>{@link #sameStreams}: every member's watch saw the same events at each revision.
 *   <li>{@link #acknowledgedPresent}: every acknowledged write is in a stream that covers its
 *       revision (after crashes: nothing acknowledged was lost).
 * </ul>
 */
final class HistoryChecks {
  private static final int MAX_REPORTED = 10;

  /** The revision of a new store's first write (Etch's store starts at 0; see storage-mvcc.md). */
  static final long FIRST_REVISION = 1;

  static List<String> watch(String member, List<List<Event>> responses, List<Recorded> history) {
    return watch(member, responses, history, FIRST_REVISION);
  }

  private HistoryChecks() {}

  static List<String> revisions(List<Recorded> history) {
    List<String> out = new ArrayList<>();
    Map<Long, Recorded> byRevision = new HashMap<>();
    List<Recorded> writes = new ArrayList<>();
    for (Recorded r : history) {
      if (r.createdRevision()) {
        Recorded other = byRevision.put(r.result().revision(), r);
        if (other != null) {
          add(
              out,
              "revision " + r.result().revision() + " given to two writes: " + other + " and " + r);
        }
        writes.add(r);
      }
    }
    // a write acknowledged before another began has the smaller revision; an answer's header
    // revision is at least that of every write acknowledged before the request began
    writes.sort(Comparator.comparingLong(Recorded::returnNs));
    List<Recorded> acked = new ArrayList<>();
    for (Recorded r : history) {
      if (!r.isUnknown()) {
        acked.add(r);
      }
    }
    acked.sort(Comparator.comparingLong(Recorded::callNs));
    int w = 0;
    long maxRevision = 0;
    Recorded maxWrite = null;
    for (Recorded r : acked) {
      while (w < writes.size() && writes.get(w).returnNs() < r.callNs()) {
        Recorded done = writes.get(w++);
        if (done.result().revision() > maxRevision) {
          maxRevision = done.result().revision();
          maxWrite = done;
        }
      }
      if (r.createdRevision() && r.result().revision() <= maxRevision) {
        add(
            out,
            "write "
                + r
                + " got revision "
                + r.result().revision()
                + " but "
                + maxWrite
                + " was acknowledged with revision "
                + maxRevision
                + " before it began");
      }
      if (r.revision() < maxRevision) {
        add(
            out,
            "answer "
                + r
                + " has header revision "
                + r.revision()
                + " below "
                + maxRevision
                + " of "
                + maxWrite
                + ", acknowledged before it began");
      }
    }
    return out;
  }

  /** Index of the writes by the unique value they put; deletes are matched by key and revision. */
  private static Map<String, Recorded> writersByValue(List<Recorded> history) {
    Map<String, Recorded> out = new HashMap<>();
    for (Recorded r : history) {
      for (Recorded.Write w : r.writes()) {
        if (w.value() != null) {
          out.put(w.value(), r);
        }
      }
    }
    return out;
  }

  /** {@code firstRevision}: the revision of the store's first write (its initial revision + 1). */
  static List<String> watch(
      String member, List<List<Event>> responses, List<Recorded> history, long firstRevision) {
    List<String> out = new ArrayList<>();
    Map<String, Recorded> writers = writersByValue(history);
    Map<Long, Recorded> acknowledged = new HashMap<>();
    for (Recorded r : history) {
      if (r.createdRevision()) {
        acknowledged.put(r.result().revision(), r);
      }
    }
    long previous = 0;
    for (List<Event> response : responses) {
      long first = response.get(0).revision();
      if (first <= previous) {
        add(
            out,
            member
                + ": response starting at revision "
                + first
                + " after revision "
                + previous
                + " (out of order, duplicated, or a revision split across responses)");
      }
      // one response may hold several revisions; each group is one revision
      int i = 0;
      while (i < response.size()) {
        long rev = response.get(i).revision();
        if (previous > 0 && rev != previous + 1 && rev > previous) {
          add(out, member + ": gap between revision " + previous + " and " + rev);
        } else if (previous == 0 && rev != firstRevision) {
          add(out, member + ": the stream from revision 1 starts at " + rev);
        }
        List<Event> group = new ArrayList<>();
        while (i < response.size() && response.get(i).revision() == rev) {
          group.add(response.get(i++));
        }
        if (i < response.size() && response.get(i).revision() < rev) {
          add(
              out,
              member
                  + ": revision "
                  + response.get(i).revision()
                  + " after "
                  + rev
                  + " in one response");
        }
        checkGroup(out, member, rev, group, writers, acknowledged.get(rev));
        previous = Math.max(previous, rev);
      }
    }
    return out;
  }

  private static void checkGroup(
      List<String> out,
      String member,
      long rev,
      List<Event> group,
      Map<String, Recorded> writers,
      Recorded acknowledged) {
    if (group.stream()
        .allMatch(
            e ->
                e.key().startsWith(LeaseWorkload.PREFIX)
                    || e.key().startsWith(LockWorkload.PREFIX))) {
      return; // a lease or lock key's write or expiry: its revision counts, their checks judge it
    }
    Set<String> keys = new HashSet<>();
    for (Event e : group) {
      if (!keys.add(e.key())) {
        add(out, member + ": key " + e.key() + " twice at revision " + rev);
      }
    }
    Recorded writer = null;
    for (Event e : group) {
      Recorded w = e.put() ? writers.get(e.value()) : null;
      if (e.put() && w == null) {
        add(
            out,
            member
                + ": revision "
                + rev
                + " puts "
                + e.key()
                + "="
                + e.value()
                + ", a value no client wrote");
        return;
      }
      if (w != null && writer != null && w != writer) {
        add(out, member + ": revision " + rev + " mixes the writes of " + writer + " and " + w);
        return;
      }
      if (w != null) {
        writer = w;
      }
    }
    if (writer == null) {
      // deletes only: an acknowledged delete at this revision, or one of unknown outcome
      if (acknowledged != null && acknowledged.op().kind() != EtcdKvModel.Kind.DELETE) {
        add(
            out,
            member
                + ": revision "
                + rev
                + " holds deletes "
                + group
                + " but "
                + acknowledged
                + " was told it");
      }
      return;
    }
    List<Event> expected = new ArrayList<>();
    for (Recorded.Write w : writer.writes()) {
      expected.add(new Event(w.value() != null, w.key(), w.value(), rev));
    }
    if (!new HashSet<>(expected).equals(new HashSet<>(group)) || expected.size() != group.size()) {
      add(
          out,
          member
              + ": revision "
              + rev
              + " holds "
              + group
              + " but "
              + writer
              + " writes "
              + expected
              + " (not atomic, or not one revision per transaction)");
    }
    if (writer.createdRevision() && writer.result().revision() != rev) {
      add(
          out,
          member
              + ": "
              + writer
              + " was told revision "
              + writer.result().revision()
              + " but its writes are at "
              + rev);
    }
    if (acknowledged != null && acknowledged != writer) {
      add(
          out,
          member
              + ": revision "
              + rev
              + " holds the writes of "
              + writer
              + " but "
              + acknowledged
              + " was told it");
    }
  }

  /**
   * Every two streams agree on every revision both hold (the same events, in the same order). A
   * stream may start later (a watch from a member's join revision) or end earlier (a member removed
   * during the run) than another.
   */
  static List<String> sameStreams(Map<String, List<List<Event>>> streams) {
    List<String> out = new ArrayList<>();
    Map<Long, List<Event>> first = new HashMap<>();
    Map<Long, String> firstMember = new HashMap<>();
    for (Map.Entry<String, List<List<Event>>> e : new java.util.TreeMap<>(streams).entrySet()) {
      Map<Long, List<Event>> byRevision = new java.util.LinkedHashMap<>();
      for (List<Event> response : e.getValue()) {
        for (Event event : response) {
          byRevision.computeIfAbsent(event.revision(), r -> new ArrayList<>()).add(event);
        }
      }
      for (Map.Entry<Long, List<Event>> group : byRevision.entrySet()) {
        List<Event> seen = first.putIfAbsent(group.getKey(), group.getValue());
        if (seen == null) {
          firstMember.put(group.getKey(), e.getKey());
        } else if (!seen.equals(group.getValue())) {
          add(
              out,
              e.getKey()
                  + " saw "
                  + group.getValue()
                  + " at revision "
                  + group.getKey()
                  + " where "
                  + firstMember.get(group.getKey())
                  + " saw "
                  + seen);
          break;
        }
      }
    }
    return out;
  }

  /** Every acknowledged write at a revision the stream covers appears in it. */
  static List<String> acknowledgedPresent(
      String member, List<List<Event>> responses, List<Recorded> history) {
    List<String> out = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    long last = 0;
    for (List<Event> response : responses) {
      for (Event e : response) {
        seen.add(e.revision());
        last = Math.max(last, e.revision());
      }
    }
    for (Recorded r : history) {
      if (r.createdRevision()
          && r.result().revision() <= last
          && !seen.contains(r.result().revision())) {
        add(
            out,
            member
                + ": acknowledged "
                + r
                + " is missing from the history (revision "
                + r.result().revision()
                + ")");
      }
    }
    return out;
  }

  private static void add(List<String> out, String violation) {
    if (out.size() < MAX_REPORTED) {
      out.add(violation);
    } else if (out.size() == MAX_REPORTED) {
      out.add("... more violations left out");
    }
  }
}
