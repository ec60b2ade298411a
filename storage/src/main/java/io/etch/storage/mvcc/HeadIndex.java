package io.etch.storage.mvcc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An exact-key accelerator next to the B+tree: a hash table from each indexed key to the newest
 * {@link Version} of its history, shared by all views of one store, written only by the store's
 * writer thread and read lock-free from any thread.
 *
 * <h2>Why a point get may read a shared, mutable table</h2>
 *
 * <p>A key's history is an immutable newest-first list ({@link Version}), so a newer head is a
 * superset of every older head <em>above the point where compaction cut it</em>: the writer only
 * ever (a) prepends versions with a main revision above every published view's revision, or (b)
 * during compaction at {@code c}, replaces a history by one that differs from it only below {@code
 * c} (or removes a key whose history ends in a tombstone below {@code c}; the versions above may be
 * rebuilt with their value bytes moved to another slab, which reads the same). Hence, for a view at
 * revision {@code R} and a read at {@code at <= R}, walking the index's current head down to the
 * first version with {@code modMain <= at} yields exactly what the view's own tree yields, provided
 * {@code at >= floorRevision}, the highest revision a compaction has been started at. Reads below
 * the floor (only views taken before that compaction can make them) fall back to the view's tree,
 * which pins the old histories. {@link MvccView#get} therefore reads the head first and the floor
 * second: the writer raises the floor (volatile) before rewriting any history, so a reader that saw
 * a rewritten head also sees the raised floor.
 *
 * <p>This keeps every view's snapshot exact while a get costs one table probe (a cache line holding
 * the key reference next to the head reference) instead of a descent through four tree levels, and
 * a put adds one probe instead of a second path copy (a persistent hash trie would copy four nodes
 * per put and still take four dependent loads per get).
 *
 * <h2>Layout and publication</h2>
 *
 * <p>Open addressing with linear probing over one {@code Object[]}: slot {@code i} is {@code
 * table[2i]} (the key, never changed once set) and {@code table[2i + 1]} (its head, null once
 * compaction removed the key; a later put of that key reuses the slot). The writer stores a new
 * slot's head before its key, both with release semantics, and readers load with acquire semantics,
 * so a reader that finds a key also sees a head for it. The load stays at most one half; growing or
 * purging removed slots builds a new array and publishes it through a volatile field. A reader
 * still probing the previous array sees a state at least as new as the view it started from (the
 * array was replaced after that view was published), which is all a read needs.
 *
 * <p>Not a general map: keys and heads are owned by the store, and only the writer thread may call
 * {@link #put}, {@link #remove} and {@link #raiseFloor}.
 */
final class HeadIndex {
  /** Most keys the table can hold (the array holds two references per slot at load 1/2). */
  static final int MAX_KEYS = 1 << 27;

  private static final int MIN_CAPACITY = 16;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private volatile Object[] table;
  private volatile long floorRevision;

  /** Slots holding a key (live or removed); writer thread only. */
  private int used;

  /** Slots whose key was removed (null head); writer thread only. */
  private int removed;

  HeadIndex() {
    this.table = new Object[2 * MIN_CAPACITY];
  }

  /** An index of every key of {@code tree}, valid for reads at or above {@code floorRevision}. */
  static HeadIndex of(PersistentBTree<Version> tree, long floorRevision) {
    HeadIndex index = new HeadIndex();
    index.table = new Object[2 * capacityFor(tree.size())];
    PersistentBTree.Cursor<Version> c = tree.ascending(null);
    while (c.next()) {
      index.put(c.key(), c.value());
    }
    index.floorRevision = floorRevision;
    return index;
  }

  /**
   * The newest version of {@code key}, or null when the key is not indexed. Only meaningful for
   * reads at or above {@link #floorRevision()} read <em>after</em> this call.
   */
  Version head(byte[] key) {
    Object[] t = table;
    int mask = (t.length >>> 1) - 1;
    int i = hash(key) & mask;
    while (true) {
      Object k = SLOTS.getAcquire(t, i << 1);
      if (k == null) {
        return null;
      }
      if (k == key || Arrays.equals((byte[]) k, key)) {
        return (Version) SLOTS.getAcquire(t, (i << 1) + 1);
      }
      i = (i + 1) & mask;
    }
  }

  /** The highest revision a compaction started at: reads below it must use the tree. */
  long floorRevision() {
    return floorRevision;
  }

  /** Writer: announces a compaction at {@code revision} before any history is rewritten. */
  void raiseFloor(long revision) {
    if (revision > floorRevision) {
      floorRevision = revision;
    }
  }

  /** Writer: sets the newest version of {@code key}. */
  void put(byte[] key, Version head) {
    Object[] t = table;
    int mask = (t.length >>> 1) - 1;
    int i = hash(key) & mask;
    while (true) {
      Object k = t[i << 1];
      if (k == null) {
        break;
      }
      if (k == key || Arrays.equals((byte[]) k, key)) {
        if (t[(i << 1) + 1] == null) {
          removed--;
        }
        SLOTS.setRelease(t, (i << 1) + 1, head);
        return;
      }
      i = (i + 1) & mask;
    }
    if (2 * (used + 1) > (t.length >>> 1)) {
      rebuild(used + 1 - removed);
      put(key, head);
      return;
    }
    SLOTS.setRelease(t, (i << 1) + 1, head);
    SLOTS.setRelease(t, i << 1, key);
    used++;
  }

  /** Writer: removes {@code key} (compaction dropped its whole history). */
  void remove(byte[] key) {
    Object[] t = table;
    int mask = (t.length >>> 1) - 1;
    int i = hash(key) & mask;
    while (true) {
      Object k = t[i << 1];
      if (k == null) {
        return;
      }
      if (k == key || Arrays.equals((byte[]) k, key)) {
        if (t[(i << 1) + 1] != null) {
          SLOTS.setRelease(t, (i << 1) + 1, null);
          removed++;
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Number of keys with a head (for tests and accounting). */
  int size() {
    return used - removed;
  }

  /** Copies the live slots into a fresh array sized for {@code liveKeys} and publishes it. */
  private void rebuild(int liveKeys) {
    if (liveKeys > MAX_KEYS) {
      throw new IllegalStateException(
          "head index full: " + liveKeys + " keys exceed the limit of " + MAX_KEYS);
    }
    Object[] old = table;
    Object[] t = new Object[2 * capacityFor(liveKeys)];
    int mask = (t.length >>> 1) - 1;
    int count = 0;
    for (int s = 0; s < old.length; s += 2) {
      Object head = old[s + 1];
      if (head == null) {
        continue;
      }
      byte[] key = (byte[]) old[s];
      int i = hash(key) & mask;
      while (t[i << 1] != null) {
        i = (i + 1) & mask;
      }
      t[i << 1] = key;
      t[(i << 1) + 1] = head;
      count++;
    }
    used = count;
    removed = 0;
    table = t;
  }

  /**
   * Slots for {@code keys} keys: a power of two at least three times as many, so that a rebuilt
   * table is at most a third full and fills up to one half before the next rebuild.
   */
  private static int capacityFor(int keys) {
    int want = Math.max(MIN_CAPACITY, 3 * keys);
    return Integer.highestOneBit(want - 1) << 1;
  }

  /** A 32-bit hash of the key's bytes, 8 bytes per step, finished with a full avalanche. */
  static int hash(byte[] key) {
    long h = 0x9E3779B97F4A7C15L ^ key.length;
    int i = 0;
    for (int end = key.length - Long.BYTES; i <= end; i += Long.BYTES) {
      h = Long.rotateLeft(h ^ ((long) LONGS.get(key, i) * 0xC2B2AE3D27D4EB4FL), 31);
      h *= 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (; i < key.length; i++) {
      tail = (tail << 8) | (key[i] & 0xff);
    }
    h ^= tail * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
