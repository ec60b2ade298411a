package io.etch.internal.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Every request a user of this member is waiting for: proposals by request id (the applier finds
 * them when it applies an entry this member originated) and linearizable reads. Lets close fail
 * them all with {@code NodeClosedException}.
 */
final class PendingRegistry {
  private final Map<Long, PendingProposal> proposals = new ConcurrentHashMap<>();
  private final Set<PendingRead> reads = ConcurrentHashMap.newKeySet();

  void add(PendingProposal proposal) {
    proposals.put(proposal.requestId, proposal);
  }

  void add(PendingRead read) {
    reads.add(read);
  }

  PendingProposal removeProposal(long requestId) {
    return proposals.remove(requestId);
  }

  /** Removes and returns the waiting proposals that {@code which} selects. */
  List<PendingProposal> takeProposals(Predicate<PendingProposal> which) {
    List<PendingProposal> taken = new ArrayList<>();
    for (PendingProposal p : proposals.values()) {
      if (which.test(p) && proposals.remove(p.requestId, p)) {
        taken.add(p);
      }
    }
    return taken;
  }

  void remove(PendingProposal proposal) {
    proposals.remove(proposal.requestId, proposal);
  }

  void remove(PendingRead read) {
    reads.remove(read);
  }

  int size() {
    return proposals.size() + reads.size();
  }

  void failAll(RuntimeException error, Executor executor) {
    for (PendingProposal p : proposals.values()) {
      p.fail(error, executor);
    }
    proposals.clear();
    for (PendingRead r : reads) {
      r.fail(error, executor);
    }
    reads.clear();
  }
}
