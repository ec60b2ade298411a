package io.etch.raft.sim;

import io.etch.raft.Message;
import java.util.ArrayList;
import java.util.SplittableRandom;
import org.agrona.collections.LongHashSet;

/**
 * A lossy, reordering, duplicating, delaying network with symmetric and asymmetric partitions.
 *
 * <p>Messages wait in a bag with a delivery time; {@link #pollDeliverable} picks a random one that
 * is due, so any interleaving can happen. A partition blocks directed links (from, to); a blocked
 * message is lost at delivery time, like a dropped TCP connection.
 */
final class SimNetwork {
  record InFlight(long deliverAt, Message message) {}

  private final ArrayList<InFlight> bag = new ArrayList<>();
  private final LongHashSet blocked = new LongHashSet();
  int dropPercent;
  int duplicatePercent;
  int maxDelayTicks;

  private static long link(long from, long to) {
    return (from << 32) | to;
  }

  int size() {
    return bag.size();
  }

  boolean isBlocked(long from, long to) {
    return blocked.contains(link(from, to));
  }

  void block(long from, long to) {
    blocked.add(link(from, to));
  }

  void heal() {
    blocked.clear();
  }

  boolean hasPartitions() {
    return !blocked.isEmpty();
  }

  /** Queues a message; returns false if it was dropped on the way in. */
  boolean send(Message m, long now, SplittableRandom r) {
    if (r.nextInt(100) < dropPercent) {
      return false;
    }
    bag.add(new InFlight(now + (maxDelayTicks == 0 ? 0 : r.nextInt(maxDelayTicks + 1)), m));
    if (r.nextInt(100) < duplicatePercent) {
      bag.add(new InFlight(now + (maxDelayTicks == 0 ? 0 : r.nextInt(maxDelayTicks + 1)), m));
    }
    return true;
  }

  /** A random due message (removed from the bag), or null if the pick is not due yet. */
  InFlight pollDeliverable(long now, SplittableRandom r) {
    if (bag.isEmpty()) {
      return null;
    }
    int i = r.nextInt(bag.size());
    InFlight f = bag.get(i);
    if (f.deliverAt() > now) {
      return null;
    }
    int last = bag.size() - 1;
    bag.set(i, bag.get(last));
    bag.remove(last);
    return f;
  }

  /** The oldest-queued due message, for the orderly liveness phase. */
  InFlight pollFirstDue(long now) {
    for (int i = 0; i < bag.size(); i++) {
      if (bag.get(i).deliverAt() <= now) {
        return bag.remove(i);
      }
    }
    return null;
  }

  void clear() {
    bag.clear();
  }

  /** Every member id this network has seen blocked, for tracing. */
  ArrayList<Long> blockedLinks() {
    ArrayList<Long> out = new ArrayList<>();
    blocked.forEach(out::add);
    return out;
  }
}
