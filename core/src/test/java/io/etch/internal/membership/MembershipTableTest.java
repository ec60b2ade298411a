package io.etch.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.PeerAddress;
import io.etch.cluster.Member;
import io.etch.raft.ConfState;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeType;
import io.etch.raft.conf.ConfChanger;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembershipTableTest {
  private static final PeerAddress A1 = new PeerAddress("10.0.0.1", 2380);
  private static final PeerAddress A2 = new PeerAddress("10.0.0.2", 2380);
  private static final PeerAddress A4 = new PeerAddress("h\u00f6st-4.example", 2381);

  /** Top bit set: Raft sees it cleared. */
  private static final long ID4 = 0x8000_0000_0000_0004L;

  private static MembershipTable twoVoters() {
    MembershipTable t = new MembershipTable();
    t.reset(0xC1, List.of(new Member(1, "m1", A1, false), new Member(2, "m2", A2, false)));
    return t;
  }

  private static ConfChange change(ConfChangeType type, long memberId, String name, PeerAddress a) {
    return new ConfChange(
        type,
        MembershipTable.raftId(memberId),
        new MembershipContext(1, 77, memberId, name, a).encode());
  }

  private static MembershipContext ctx(ConfChange cc) {
    return MembershipContext.decode(cc.context());
  }

  @Test
  void contextRoundTripsAndRejectsGarbage() {
    MembershipContext c = new MembershipContext(-1L, 42, ID4, "m4", A4);
    assertEquals(c, MembershipContext.decode(c.encode()));
    MembershipContext promote = new MembershipContext(5, 6, 7, "", null);
    assertEquals(promote, MembershipContext.decode(promote.encode()));
    byte[] bytes = c.encode();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      assertThrows(RuntimeException.class, () -> MembershipContext.decode(cut));
    }
  }

  @Test
  void addPromoteAndRemoveFollowRaftsRule() {
    MembershipTable t = twoVoters();
    ConfChange add = change(ConfChangeType.ADD_LEARNER, ID4, "m4", A4);
    MembershipTable.Change added = t.apply(add, ctx(add));
    assertEquals(MembershipTable.Outcome.ADDED, added.outcome());
    assertEquals(new Member(ID4, "m4", A4, true), added.member());
    assertEquals(1, t.view().learnerCount());

    // the same addition again (a re-proposal committed twice) changes nothing, like Raft
    assertEquals(MembershipTable.Outcome.IGNORED, t.apply(add, ctx(add)).outcome());

    ConfChange promote = change(ConfChangeType.ADD_VOTER, ID4, "", null);
    assertEquals(MembershipTable.Outcome.PROMOTED, t.apply(promote, ctx(promote)).outcome());
    assertEquals(3, t.view().voterCount());

    ConfChange remove = change(ConfChangeType.REMOVE_NODE, 2, "", null);
    assertEquals(MembershipTable.Outcome.REMOVED, t.apply(remove, ctx(remove)).outcome());
    assertNull(t.view().member(2));
    assertEquals(java.util.Set.of(2L), t.view().removedIds());
    assertEquals(MembershipTable.Outcome.IGNORED, t.apply(remove, ctx(remove)).outcome());
  }

  @Test
  void theTableAlwaysAgreesWithRaftsConfiguration() {
    SplittableRandom random = new SplittableRandom(11);
    MembershipTable t = twoVoters();
    ConfState raft = t.confState();
    for (int i = 0; i < 2000; i++) {
      long id = 1 + random.nextInt(6);
      ConfChangeType type = ConfChangeType.values()[random.nextInt(3)];
      ConfChange cc = change(type, id, "m" + id, new PeerAddress("h", 1000 + (int) id));
      raft = ConfChanger.apply(raft, cc);
      t.apply(cc, ctx(cc));
      assertEquals(raft, t.confState(), "after " + cc);
    }
  }

  @Test
  void theSectionRoundTripsEverything() throws Exception {
    MembershipTable t = twoVoters();
    ConfChange add = change(ConfChangeType.ADD_LEARNER, ID4, "m4", A4);
    t.apply(add, ctx(add));
    ConfChange remove = change(ConfChangeType.REMOVE_NODE, 2, "", null);
    t.apply(remove, ctx(remove));

    byte[] bytes = t.sectionBytes();
    MembershipTable copy = new MembershipTable();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      assertEquals(MembershipTable.SECTION_MAGIC, in.readInt());
      copy.readSectionBody(in);
      assertEquals(0, in.available());
    }
    assertEquals(t.view(), copy.view());
    assertEquals(t.confState(), copy.confState());
  }
}
