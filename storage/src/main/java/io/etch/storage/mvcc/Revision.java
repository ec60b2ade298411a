package io.etch.storage.mvcc;

/**
 * A store revision: {@code main} is bumped once per write transaction, {@code sub} numbers the
 * writes inside it from 0. Revisions order by main, then sub.
 *
 * @param main the transaction's revision (what etcd exposes as mod/create revision)
 * @param sub the position of the write within its transaction
 */
public record Revision(long main, long sub) implements Comparable<Revision> {
  @Override
  public int compareTo(Revision o) {
    int c = Long.compare(main, o.main);
    return c != 0 ? c : Long.compare(sub, o.sub);
  }
}
