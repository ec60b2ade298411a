package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.StorageFileSystem;
import io.etch.storage.wal.WalFrameReader.TailScan;
import io.etch.storage.wal.WalFrameReader.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a log directory, verifies every record and rebuilds the {@link WalState}.
 *
 * <p><b>Torn tail or corruption.</b> The writer keeps three invariants that make the two
 * distinguishable: (1) a segment is created under a temporary name, its header synced, then renamed
 * and the directory synced, so every segment file under its final name has a durable header and its
 * full pre-allocated size; (2) a segment is synced completely before the next one is created, so
 * only the last segment can hold unsynced bytes; (3) every record carries the offset below which
 * its segment was durable when it was appended. A crash can therefore only damage the last segment,
 * and only above the durable offset claimed by every record that survived. Recovery walks the chain
 * until the first record that is not valid (or the first zero length) at offset {@code p}, then
 * scans the rest of the segment:
 *
 * <ul>
 *   <li>In a non-last segment, any valid record after {@code p} means records were lost from the
 *       middle: corruption. Otherwise a bad record at {@code p}, or any non-zero byte after it, is
 *       corruption too (the segment was fully synced); a zero length followed by zeros is its
 *       normal end.
 *   <li>In the last segment, a later valid record claiming a durable offset above {@code p} proves
 *       that {@code p} was durable: corruption. Otherwise the damage is a torn tail of unsynced
 *       writes: it is logged (file and offset) and cut off by zeroing it durably.
 * </ul>
 *
 * A damaged record that was durable but had no durable successor (the very last synced batch) is
 * indistinguishable from a torn write and is cut, as in etcd; everything synced before that batch
 * is never dropped silently. Missing segments, segments shorter than their header says, broken
 * checksum chains and index gaps are corruption.
 */
