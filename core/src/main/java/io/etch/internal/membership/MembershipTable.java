package io.etch.internal.membership;

import io.etch.PeerAddress;
import io.etch.cluster.Member;
import io.etch.raft.ConfState;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChanger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * The cluster's membership with names and peer addresses: replicated state, like the store.
 *
 * <h2>Why it exists beside Raft's configuration</h2>
 *
 * Raft's {@code ConfState} knows only ids. Every member also needs each peer's address (to dial
 * it), a joining member needs the whole list (it knows nobody), and {@code listMembers} needs
 * names. So every membership change carries a {@link MembershipContext}, and every member applies
 * it here in log order, on the applier thread, exactly as Raft applies the change itself: the same
 * validity rule ({@link ConfChanger#invalidReason}), so a change Raft ignores is ignored here too
 * and the two never disagree. The table is written into every snapshot (the applier's extra
 * section, {@link #writeSection}) and restored from it, so a restart or a snapshot install brings
 * the addresses back with the data.
 *
 * <h2>Threads</h2>
 *
 * One writer (the applier thread, or the starting thread before it runs). Everyone else reads the
 * immutable {@link View} published through a volatile field.
 *
 * <p>Removed member ids are remembered (etcd does too) so a removed name cannot be added back; the
 * list grows by one id per removal.
 */
public final class MembershipTable {
  /** Marks the table's section in the snapshot's extra bytes ("MEMB"). */
  public static final int SECTION_MAGIC = 0x4D454D42;

  private static final int FORMAT_VERSION = 1;

  /**
   * An immutable copy of the table.
   *
   * @param clusterId the cluster id (0 while a joining member has not learned it)
   * @param members the members, ordered by id (unsigned)
   * @param removedIds member ids removed from the cluster
   */
  public record View(long clusterId, List<Member> members, Set<Long> removedIds) {
    public static final View EMPTY = new View(0, List.of(), Set.of());

    public View {
      members = List.copyOf(members);
      removedIds = Set.copyOf(removedIds);
    }

    /** The member with this (public) id, or null. */
    public Member member(long memberId) {
      for (Member m : members) {
        if (m.id() == memberId) {
          return m;
        }
      }
      return null;
    }

    public int voterCount() {
      return (int) members.stream().filter(m -> !m.learner()).count();
    }

    public int learnerCount() {
      return (int) members.stream().filter(Member::learner).count();
    }
  }

  /** What applying one change did. */
  public enum Outcome {
    ADDED,
    PROMOTED,
    REMOVED,
    /** Invalid against the current membership: nothing changed (Raft ignores it too). */
    IGNORED
  }

  /**
   * The result of {@link #apply}.
   *
   * @param member the member added, promoted or removed (null when ignored and unknown)
   * @param reason why it was ignored, else null
   */
  public record Change(Outcome outcome, Member member, String reason, View after) {}

  private long clusterId;
  private final Long2ObjectHashMap<Member> byRaftId = new Long2ObjectHashMap<>();
  private final TreeSet<Long> removed = new TreeSet<>(Long::compareUnsigned);
  private volatile View view = View.EMPTY;

  /** A member's id as Raft and the transport see it: the sign bit cleared, 0 mapped to 1. */
  public static long raftId(long memberId) {
    long id = memberId & Long.MAX_VALUE;
    return id == 0 ? 1 : id;
  }

  /** The current membership; any thread. */
  public View view() {
    return view;
  }

  /** Replaces the table (bootstrap from the initial cluster). Writer thread. */
  public void reset(long clusterId, Collection<Member> members) {
    this.clusterId = clusterId;
    byRaftId.clear();
    removed.clear();
    for (Member m : members) {
      byRaftId.put(raftId(m.id()), m);
    }
    publish();
  }

  /** Raft's configuration as this table sees it. */
  public ConfState confState() {
    LongArrayList voters = new LongArrayList();
    LongArrayList learners = new LongArrayList();
    for (Long2ObjectHashMap<Member>.KeyIterator it = byRaftId.keySet().iterator(); it.hasNext(); ) {
      long id = it.nextLong();
      (byRaftId.get(id).learner() ? learners : voters).addLong(id);
    }
    return ConfState.of(voters.toLongArray(), learners.toLongArray());
  }

  /** Applies a committed change in log order, as Raft does. Writer thread. */
  public Change apply(ConfChange cc, MembershipContext context) {
    String invalid = ConfChanger.invalidReason(confState(), cc);
    Member existing = byRaftId.get(cc.nodeId());
    if (invalid != null) {
      return new Change(Outcome.IGNORED, existing, invalid, view);
    }
    Change change;
    switch (cc.type()) {
      case ADD_VOTER, ADD_LEARNER -> {
        boolean learner = cc.type() == io.etch.raft.conf.ConfChangeType.ADD_LEARNER;
        if (existing != null) {
          Member changed =
              new Member(existing.id(), existing.name(), existing.peerAddress(), learner);
          byRaftId.put(cc.nodeId(), changed);
          change = new Change(learner ? Outcome.ADDED : Outcome.PROMOTED, changed, null, null);
        } else {
          Member added =
              new Member(context.memberId(), context.name(), addressOf(context, cc), learner);
          byRaftId.put(cc.nodeId(), added);
          change = new Change(Outcome.ADDED, added, null, null);
        }
      }
      case REMOVE_NODE -> {
        byRaftId.remove(cc.nodeId());
        removed.add(existing != null ? existing.id() : context.memberId());
        change = new Change(Outcome.REMOVED, existing, null, null);
      }
      default -> throw new IllegalStateException("unknown conf change type " + cc.type());
    }
    publish();
    return new Change(change.outcome(), change.member(), null, view);
  }

  private static PeerAddress addressOf(MembershipContext context, ConfChange cc) {
    if (context.address() == null || raftId(context.memberId()) != cc.nodeId()) {
      // every addition Etch proposes carries both; anything else is a bug, failed identically
      throw new IllegalStateException(
          "membership change " + cc + " adds a member without its address: " + context);
    }
    return context.address();
  }

  private void publish() {
    List<Member> members = new ArrayList<>(byRaftId.values());
    members.sort(Comparator.comparing(Member::id, Long::compareUnsigned));
    view = new View(clusterId, members, removed);
  }

  /** Writes the table as a section: magic, length, then the table. */
  public void writeSection(DataOutputStream out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream body = new DataOutputStream(bytes)) {
      View v = view;
      body.writeByte(FORMAT_VERSION);
      body.writeLong(v.clusterId());
      body.writeInt(v.members().size());
      for (Member m : v.members()) {
        body.writeLong(m.id());
        body.writeBoolean(m.learner());
        body.writeUTF(m.name());
        body.writeUTF(m.peerAddress().host());
        body.writeInt(m.peerAddress().port());
      }
      body.writeInt(v.removedIds().size());
      for (long id : v.removedIds()) {
        body.writeLong(id);
      }
    }
    out.writeInt(SECTION_MAGIC);
    out.writeInt(bytes.size());
    bytes.writeTo(out);
  }

  /**
   * Reads a section {@link #writeSection} wrote (the caller read the magic) and replaces the table
   * with it. Writer thread.
   */
  public void readSectionBody(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("membership section of " + length + " bytes is truncated");
    }
    byte[] body = in.readNBytes(length);
    try (DataInputStream b = new DataInputStream(new ByteArrayInputStream(body))) {
      int version = b.readUnsignedByte();
      if (version != FORMAT_VERSION) {
        throw new IOException("membership section version " + version);
      }
      long cluster = b.readLong();
      int count = b.readInt();
      List<Member> members = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long id = b.readLong();
        boolean learner = b.readBoolean();
        String name = b.readUTF();
        String host = b.readUTF();
        int port = b.readInt();
        members.add(new Member(id, name, new PeerAddress(host, port), learner));
      }
      int removedCount = b.readInt();
      clusterId = cluster;
      byRaftId.clear();
      for (Member m : members) {
        byRaftId.put(raftId(m.id()), m);
      }
      removed.clear();
      for (int i = 0; i < removedCount; i++) {
        removed.add(b.readLong());
      }
    } catch (RuntimeException e) {
      throw new IOException("membership section does not decode: " + e.getMessage(), e);
    }
    publish();
  }

  /** The table's bytes as {@link #writeSection} writes them. */
  public byte[] sectionBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeSection(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
