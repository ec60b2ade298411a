package io.etch.storage.mvcc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One store's allocator of value bytes: small values are packed, one after the other, into large
 * on-heap {@code byte[]} slabs instead of each living in an array of its own.
 *
 * <h2>Why slabs</h2>
 *
 * <p>A store that keeps its history retains every value written since the last compaction, and with
 * small values (hundreds of bytes) the value arrays are most of the retained bytes and half of the
 * retained objects. Every young collection promotes what was written since the previous one, and a
 * copying collector (ParallelGC, G1) copies each surviving object on its own: a cache miss, a
 * header to read and forward, a card to mark, per value. Packed into slabs, the same bytes survive
 * as a few large arrays that the collector copies in bulk (one memcpy per slab), and a slab that is
 * already in the old generation takes new values with no copying at all (storing primitives into an
 * old array needs no card marking either). A version then holds (slab, offset, length) instead of
 * its own array: one reference and one int, so it keeps its 64 bytes.
 *
 * <p>Measured on a loop of 1.5 million puts of fresh 256-byte values into each of three stores
 * (100,000 keys, history kept; ParallelGC, 6 GB heap with a 1 GB young generation): the time in
 * young collections fell by about a fifth (1.8-2.1 s to 1.4-1.5 s; 120 ms to 80 ms per pause) and
 * the loop's wall time by about 8%; {@code MvccMemoryFootprint} retains 342 instead of 357 bytes
 * per key (one 256-byte version) and its full collections take about a third less time.
 *
 * <p>Reads copy a value out of its slab ({@link KeyValue#value()}), but only when the value is
 * asked for: a put's event carries its previous version, and reading that (cold) value eagerly made
 * puts a fifth slower.
 *
 * <h2>Sizes</h2>
 *
 * <p>{@link #SLAB_BYTES} (64 KiB) holds 250 values of 256 bytes: one slab object per young
 * collection's worth of a few hundred puts instead of a few hundred arrays. It stays far below G1's
 * humongous threshold (half a region; regions are at least 1 MiB) and below a typical TLAB, so a
 * slab is an ordinary young object under every collector. Larger slabs would gain nothing on
 * promotion cost and would make a pinned slab (below) dearer.
 *
 * <p>{@link #MAX_SLAB_VALUE_BYTES} (1 KiB): a value longer than that keeps an exact array of its
 * own, as before. At that size the array header is under 2% of the bytes and the per-object cost of
 * the collector is amortized over at least 16 cache lines, so packing gains little; and it bounds
 * the tail a slab can waste when the next value does not fit it (a new slab is started and the rest
 * of the old one is left unused): at most {@code MAX_SLAB_VALUE_BYTES - 1} bytes of every {@code
 * SLAB_BYTES}, under 1.6%. Empty values use one shared empty array and take no slab space.
 *
 * <h2>Fragmentation and evacuation</h2>
 *
 * <p>A slab stays reachable as long as any version, reachable from any view, points into it: a few
 * long-lived keys interleaved with churned ones would otherwise pin many mostly dead slabs. Each
 * slab therefore carries a serial number, increasing from 1, in its first {@link
 * #SLAB_HEADER_BYTES} bytes (no per-version field). A compaction records {@link #currentSerial()}
 * when it starts, and every version it keeps whose value sits in an older slab is rebuilt with its
 * value copied into the current slab ({@link Compaction}). So after a full compaction the head tree
 * references no slab filled before that compaction started, the live slab bytes are about the live
 * small values plus what was written since (plus at most one partly dead slab, the one current at
 * the start, and the tail waste above), and the old slabs become garbage once the views taken
 * before the compaction are gone. Those views keep reading correct values: they reach the old slabs
 * through their own versions, and nothing below a slab's fill position is ever written again.
 *
 * <h2>Threads</h2>
 *
 * <p>Only the store's writer thread allocates (writes, write batches, compaction, snapshot
 * restore). Readers on any thread read slab bytes below the fill position, written before the
 * version pointing at them was published (a volatile write of the view, or a release store into the
 * head index), so they see them; bytes above the fill position are written later only at offsets no
 * published version covers. Values written by a batch that is abandoned stay as unreachable bytes
 * in their slab.
 */
final class ValueSlabs {
  /** Bytes of one slab (header included). */
  static final int SLAB_BYTES = 64 << 10;

  /** Longest value packed into a slab; longer values keep an array of their own. */
  static final int MAX_SLAB_VALUE_BYTES = 1 << 10;

  /** The slab's serial number (a little-endian long) at offset 0; values start after it. */
  static final int SLAB_HEADER_BYTES = Long.BYTES;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    if (!Version.fitsSlabSpan(SLAB_BYTES, MAX_SLAB_VALUE_BYTES)) {
      throw new ExceptionInInitializerError(
          "slab of " + SLAB_BYTES + " bytes does not fit the version's span encoding");
    }
  }

  /** The slab new values go to; null before the first. */
  private byte[] slab;

  /** The first free byte of {@link #slab}; nothing below it is ever written again. */
  private int fillBytes;

  /** The serial of {@link #slab}, 0 before the first. */
  private long serial;

  /** The serial of the slab new values go to (0 before the first slab). */
  long currentSerial() {
    return serial;
  }

  /** The serial stamped in {@code slab}'s header. */
  static long serialOf(byte[] slab) {
    return (long) LONGS.get(slab, 0);
  }

  /**
   * A version holding {@code length} bytes of {@code src} from {@code from}: copied into a slab
   * when at most {@link #MAX_SLAB_VALUE_BYTES}; otherwise {@code src} itself when the range is all
   * of it (the caller hands it over and must not change it), else an exact copy.
   */
  Version version(
      long modMain,
      long modSub,
      long createMain,
      long version,
      long lease,
      byte[] src,
      int from,
      int length,
      Version older) {
    if (length == 0) {
      return new Version(modMain, modSub, createMain, version, lease, KeyValue.EMPTY, older);
    }
    if (length > MAX_SLAB_VALUE_BYTES) {
      byte[] own =
          from == 0 && length == src.length ? src : Arrays.copyOfRange(src, from, from + length);
      return new Version(modMain, modSub, createMain, version, lease, own, older);
    }
    int at = reserve(length);
    System.arraycopy(src, from, slab, at, length);
    return new Version(
        modMain, modSub, createMain, version, lease, slab, Version.slabSpan(at, length), older);
  }

  /** {@code v} over {@code older}, with its value copied into the current slab. */
  Version moved(Version v, Version older) {
    return version(
        v.modMain,
        v.modSub,
        v.createMain,
        v.version,
        v.lease,
        v.valueArray,
        v.valueOffset(),
        v.valueLength(),
        older);
  }

  /**
   * Reserves {@code length} (1 to {@link #MAX_SLAB_VALUE_BYTES}) bytes in the current slab,
   * starting a new one when they do not fit the rest of it, and returns their offset in {@link
   * #slab()}. The caller writes them before any other call and before publishing a version over
   * them.
   */
  int reserve(int length) {
    if (length <= 0 || length > MAX_SLAB_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "slab reservation of " + length + " bytes outside [1, " + MAX_SLAB_VALUE_BYTES + "]");
    }
    if (slab == null || SLAB_BYTES - fillBytes < length) {
      slab = new byte[SLAB_BYTES];
      serial++;
      LONGS.set(slab, 0, serial);
      fillBytes = SLAB_HEADER_BYTES;
    }
    int at = fillBytes;
    fillBytes += length;
    return at;
  }

  /** The current slab (what {@link #reserve} returned an offset into). */
  byte[] slab() {
    return slab;
  }

  /** The first free byte of the current slab. */
  int fillBytes() {
    return fillBytes;
  }
}
