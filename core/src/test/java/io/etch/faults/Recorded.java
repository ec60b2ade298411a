package io.etch.faults;

import io.etch.lincheck.EtcdKvModel;
import io.etch.lincheck.Operation;
import java.util.List;

/**
 * One client operation as the fault suite recorded it.
 *
 * @param process the client's process id (a client takes a new one after an unknown outcome, since
 *     its old operation may still be in flight)
 * @param member the member the client asked
 * @param op what it asked
 * @param result what it was told; null when the outcome is unknown (timeout, member closed)
 * @param callNs {@code System.nanoTime()} before the call
 * @param returnNs {@code System.nanoTime()} after the answer; 0 when unknown
 * @param writes the writes the operation performs when it applies (puts with their value, deletes
 *     with a null value), in order; empty for reads and for a branch that writes nothing
 * @param revision the header revision of the answer (0 when unknown)
 */
record Recorded(
    int process,
    String member,
    EtcdKvModel.Op op,
    EtcdKvModel.Result result,
    long callNs,
    long returnNs,
    List<Write> writes,
    long revision) {

  /** A put ({@code value} non-null) or a delete of {@code key}. */
  record Write(String key, String value) {}

  Recorded {
    writes = List.copyOf(writes);
  }

  boolean isUnknown() {
    return result == null;
  }

  /** True when the operation is acknowledged and changed the store (so it created a revision). */
  boolean createdRevision() {
    return result != null && result.revision() > 0;
  }

  Operation<EtcdKvModel.Op, EtcdKvModel.Result> toOperation() {
    return result == null
        ? Operation.unknown(process, op, callNs)
        : Operation.completed(process, op, result, callNs, returnNs);
  }

  @Override
  public String toString() {
    return "p"
        + process
        + "@"
        + member
        + " "
        + op
        + " -> "
        + (result == null ? "unknown" : result)
        + " ["
        + callNs
        + ", "
        + returnNs
        + "]";
  }
}
