package io.etch.internal.node;

import io.etch.EtchException;
import io.etch.MemberExistsException;
import io.etch.MemberNotFoundException;
import io.etch.UnhealthyClusterException;
import io.etch.cluster.MemberAddResponse;
import io.etch.cluster.MemberListResponse;
import io.etch.internal.membership.MembershipContext;
import io.etch.internal.membership.MembershipTable;
import io.etch.kv.Header;
import io.etch.raft.Entry;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's part of membership: applies each committed membership change to the {@link
 * MembershipTable} in log order, completes the proposing member's future with the new membership,
 * tells the node ({@link MembershipEvents}), and carries the table in and out of snapshots.
 *
 * <p>Raft itself applies the same change on the owner thread when it hands the entry over; both use
 * the same validity rule, so an invalid change (a re-proposal committed twice, say) is a no-op in
 * both, and the proposer's future was completed by the first copy.
 */
final class NodeMembership {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);

  private final String memberName;
  private final long memberId;
  private final MembershipTable table;
  private final PendingRegistry pending;
  private final Executor callbacks;
  private final LongFunction<Header> header;
  private final MembershipEvents events;
  private boolean selfRemoved;

  NodeMembership(
      String memberName,
      long memberId,
      MembershipTable table,
      PendingRegistry pending,
      Executor callbacks,
      LongFunction<Header> header,
      MembershipEvents events) {
    this.memberName = memberName;
    this.memberId = memberId;
    this.table = table;
    this.pending = pending;
    this.callbacks = callbacks;
    this.header = header;
    this.events = events;
  }

  MembershipTable table() {
    return table;
  }

  /** Applier thread: a committed CONF_CHANGE entry. */
  void apply(Entry entry, long revision) {
    ConfChange cc;
    MembershipContext context;
    try {
      cc = ConfChangeCodec.decode(entry.data());
      context = MembershipContext.decode(cc.context());
    } catch (RuntimeException e) {
      LOG.error(
          "member {}: membership change at index {} does not decode; ignored",
          memberName,
          entry.index(),
          e);
      return;
    }
    MembershipTable.Change change = table.apply(cc, context);
    LOG.info(
        "member {}: membership change {} at index {}: {}{}",
        memberName,
        cc,
        entry.index(),
        change.outcome(),
        change.reason() == null ? "" : " (" + change.reason() + ")");
    boolean removesSelf = false;
    if (change.outcome() != MembershipTable.Outcome.IGNORED) {
      events.changed(change.after());
      removesSelf =
          change.outcome() == MembershipTable.Outcome.REMOVED
              && change.member() != null
              && change.member().id() == memberId
              && !selfRemoved;
    }
    // answer the caller first: a member asked to remove itself (the leader, say) has applied the
    // change, and only then stops, failing what is still waiting
    if (context.originMemberId() == memberId) {
      complete(context, cc, change, revision);
    }
    if (removesSelf) {
      selfRemoved = true;
      events.selfRemoved();
    }
  }

  private void complete(
      MembershipContext context, ConfChange cc, MembershipTable.Change change, long revision) {
    PendingProposal proposal = pending.removeProposal(context.requestId());
    if (proposal == null) {
      return;
    }
    Header h = header.apply(revision);
    switch (change.outcome()) {
      case ADDED ->
          proposal.succeed(
              new MemberAddResponse(h, change.member(), change.after().members()), callbacks);
      case PROMOTED, REMOVED ->
          proposal.succeed(new MemberListResponse(h, change.after().members()), callbacks);
      case IGNORED -> proposal.fail(ignoredError(cc, context, change), callbacks);
    }
  }

  private static EtchException ignoredError(
      ConfChange cc, MembershipContext context, MembershipTable.Change change) {
    return switch (cc.type()) {
      case ADD_VOTER, ADD_LEARNER ->
          new MemberExistsException(
              context.memberId(),
              change.member() != null ? change.member().peerAddress() : context.address());
      case REMOVE_NODE ->
          change.after().member(context.memberId()) == null
              ? new MemberNotFoundException(context.memberId())
              : new UnhealthyClusterException("remove member", 0, 1);
    };
  }

  /** Writes the table's section of the snapshot's extra bytes. */
  void writeSection(DataOutputStream out) throws IOException {
    table.writeSection(out);
  }

  /**
   * Reads the table's section when the extra bytes have one (snapshots written before membership
   * was replicated state do not: the table then stays as bootstrapped), then tells the node.
   */
  void readSection(DataInputStream in) throws IOException {
    if (in.available() >= Integer.BYTES) {
      int magic = in.readInt();
      if (magic != MembershipTable.SECTION_MAGIC) {
        throw new IOException(
            "expected the membership section (magic "
                + Integer.toHexString(MembershipTable.SECTION_MAGIC)
                + "), found "
                + Integer.toHexString(magic));
      }
      table.readSectionBody(in);
    }
    MembershipTable.View view = table.view();
    boolean member = view.member(memberId) != null;
    if (!member && view.removedIds().contains(memberId) && !selfRemoved) {
      selfRemoved = true;
      events.changed(view);
      events.selfRemoved();
      return;
    }
    events.changed(view);
  }

  /** The current membership. */
  MembershipTable.View view() {
    return table.view();
  }
}
