package io.etch.transport.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Messages with every field set, and a field-by-field comparison. */
public final class TestMessages {
  private TestMessages() {}

  /** Every non-local type. */
  public static List<MessageType> networkTypes() {
    List<MessageType> types = new ArrayList<>();
    for (MessageType t : MessageType.values()) {
      if (!t.isLocal()) {
        types.add(t);
      }
    }
    return types;
  }

  /** A message of {@code type} with every field set from {@code random}. */
  public static Message full(MessageType type, long from, long to, Random random) {
    List<Entry> entries = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[random.nextInt(64)];
      random.nextBytes(data);
      entries.add(
          new Entry(
              random.nextInt(1000),
              random.nextInt(100_000),
              random.nextBoolean() ? EntryType.NORMAL : EntryType.CONF_CHANGE,
              data));
    }
    byte[] context = new byte[random.nextInt(16)];
    random.nextBytes(context);
    Message.Builder b =
        Message.builder(type)
            .from(from)
            .to(to)
            .term(random.nextLong())
            .logTerm(random.nextLong())
            .index(random.nextLong())
            .commit(random.nextLong())
            .reject(random.nextBoolean())
            .rejectHint(random.nextLong())
            .context(context)
            .entries(entries);
    if (type == MessageType.SNAP || random.nextInt(4) == 0) {
      byte[] data = new byte[random.nextInt(128)];
      random.nextBytes(data);
      ConfState conf =
          new ConfState(
              new long[] {1, 2, 3}, new long[] {4}, new long[] {1, 2}, new long[] {5}, true);
      b.snapshot(new Snapshot(new SnapshotMetadata(random.nextInt(1 << 20), 7, conf), data));
    }
    return b.build();
  }

  /** An append of {@code entries} entries of {@code entryBytes} bytes each. */
  public static Message append(long from, long to, int entries, int entryBytes) {
    List<Entry> list = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      list.add(Entry.normal(3, 100 + i, new byte[entryBytes]));
    }
    return Message.builder(MessageType.APP)
        .from(from)
        .to(to)
        .term(3)
        .logTerm(3)
        .index(99)
        .commit(98)
        .entries(list)
        .build();
  }

  public static void assertSame(Message expected, Message actual) {
    assertEquals(expected.type(), actual.type());
    assertEquals(expected.from(), actual.from());
    assertEquals(expected.to(), actual.to());
    assertEquals(expected.term(), actual.term());
    assertEquals(expected.logTerm(), actual.logTerm());
    assertEquals(expected.index(), actual.index());
    assertEquals(expected.commit(), actual.commit());
    assertEquals(expected.reject(), actual.reject());
    assertEquals(expected.rejectHint(), actual.rejectHint());
    assertArrayEquals(expected.context(), actual.context());
    assertEquals(expected.entries(), actual.entries());
    if (expected.snapshot() == null) {
      assertNull(actual.snapshot());
    } else {
      assertEquals(expected.snapshot().metadata(), actual.snapshot().metadata());
      assertArrayEquals(expected.snapshot().data(), actual.snapshot().data());
    }
  }
}
