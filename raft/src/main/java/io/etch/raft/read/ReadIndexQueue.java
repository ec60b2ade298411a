package io.etch.raft.read;

import io.etch.raft.Message;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.agrona.collections.LongHashSet;

/**
 * The leader's pending ReadIndex requests (§6.4), in arrival order, each with the commit index
 * recorded when it arrived and the set of voters that acknowledged the heartbeat carrying its
 * context.
 *
 * <p>Heartbeat acknowledgements carry the context of the most recent request; once a quorum
 * acknowledged it, that request and every earlier one are confirmed (leadership was confirmed after
 * all of them arrived). Bounded by {@code maxPending}: excess requests are refused by the caller.
 */
public final class ReadIndexQueue {
  /** One pending request. */
  public record Pending(long index, Message request, LongHashSet acks) {}

  private final HashMap<ByteBuffer, Pending> pending = new HashMap<>();
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final int maxPending;

  public ReadIndexQueue(int maxPending) {
    this.maxPending = maxPending;
  }

  public boolean isFull() {
    return queue.size() >= maxPending;
  }

  public int size() {
    return queue.size();
  }

  /** Adds a request read at commit index {@code index}; a duplicate context is ignored. */
  public void add(long index, Message request) {
    ByteBuffer key = ByteBuffer.wrap(request.context());
    if (pending.containsKey(key)) {
      return;
    }
    pending.put(key, new Pending(index, request, new LongHashSet()));
    queue.addLast(key);
  }

  /** Records an acknowledgement; returns the acks so far, or null for an unknown context. */
  public LongHashSet ack(long from, byte[] context) {
    Pending p = pending.get(ByteBuffer.wrap(context));
    if (p == null) {
      return null;
    }
    p.acks().add(from);
    return p.acks();
  }

  /** Removes and returns every request up to and including the one with {@code context}. */
  public List<Pending> confirm(byte[] context) {
    ByteBuffer key = ByteBuffer.wrap(context);
    if (!pending.containsKey(key)) {
      return List.of();
    }
    List<Pending> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      ByteBuffer k = queue.pollFirst();
      out.add(pending.remove(k));
      if (k.equals(key)) {
        break;
      }
    }
    return out;
  }

  /** The context of the newest request, or null when none is pending. */
  public byte[] lastContext() {
    ByteBuffer k = queue.peekLast();
    return k == null ? null : pending.get(k).request().context();
  }

  public void clear() {
    pending.clear();
    queue.clear();
  }
}
