package io.etch.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageModelTest {
  @Test
  void everyMessageTypeRoundTripsThroughItsWireCode() {
    for (MessageType t : MessageType.values()) {
      assertEquals(t, MessageType.fromCode(t.code()));
    }
    assertThrows(IllegalArgumentException.class, () -> MessageType.fromCode(99));
    assertThrows(IllegalArgumentException.class, () -> MessageType.fromCode(-1));
  }

  @Test
  void localMessagesAreMarked() {
    assertTrue(MessageType.HUP.isLocal());
    assertTrue(MessageType.UNREACHABLE.isLocal());
    assertFalse(MessageType.APP.isLocal());
    assertTrue(MessageType.APP_RESP.isResponse());
    assertFalse(MessageType.APP.isResponse());
  }

  @Test
  void builderCarriesEveryFieldAndToBuilderCopiesThem() {
    Entry e = Entry.normal(3, 7, new byte[] {1, 2});
    Message m =
        Message.builder(MessageType.APP)
            .from(1)
            .to(2)
            .term(3)
            .logTerm(2)
            .index(6)
            .entries(List.of(e))
            .commit(5)
            .context(new byte[] {9})
            .build();
    Message copy = m.toBuilder().build();
    assertEquals(1, copy.from());
    assertEquals(2, copy.to());
    assertEquals(3, copy.term());
    assertEquals(2, copy.logTerm());
    assertEquals(6, copy.index());
    assertEquals(List.of(e), copy.entries());
    assertEquals(5, copy.commit());
    assertArrayEquals(new byte[] {9}, copy.context());
    assertEquals(Entry.OVERHEAD_BYTES + 2, copy.entriesSizeBytes());
  }

  @Test
  void confStateSortsAndDeduplicatesAndRejectsInvalidIds() {
    ConfState c = ConfState.of(new long[] {3, 1, 3, 2}, new long[] {5});
    assertArrayEquals(new long[] {1, 2, 3}, c.voters());
    assertArrayEquals(new long[] {5}, c.learners());
    assertFalse(c.isJoint());
    assertThrows(IllegalArgumentException.class, () -> ConfState.of(new long[] {0}, null));
  }

  @Test
  void invalidPositionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Entry.normal(-1, 1, null));
    assertThrows(IllegalArgumentException.class, () -> new HardState(1, -1, 0));
  }
}