final class WalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);
  private static final int ZERO_CHUNK_BYTES = 64 << 10;

  private final WalConfig config;
  private final StorageFileSystem fs;
  private final Path dir;
  private final WalFrameReader reader;
  private final WalFrameEncoder encoder;

  WalRecovery(WalConfig config, WalFrameReader reader, WalFrameEncoder encoder) {
    this.config = config;
    this.fs = config.fileSystem();
    this.dir = config.directory();
    this.reader = reader;
    this.encoder = encoder;
  }

  WalState recover() throws IOException {
    fs.createDirectories(dir);
    List<Segment.Name> names = new ArrayList<>();
    boolean removedTemp = false;
    for (String file : fs.list(dir)) {
      if (file.endsWith(Segment.TEMP_SUFFIX)) {
        LOG.warn("removing unfinished segment {} left by a crash", dir.resolve(file));
        fs.delete(dir.resolve(file));
        removedTemp = true;
      } else {
        Segment.Name name = Segment.parse(file);
        if (name != null) {
          names.add(name);
        }
      }
    }
    if (removedTemp) {
      fs.syncDirectory(dir);
    }
    WalState state = new WalState();
    if (names.isEmpty()) {
      state.index = new LogIndex(1);
      state.segments.add(createSegment(config, encoder, 1, 1, 0, state, null));
      return state;
    }
    try {
      for (int i = 0; i < names.size(); i++) {
        Segment.Name name = names.get(i);
        if (i > 0 && name.sequence() != names.get(i - 1).sequence() + 1) {
          throw new WalCorruptionException(
              dir.resolve(name.fileName()),
              0,
              "segment with sequence " + (names.get(i - 1).sequence() + 1) + " is missing");
        }
        boolean last = i == names.size() - 1;
        replaySegment(state, name, last);
      }
    } catch (RuntimeException | IOException e) {
      closeAll(state);
      throw e;
    }
    return state;
  }

  private void replaySegment(WalState state, Segment.Name name, boolean last) throws IOException {
    Path path = dir.resolve(name.fileName());
    long sizeBytes = fs.size(path);
    if (sizeBytes % WalConfig.PAGE_BYTES != 0 || sizeBytes < segmentHeaderFrameLength()) {
      throw new WalCorruptionException(
          path, sizeBytes, "segment is " + sizeBytes + " bytes long, not whole pages: truncated");
    }
    StorageFile file = fs.openFixed(path);
    Segment segment = new Segment(name.sequence(), name.firstIndex(), path, file);
    state.segments.add(segment);
    if (reader.readAt(file, 0) != Verdict.VALID
        || reader.recordTypeCode() != WalRecordType.SEGMENT_HEADER.code()) {
      throw new WalCorruptionException(
          path, 0, "no valid segment header (" + reader.badReason() + ")");
    }
    UnsafeBuffer b = reader.buffer();
    long declaredSize = b.getLong(SEGMENT_SIZE_OFFSET);
    if (b.getLong(SEGMENT_MAGIC_OFFSET) != SEGMENT_MAGIC
        || b.getInt(SEGMENT_FORMAT_VERSION_OFFSET) != FORMAT_VERSION
        || b.getLong(SEGMENT_SEQUENCE_OFFSET) != name.sequence()
        || b.getLong(SEGMENT_FIRST_INDEX_OFFSET) != name.firstIndex()) {
      throw new WalCorruptionException(path, 0, "segment header does not match the file name");
    }
    if (file.sizeBytes() != declaredSize) {
      throw new WalCorruptionException(
          path,
          file.sizeBytes(),
          "segment is " + file.sizeBytes() + " bytes long but its header says " + declaredSize);
    }
    if (state.index == null) {
      state.index = new LogIndex(name.firstIndex());
    } else {
      if (reader.prevCrc() != state.lastCrc) {
        throw new WalCorruptionException(
            path, 0, "checksum chain broken: segment does not continue the previous one");
      }
      if (name.firstIndex() != state.index.nextIndex()) {
        throw new WalCorruptionException(
            path,
            0,
            "index gap: segment starts at "
                + name.firstIndex()
                + " but the log continues at "
                + state.index.nextIndex());
      }
    }
    state.lastCrc = reader.crc();
    long p = reader.frameLength();
    while (true) {
      Verdict verdict = reader.readAt(file, p);
      String reason = reader.badReason();
      if (verdict == Verdict.VALID && reader.prevCrc() != state.lastCrc) {
        verdict = Verdict.BAD;
        reason = "checksum chain broken";
      }
      if (verdict == Verdict.VALID) {
        apply(state, segment, path, p);
        state.lastCrc = reader.crc();
        p += reader.frameLength();
        continue;
      }
      TailScan tail = reader.scanAfter(file, p, last ? p : -1);
      String what = verdict == Verdict.END ? "end of data" : "bad record (" + reason + ")";
      // In a non-last segment (fully synced) anything but zeros after the end is damage.
      if (tail.foundValidFrame()) {
        throw new WalCorruptionException(
            path,
            p,
            what
                + " followed by a valid record at offset "
                + tail.validFrameOffset()
                + (last ? " that was appended after offset " + p + " was durable" : ""));
      }
      if (!last && (verdict == Verdict.BAD || tail.anyNonZero(p))) {
        throw new WalCorruptionException(
            path, p, what + " followed by non-zero bytes in a fully synced segment");
      }
      if (last && (verdict == Verdict.BAD || tail.anyNonZero(p))) {
        LOG.warn(
            "write-ahead log {}: cutting torn tail at offset {} ({}), {} bytes discarded",
            path,
            p,
            what,
            tail.nonZeroEnd() - p);
        zero(file, p, tail.nonZeroEnd());
      }
      break;
    }
    segment.writePosition = (int) p;
    segment.durableOffset = (int) p;
    if (last && config.syncPolicy() == SyncPolicy.EVERY_BATCH) {
      file.sync();
    }
  }

  private void apply(WalState state, Segment segment, Path path, long p) {
    UnsafeBuffer b = reader.buffer();
    WalRecordType type = WalRecordType.fromCode(reader.recordTypeCode());
    boolean carried = (reader.flags() & FLAG_CARRIED_OVER) != 0;
    if (type == null) {
      throw new WalCorruptionException(
          path, p, "unknown record type " + reader.recordTypeCode() + " in a valid frame");
    }
    switch (type) {
      case ENTRY -> {
        long index = b.getLong(ENTRY_INDEX_OFFSET);
        if (index != state.index.nextIndex()) {
          throw new WalCorruptionException(
              path,
              p,
              "index gap: entry " + index + " where " + state.index.nextIndex() + " was due");
        }
        state.index.append(Segment.pack(segment.sequence, (int) p));
      }
      case HARD_STATE ->
          state.applyHardState(
              new WalHardState(
                  b.getLong(HARD_STATE_TERM_OFFSET),
                  b.getLong(HARD_STATE_VOTE_OFFSET),
                  b.getLong(HARD_STATE_COMMIT_OFFSET)));
      case SNAPSHOT_MARKER ->
          state.applySnapshotMarker(
              new WalSnapshotMarker(
                  b.getLong(SNAPSHOT_INDEX_OFFSET), b.getLong(SNAPSHOT_TERM_OFFSET)),
              carried);
      case TRUNCATE -> {
        long from = b.getLong(TRUNCATE_FROM_INDEX_OFFSET);
        if (from > state.index.nextIndex()) {
          throw new WalCorruptionException(
              path,
              p,
              "truncation from " + from + " past the next index " + state.index.nextIndex());
        }
        state.index.truncateFrom(from);
      }
      case SEGMENT_HEADER ->
          throw new WalCorruptionException(path, p, "segment header in the middle of a segment");
    }
  }

  /** Durably zeroes {@code [from, to)} of {@code file}. */
  static void zero(StorageFile file, long from, long to) throws IOException {
    UnsafeBuffer zeros = new UnsafeBuffer(ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES));
    for (long at = from; at < to; at += ZERO_CHUNK_BYTES) {
      file.write(at, zeros, 0, (int) Math.min(ZERO_CHUNK_BYTES, to - at));
    }
    file.sync();
  }

  /**
   * Creates segment {@code sequence} durably: temp file (or the {@code prepared} one), header (and
   * carried-over hard state and snapshot marker), sync, rename, directory sync.
   */
  static Segment createSegment(
      WalConfig config,
      WalFrameEncoder encoder,
      long sequence,
      long firstIndex,
      int prevCrc,
      WalState state,
      SegmentPreallocator.Prepared prepared)
      throws IOException {
    StorageFileSystem fs = config.fileSystem();
    Path dir = config.directory();
    String name = Segment.fileName(sequence, firstIndex);
    Path path = dir.resolve(name);
    Path temp;
    StorageFile file;
    if (prepared != null) {
      temp = prepared.temp();
      file = prepared.file();
    } else {
      temp =
          dir.resolve(
              name.substring(0, name.length() - Segment.SUFFIX.length()) + Segment.TEMP_SUFFIX);
      fs.delete(temp);
      file = fs.createFixed(temp, config.segmentSizeBytes());
    }
    try {
      int position = 0;
      int crc = prevCrc;
      int length =
          encoder.encodeSegmentHeader(sequence, firstIndex, config.segmentSizeBytes(), crc);
      file.write(position, encoder.buffer(), 0, length);
      position += length;
      crc = encoder.lastCrc();
      if (state.hardState != null) {
        length = encoder.encodeHardState(state.hardState, FLAG_CARRIED_OVER, crc, 0);
        file.write(position, encoder.buffer(), 0, length);
        position += length;
        crc = encoder.lastCrc();
      }
      if (state.snapshotMarker != null) {
        length = encoder.encodeSnapshotMarker(state.snapshotMarker, FLAG_CARRIED_OVER, crc, 0);
        file.write(position, encoder.buffer(), 0, length);
        position += length;
        crc = encoder.lastCrc();
      }
      file.sync();
      fs.rename(temp, path);
      fs.syncDirectory(dir);
      Segment segment = new Segment(sequence, firstIndex, path, file);
      segment.writePosition = position;
      segment.durableOffset = position;
      state.lastCrc = crc;
      return segment;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  static void closeAll(WalState state) {
    for (Segment s : state.segments) {
      try {
        s.file.close();
      } catch (IOException e) {
        LOG.warn("closing {} failed", s.path, e);
      }
    }
  }
}
