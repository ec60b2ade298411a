package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.WriteClaim;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segmented, checksummed, append-only write-ahead log of opaque entries, hard states and snapshot
 * markers, on pre-allocated memory-mapped segment files.
 *
 * <h2>Design</h2>
 *
 * <p>The log is a sequence of segment files named {@code <sequence>-<firstIndex>.wal}, each
 * pre-allocated (zero-filled, {@link WalConfig#segmentSizeBytes()}) and mapped into memory. Records
 * are framed as {@link WalRecordDescriptor} draws: length, CRC32C, the previous record's CRC32C (a
 * chain across records and segments, as in etcd), the durable offset at append time, type, body.
 * Appending an entry claims its frame's bytes from the segment file ({@link WriteClaim}) and
 * encodes it there in place (by default {@link io.etch.storage.fs.WritePath#DIRECT_DSYNC}: the
 * claim is the next bytes of a block-aligned write-behind buffer written with one O_DIRECT |
 * O_DSYNC positional write per sync, older bytes read back through the mapping; chosen by
 * measurement), so an append allocates nothing and copies its payload once; when a frame does not
 * fit, the segment is synced and a new one created durably (temp file, sync, rename, directory
 * sync) starting with a header and a copy of the latest hard state and snapshot marker, so that old
 * segments can be deleted whole without losing them.
 *
 * <p><b>Durability contract (group commit).</b> {@code append*} methods are <em>not</em> durable:
 * they only make the record readable. {@link #sync()} makes every record appended before it
 * durable, with one force per dirty segment (normally exactly one). {@link #truncateSuffix} and
 * {@link #releasePrefix} are durable before they return. A sync failure is fatal (fsyncgate): the
 * log enters a failed state and every later write throws {@link WalFailedException} carrying the
 * original cause; it never retries. Reads keep working on what was appended.
 *
 * <p><b>Truncation</b> does not rewrite data: it appends a TRUNCATE record (and syncs it) that
 * supersedes the conflicting suffix on replay, the way etcd's WAL lets later entries override
 * earlier ones. Only the in-memory index forgets the removed entries.
 *
 * <p><b>Recovery</b> on {@link #open} verifies every record; see {@link WalRecovery} for how a torn
 * tail (cut and logged) is told apart from corruption ({@link WalCorruptionException}).
 *
 * <p>Not thread-safe: one thread (the node's storage thread) owns a log. Limits: one entry payload
 * is at most {@link WalConfig#maxEntryBytes()}; a segment at most 1 GiB.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

  private final WalConfig config;
  private final WalState state;
  private final WalFrameEncoder encoder;
  private final WalFrameReader reader;
  private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
  private final WriteClaim claim = new WriteClaim();
  private final SegmentPreallocator preallocator;
  private WalFailedException failure;
  private boolean closed;

  private WriteAheadLog(
      WalConfig config, WalState state, WalFrameEncoder encoder, WalFrameReader reader) {
    this.config = config;
    this.state = state;
    this.encoder = encoder;
    this.reader = reader;
    this.preallocator = new SegmentPreallocator(config);
  }

  /**
   * Opens (creating if empty) the log in {@link WalConfig#directory()}, verifying every record.
   *
   * @throws WalCorruptionException if the log is damaged beyond a torn tail
   * @throws WalIoException if the files cannot be read
   */
  public static WriteAheadLog open(WalConfig config) {
    if (config.syncPolicy() == SyncPolicy.NEVER) {
      LOG.warn(
          "write-ahead log {} opened with SyncPolicy.NEVER: nothing will survive a power loss;"
              + " use it in tests only",
          config.directory());
    }
    WalFrameEncoder encoder = new WalFrameEncoder(config.maxFrameBytes());
    WalFrameReader reader = new WalFrameReader(Math.min(config.maxFrameBytes(), 1 << 16));
    try {
      WalState state = new WalRecovery(config, reader, encoder).recover();
      WriteAheadLog wal = new WriteAheadLog(config, state, encoder, reader);
      wal.preallocator.prepareNext(state.active().sequence + 1);
      return wal;
    } catch (IOException e) {
      throw new WalIoException(config.directory(), e);
    }
  }

  /** Index of the first readable entry; equals {@link #lastIndex()} + 1 when the log is empty. */
  public long firstIndex() {
    return state.index.firstIndex();
  }

  /** Index of the last entry, or {@link #firstIndex()} - 1 when the log is empty. */
  public long lastIndex() {
    return state.index.nextIndex() - 1;
  }

  /** The latest hard state appended, if any. */
  public Optional<WalHardState> hardState() {
    return Optional.ofNullable(state.hardState);
  }

  /** The latest snapshot marker appended, if any. */
  public Optional<WalSnapshotMarker> snapshotMarker() {
    return Optional.ofNullable(state.snapshotMarker);
  }

  /** The configuration the log was opened with. */
  public WalConfig config() {
    return config;
  }

  /**
   * Appends entry {@code index}, which must be {@link #lastIndex()} + 1. Not durable until {@link
   * #sync()}.
   *
   * @throws WalIndexException if {@code index} is not the next index
   * @throws WalRecordTooLargeException if the payload exceeds {@link WalConfig#maxEntryBytes()}
   * @throws WalFailedException if the log has failed for writes
   */
  public void append(
      long index, long term, byte entryType, DirectBuffer payload, int offset, int lengthBytes) {
    checkWritable();
    long next = state.index.nextIndex();
    if (index != next) {
      throw new WalIndexException("append", index, next, next);
    }
    if (lengthBytes > config.maxEntryBytes()) {
      throw new WalRecordTooLargeException(lengthBytes, config.maxEntryBytes());
    }
    int frameLength = entryFrameLength(lengthBytes);
    Segment segment = segmentWithRoom(frameLength);
    int position = segment.writePosition;
    StorageFile file = segment.file;
    try {
      file.claim(position, frameLength, claim);
      encoder.encodeEntry(
          claim.buffer(),
          claim.offset(),
          index,
          term,
          entryType,
          payload,
          offset,
          lengthBytes,
          state.lastCrc,
          segment.durableOffset);
      file.commit(claim);
    } catch (IOException e) {
      throw fail("writing " + segment.path + " at " + position, e);
    }
    segment.writePosition = position + frameLength;
    state.lastCrc = encoder.lastCrc();
    state.index.append(Segment.pack(segment.sequence, position));
  }

  /** Convenience form of {@link #append(long, long, byte, DirectBuffer, int, int)}. */
  public void append(long index, long term, byte entryType, byte[] payload) {
    payloadView.wrap(payload);
    append(index, term, entryType, payloadView, 0, payload.length);
  }

  /** Appends a hard state; not durable until {@link #sync()}. */
  public void appendHardState(WalHardState hardState) {
    checkWritable();
    Segment segment = segmentWithRoom(frameLength(HARD_STATE_BODY_LENGTH));
    write(
        segment,
        encoder.encodeHardState(hardState, (byte) 0, state.lastCrc, segment.durableOffset));
    state.applyHardState(hardState);
  }

  /**
   * Appends a snapshot marker; not durable until {@link #sync()}. A marker at or past {@link
   * #lastIndex()} empties the log: the next entry must then be {@code marker.index() + 1}.
   */
  public void appendSnapshotMarker(WalSnapshotMarker marker) {
    checkWritable();
    Segment segment = segmentWithRoom(frameLength(SNAPSHOT_BODY_LENGTH));
    write(
        segment,
        encoder.encodeSnapshotMarker(marker, (byte) 0, state.lastCrc, segment.durableOffset));
    state.applySnapshotMarker(marker, false);
  }

  /**
   * Makes every record appended before this call durable: one force per dirty segment (with {@link
   * SyncPolicy#NEVER}, none). Then, unless an executor prepares segments, it writes and syncs at
   * most one 1 MiB step of the next segment's zeros if that file is not ahead of the active
   * segment's fill (see {@link SegmentPreallocator}), so a roll never zero-fills a whole segment.
   *
   * @throws WalFailedException if a force fails (now or earlier); the log then refuses all writes
   */
  public void sync() {
    checkWritable();
    for (int i = state.segments.size() - 1; i >= 0; i--) {
      Segment s = state.segments.get(i);
      if (s.dirty()) {
        syncSegment(s);
      } else {
        break;
      }
    }
    Segment active = state.active();
    try {
      preallocator.step(active.writePosition, active.file.sizeBytes());
    } catch (IOException e) {
      throw fail("pre-allocating segment " + (active.sequence + 1), e);
    }
  }

  /**
   * Removes entries from {@code fromIndex} on (a conflicting suffix), durably before returning.
   *
   * @throws WalIndexException unless {@code firstIndex() <= fromIndex <= lastIndex() + 1}
   */
  public void truncateSuffix(long fromIndex) {
    checkWritable();
    long next = state.index.nextIndex();
    if (fromIndex < state.index.firstIndex() || fromIndex > next) {
      throw new WalIndexException("truncateSuffix", fromIndex, state.index.firstIndex(), next);
    }
    if (fromIndex == next) {
      return;
    }
    Segment segment = segmentWithRoom(frameLength(TRUNCATE_BODY_LENGTH));
    write(segment, encoder.encodeTruncate(fromIndex, state.lastCrc, segment.durableOffset));
    state.index.truncateFrom(fromIndex);
    sync();
  }

  /**
   * Deletes, durably, every whole segment holding only entries up to {@code upToIndex} (which a
   * snapshot must cover: at most the latest snapshot marker's index, and that marker must be
   * synced). The active segment is never deleted; entries below {@code upToIndex} that share a
   * segment with later ones stay readable.
   *
   * @throws WalIndexException if {@code upToIndex} exceeds the latest snapshot marker
   */
  public void releasePrefix(long upToIndex) {
    checkWritable();
    long covered = state.snapshotMarker == null ? 0 : state.snapshotMarker.index();
    if (upToIndex > covered) {
      throw new WalIndexException("releasePrefix", upToIndex, 0, covered);
    }
    sync();
    long keepFrom = Math.max(upToIndex + 1, state.index.firstIndex());
    long keepSequence =
        keepFrom <= lastIndex()
            ? Segment.sequenceOf(state.index.position(keepFrom))
            : state.active().sequence;
    while (state.segments.get(0).sequence < keepSequence) {
      Segment oldest = state.segments.get(0);
      try {
        oldest.file.close();
        config.fileSystem().delete(oldest.path);
        config.fileSystem().syncDirectory(config.directory());
      } catch (IOException e) {
        throw fail("deleting segment " + oldest.path, e);
      }
      state.segments.remove(0);
    }
    state.index.dropSegmentsBelow(keepSequence);
  }

  /**
   * The entry at {@code index}, copied.
   *
   * @throws WalIndexException unless {@code firstIndex() <= index <= lastIndex()}
   */
  public WalEntry entry(long index) {
    List<WalEntry> one = new ArrayList<>(1);
    read(
        index,
        index + 1,
        (i, term, type, payload, offset, length) -> {
          byte[] copy = new byte[length];
          payload.getBytes(offset, copy);
          one.add(new WalEntry(i, term, type, copy));
        });
    return one.get(0);
  }

  /**
   * Entries {@code [fromIndex, toIndexExclusive)}, copied, stopping once their payloads exceed
   * {@code maxBytes} (at least one entry is returned when the range is not empty).
   */
  public List<WalEntry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    checkRange(fromIndex, toIndexExclusive);
    List<WalEntry> result = new ArrayList<>();
    long totalBytes = 0;
    for (long i = fromIndex; i < toIndexExclusive; i++) {
      WalEntry e = entry(i);
      totalBytes += e.payload().length;
      if (!result.isEmpty() && totalBytes > maxBytes) {
        break;
      }
      result.add(e);
    }
    return result;
  }

  /**
   * Hands entries {@code [fromIndex, toIndexExclusive)} to {@code handler} in order, without
   * copying (the payload view is valid during the call only).
   *
   * @throws WalIndexException if the range is not inside [firstIndex, lastIndex + 1]
   */
  public void read(long fromIndex, long toIndexExclusive, WalEntryHandler handler) {
    checkRange(fromIndex, toIndexExclusive);
    for (long i = fromIndex; i < toIndexExclusive; i++) {
      long packed = state.index.position(i);
      Segment segment = state.segment(Segment.sequenceOf(packed));
      try {
        reader.readTrusted(segment.file, Segment.offsetOf(packed));
      } catch (IOException e) {
        throw new WalIoException(segment.path, e);
      }
      UnsafeBuffer b = reader.buffer();
      int payloadLength = b.getInt(BODY_LENGTH_OFFSET) - ENTRY_FIXED_BODY_LENGTH;
      handler.onEntry(
          b.getLong(ENTRY_INDEX_OFFSET),
          b.getLong(ENTRY_TERM_OFFSET),
          b.getByte(ENTRY_TYPE_OFFSET),
          b,
          ENTRY_PAYLOAD_OFFSET,
          payloadLength);
    }
  }

  private void checkRange(long fromIndex, long toIndexExclusive) {
    long first = state.index.firstIndex();
    long next = state.index.nextIndex();
    if (fromIndex < first || fromIndex > toIndexExclusive) {
      throw new WalIndexException("read", fromIndex, first, next - 1);
    }
    if (toIndexExclusive > next) {
      throw new WalIndexException("read", toIndexExclusive - 1, first, next - 1);
    }
  }

  /** Whether the log has failed for writes (see {@link WalFailedException}). */
  public boolean failed() {
    return failure != null;
  }

  /** Closes the segment files; unsynced appends are not made durable. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        preallocator.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("abandoning the pre-allocated next segment of {}", config.directory(), e);
      }
      WalRecovery.closeAll(state);
    }
  }

  private void checkWritable() {
    if (closed) {
      throw new IllegalStateException("write-ahead log " + config.directory() + " is closed");
    }
    if (failure != null) {
      throw new WalFailedException(
          "write-ahead log "
              + config.directory()
              + " failed earlier and refuses writes: "
              + failure.getMessage(),
          failure.getCause());
    }
  }

  private Segment segmentWithRoom(int frameLength) {
    Segment active = state.active();
    if (active.writePosition + (long) frameLength <= active.file.sizeBytes()) {
      return active;
    }
    if (active.dirty()) {
      syncSegment(active);
    }
    try {
      Segment next =
          WalRecovery.createSegment(
              config,
              encoder,
              active.sequence + 1,
              state.index.nextIndex(),
              state.lastCrc,
              state,
              preallocator.take());
      state.segments.add(next);
      preallocator.prepareNext(next.sequence + 1);
      return next;
    } catch (IOException e) {
      throw fail("creating segment " + (active.sequence + 1), e);
    }
  }

  private void write(Segment segment, int length) {
    try {
      segment.file.write(segment.writePosition, encoder.buffer(), 0, length);
    } catch (IOException e) {
      throw fail("writing " + segment.path + " at " + segment.writePosition, e);
    }
    segment.writePosition += length;
    state.lastCrc = encoder.lastCrc();
  }

  private void syncSegment(Segment segment) {
    if (config.syncPolicy() == SyncPolicy.EVERY_BATCH) {
      try {
        segment.file.sync();
      } catch (IOException e) {
        throw fail("syncing " + segment.path, e);
      }
    }
    segment.durableOffset = segment.writePosition;
  }

  private WalFailedException fail(String what, IOException cause) {
    failure =
        new WalFailedException(
            "write-ahead log " + config.directory() + " failed " + what + "; it refuses writes",
            cause);
    LOG.error("{}", failure.getMessage(), cause);
    return failure;
  }
}
