package io.etch.internal.raftlog;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.HardState;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.CompactedException;
import io.etch.raft.storage.InitialState;
import io.etch.raft.storage.RaftStorage;
import io.etch.raft.storage.SnapshotOutOfDateException;
import io.etch.raft.storage.UnavailableException;
import io.etch.storage.snap.SnapshotCorruptionException;
import io.etch.storage.snap.SnapshotIoException;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import io.etch.storage.snap.SnapshotWriter;
import io.etch.storage.wal.WalCorruptionException;
import io.etch.storage.wal.WalEntryHandler;
import io.etch.storage.wal.WalSnapshotMarker;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's durable Raft log: the {@link RaftStorage} the raft core reads, on a {@link
 * WriteAheadLog} (entries, hard state, snapshot markers) and a {@link SnapshotStore} (snapshot
 * files), plus the write side the node's raft owner thread drives.
 *
 * <h2>The log as the core sees it</h2>
 *
 * <p>Entries {@code [offset + 1, lastIndex]} are readable; the term of {@code offset} is always
 * known, either because {@code offset} is the snapshot's index or because the entry is still in the
 * WAL. {@code offset} never exceeds the snapshot index: after {@link #createSnapshot} the log is
 * compacted only up to {@link RaftLogConfig#snapshotCatchUpEntries()} entries behind the snapshot,
 * so a slow follower can still catch up from the log. The WAL itself releases whole segments only,
 * so it may hold a few entries below {@code offset}; after a restart they become readable again.
 * Recent entries are served from a byte-bounded {@link EntryCache} (the objects the core handed
 * over, no copy), older ones from the WAL's mapping.
 *
 * <h2>Writing in the durability order of {@link Ready}</h2>
 *
 * <p>{@link #persist(Ready)} installs nothing, appends the entries (durably truncating a
 * conflicting uncommitted suffix first: the WAL writes a TRUNCATE record and syncs it), appends the
 * hard state when it changed and syncs once when {@link Ready#mustSync()}. A Ready carrying a
 * snapshot needs the file the transport received: {@link #persist(Ready, Path)} installs it first
 * (see {@link #installSnapshot}) and always syncs. Only after {@code persist} returns may the node
 * send {@link Ready#messagesAfterPersist()}.
 *
 * <h2>Snapshots</h2>
 *
 * <p>A snapshot file's payload starts with an envelope carrying the {@link ConfState} ({@link
 * SnapshotEnvelopeDescriptor}), followed by the state machine's bytes. The order is always: the
 * file durably (temp, sync, rename, directory sync, by the store), then the WAL's snapshot marker,
 * synced; only then the WAL prefix is released. A crash before the marker is durable leaves a file
 * the WAL never adopted; recovery ({@link SnapshotSelector}) ignores and deletes it. The node takes
 * snapshots in two phases ({@link #startSnapshot}, {@link SnapshotJob#writeFile} on its snapshot
 * writer thread, {@link #finishSnapshot}) so the owner thread never waits on the file; {@link
 * #createSnapshot} runs the three on the calling thread. Old files are removed by {@link
 * SnapshotPruner}, only ever below the recorded snapshot. Installing a leader's snapshot first
 * truncates the local log after the snapshot index (durably; those entries diverge from a committed
 * entry, so they can never commit), then the marker empties the log.
 *
 * <h2>Recovery</h2>
 *
 * <p>{@link #open} opens the WAL (a torn tail is cut; corruption is {@link
 * io.etch.storage.wal.WalCorruptionException}), selects the snapshot (falling back to an older one
 * only if the WAL covers the gap, else {@link io.etch.storage.snap.SnapshotUnavailableException})
 * and reads its membership. {@link #restartState()} and {@link #openSnapshotStateMachine()} give
 * the node what it needs to restart the core and the state machine.
 *
 * <p>Not thread-safe: the node's raft owner thread owns it (the core reads it on the same thread);
 * the one exception is {@link SnapshotJob#writeFile}, which writes through a snapshot store of its
 * own and touches no other state. A failed WAL write or sync ({@link
 * io.etch.storage.wal.WalFailedException}) is fatal for the node: reopen to recover what was
 * durable.
 */
public final class WalRaftStorage implements RaftStorage, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalRaftStorage.class);
  private static final byte[] NO_DATA = new byte[0];

  private final RaftLogConfig config;
  private final WriteAheadLog wal;
  private final SnapshotStore snaps;
  private final SnapshotStore jobSnaps;
  private final SnapshotPruner pruner;
  private final SnapshotPruner jobPruner;
  private final EntryCache cache;
  private final Path walDirectory;
  private final TermReader termReader = new TermReader();

  private HardState hardState;
  private SnapshotMeta snapshotFile;
  private Snapshot snapshot;
  private long offset;
  private long offsetTerm;
  private SnapshotJob inFlight;
  private boolean closed;

  private WalRaftStorage(
      RaftLogConfig config, WriteAheadLog wal, SnapshotStore snaps, SnapshotStore jobSnaps) {
    this.config = config;
    this.wal = wal;
    this.snaps = snaps;
    this.jobSnaps = jobSnaps;
    Path snapDir = config.snapshotConfig().directory();
    int keepOlder = config.snapshotRetainCount() - 1;
    this.pruner = new SnapshotPruner(snaps, config.fileSystem(), snapDir, keepOlder);
    this.jobPruner = new SnapshotPruner(jobSnaps, config.fileSystem(), snapDir, keepOlder);
    this.cache = new EntryCache(config.entryCacheMaxBytes());
    this.walDirectory = wal.config().directory();
  }

  /**
   * Opens (creating if new) the Raft log in {@link RaftLogConfig#directory()} and recovers it.
   *
   * @throws WalCorruptionException if the WAL is damaged beyond a torn tail
   * @throws io.etch.storage.snap.SnapshotUnavailableException if no usable snapshot covers the
   *     start of the log
   * @throws SnapshotCorruptionException if the chosen snapshot's envelope is malformed
   */
  public static WalRaftStorage open(RaftLogConfig config) {
    WriteAheadLog wal = WriteAheadLog.open(config.walConfig());
    try {
      // two store instances over one directory: a store is single-threaded, and snapshot jobs
      // write their files on another thread than the owner's installs
      SnapshotStore snaps = SnapshotStore.open(config.storeConfig());
      SnapshotStore jobSnaps = SnapshotStore.open(config.storeConfig());
      WalRaftStorage s = new WalRaftStorage(config, wal, snaps, jobSnaps);
      s.recover();
      return s;
    } catch (RuntimeException e) {
      wal.close();
      throw e;
    }
  }

  private void recover() {
    Optional<SnapshotMeta> chosen =
        SnapshotSelector.select(
            snaps, wal, config.fileSystem(), config.snapshotConfig().directory());
    if (chosen.isPresent()) {
      SnapshotMeta m = chosen.get();
      ConfState cs;
      try (InputStream in = snaps.openPayload(m)) {
        cs = SnapshotEnvelope.read(in, m.file());
      } catch (IOException e) {
        throw new SnapshotIoException(m.file(), e);
      }
      adoptSnapshot(m, cs);
    } else {
      snapshotFile = null;
      snapshot = Snapshot.EMPTY;
    }
    long snapIndex = snapshot.metadata().index();
    long walFirst = wal.firstIndex();
    long compactPoint = snapIndex - config.snapshotCatchUpEntries();
    if (walFirst - 1 == snapIndex) {
      offset = snapIndex;
      offsetTerm = snapshot.metadata().term();
    } else if (compactPoint >= walFirst && compactPoint <= wal.lastIndex()) {
      // the WAL keeps whole segments, so it may hold entries the log had compacted away before
      // the restart: compact to the same point again, so a member that lags this far is sent the
      // snapshot after a restart just as before it
      offset = compactPoint;
      offsetTerm = wal.entry(compactPoint).term();
    } else if (walFirst == 1) {
      // index 0 precedes every log, at term 0
      offset = 0;
      offsetTerm = 0;
    } else {
      // the WAL still holds entries at or below the snapshot (kept for catch-up, or a whole
      // segment not yet released): the first of them stands in as the dummy entry
      offset = walFirst;
      offsetTerm = wal.entry(walFirst).term();
    }
    HardState hs = wal.hardState().map(RaftRecords::fromWal).orElse(HardState.EMPTY);
    if (hs.commit() < snapIndex) {
      // the snapshot holds committed state only, so its index is known committed (a crash may
      // have struck after the snapshot marker was durable but before the new hard state was)
      hs = new HardState(Math.max(hs.term(), snapshot.metadata().term()), hs.vote(), snapIndex);
    }
    if (hs.commit() > lastIndex()) {
      throw new WalCorruptionException(
          walDirectory,
          -1,
          "hard state commit " + hs.commit() + " is beyond the last entry " + lastIndex());
    }
    hardState = hs;
    LOG.info(
        "raft log {} recovered: snapshot {}/{}, entries [{}, {}], {}",
        config.directory(),
        snapIndex,
        snapshot.metadata().term(),
        firstIndex(),
        lastIndex(),
        hardState);
  }

  private void adoptSnapshot(SnapshotMeta m, ConfState cs) {
    snapshotFile = m;
    snapshot = new Snapshot(new SnapshotMetadata(m.index(), m.term(), cs), NO_DATA);
  }

  // ------------------------------------------------------------------ restart

  /** What the node restarts the raft core and its state machine from. */
  public RestartState restartState() {
    return new RestartState(initialState(), snapshot.metadata().index(), snapshot.metadata());
  }

  /**
   * The state machine's bytes of the current snapshot (after the envelope), verified against the
   * file's checksum when the stream reaches its end ({@link SnapshotCorruptionException} there); an
   * empty stream when there is no snapshot. The caller closes it.
   */
  public InputStream openSnapshotStateMachine() {
    if (snapshotFile == null) {
      return InputStream.nullInputStream();
    }
    InputStream in = snaps.openPayload(snapshotFile);
    try {
      SnapshotEnvelope.read(in, snapshotFile.file());
      return in;
    } catch (IOException e) {
      closeQuietly(in);
      throw new SnapshotIoException(snapshotFile.file(), e);
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  /**
   * The file of the current snapshot, in the format the transport ships and {@link
   * #installSnapshot} accepts (the snapshot store's file: header with index and term, envelope,
   * state machine bytes, checksummed trailer). The leader sends it with the SNAP message the core
   * built from {@link #snapshot()}.
   *
   * @throws IllegalStateException when there is no snapshot
   */
  public Path snapshotFile() {
    if (snapshotFile == null) {
      throw new IllegalStateException("raft log " + config.directory() + " has no snapshot");
    }
    return snapshotFile.file();
  }

  /**
   * The file of the snapshot at {@code index} when that is the current snapshot, else null: a SNAP
   * message built before a newer snapshot replaced its own must not carry the newer file (the
   * receiver verifies the file's header against the message and refuses the mismatch).
   */
  public Path snapshotFile(long index) {
    return snapshotFile != null && snapshotFile.index() == index ? snapshotFile.file() : null;
  }

  /**
   * Checks a snapshot file received from the leader against its SNAP message before Raft sees the
   * message: header index and term, and the checksum over the whole file.
   *
   * @throws SnapshotCorruptionException if it does not verify
   * @throws SnapshotIoException if it cannot be read
   */
  public void verifyReceived(SnapshotMetadata md, Path receivedFile) {
    snaps.verify(new SnapshotMeta(md.index(), md.term(), receivedFile));
  }

  // ------------------------------------------------------------------ read SPI

  @Override
  public InitialState initialState() {
    return new InitialState(hardState, snapshot.metadata().confState());
  }

  /** The hard state last appended. */
  public HardState hardState() {
    return hardState;
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    checkOpen();
    if (lo <= offset) {
      throw new CompactedException(lo, offset + 1);
    }
    long last = lastIndex();
    if (hi > last + 1) {
      throw new UnavailableException(hi - 1, last);
    }
    if (lo >= hi) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 256));
    long sizeBytes = 0;
    long i = lo;
    while (i < hi) {
      Entry cached = cache.get(i);
      if (cached != null) {
        sizeBytes += cached.sizeBytes();
        if (!out.isEmpty() && sizeBytes > maxBytes) {
          break;
        }
        out.add(cached);
        i++;
        continue;
      }
      // read from the WAL up to the cache's start (or hi), one entry at a time so the size limit
      // stops the copying early
      Entry e = readFromWal(i);
      sizeBytes += e.sizeBytes();
      if (!out.isEmpty() && sizeBytes > maxBytes) {
        break;
      }
      out.add(e);
      i++;
    }
    return out;
  }

  private Entry readFromWal(long index) {
    Entry[] holder = new Entry[1];
    wal.read(
        index,
        index + 1,
        (idx, term, type, payload, off, len) ->
            holder[0] = RaftRecords.entry(idx, term, type, payload, off, len, walDirectory));
    return holder[0];
  }

  @Override
  public long term(long index) {
    checkOpen();
    if (index < offset) {
      throw new CompactedException(index, offset + 1);
    }
    if (index == offset) {
      return offsetTerm;
    }
    long last = lastIndex();
    if (index > last) {
      throw new UnavailableException(index, last);
    }
    Entry cached = cache.get(index);
    if (cached != null) {
      return cached.term();
    }
    return termReader.termOf(wal, index);
  }

  @Override
  public long firstIndex() {
    return offset + 1;
  }

  @Override
  public long lastIndex() {
    return Math.max(wal.lastIndex(), offset);
  }

  /**
   * The current snapshot's metadata with an empty payload: the state lives in {@link
   * #snapshotFile()}, which the node streams alongside the SNAP message.
   */
  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  // ------------------------------------------------------------------ write side

  /**
   * Persists a Ready that carries no snapshot, in the documented order: entries (truncating a
   * conflicting suffix durably first), the hard state if present, one sync when {@link
   * Ready#mustSync()}.
   *
   * @throws IllegalStateException if {@code rd} carries a snapshot (use {@link #persist(Ready,
   *     Path)})
   * @throws io.etch.storage.wal.WalFailedException if the WAL failed: fatal for the node
   */
  public void persist(Ready rd) {
    if (rd.snapshot() != null) {
      throw new IllegalStateException(
          "Ready carries snapshot "
              + rd.snapshot()
              + ": persist it with persist(ready, receivedSnapshotFile)");
    }
    append(rd.entries());
    if (rd.hardState() != null) {
      setHardState(rd.hardState());
    }
    if (rd.mustSync()) {
      sync();
    }
  }

  /**
   * Persists a Ready that carries a snapshot received from the leader: installs it from {@code
   * receivedSnapshotFile} ({@link #installSnapshot}), appends the entries and hard state, syncs.
   */
  public void persist(Ready rd, Path receivedSnapshotFile) {
    Snapshot s = rd.snapshot();
    if (s == null) {
      throw new IllegalStateException("Ready carries no snapshot; use persist(ready)");
    }
    installUnsynced(s.metadata(), receivedSnapshotFile);
    append(rd.entries());
    if (rd.hardState() != null) {
      setHardState(rd.hardState());
    }
    sync();
    pruner.prune(s.metadata().index());
  }

  /**
   * Appends entries, durably truncating the log from the first one if it overwrites (uncommitted)
   * entries. Entries at or below the compaction point are skipped. Not durable until {@link
   * #sync()}.
   *
   * @throws IllegalStateException if the entries would leave a gap after the last index
   */
  public void append(List<Entry> entries) {
    checkOpen();
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    long last = lastIndex();
    if (first > last + 1) {
      throw new IllegalStateException(
          "missing log entries: last index " + last + ", appending at " + first);
    }
    int from = 0;
    if (first <= offset) {
      from = (int) Math.min(entries.size(), offset + 1 - first);
      first = offset + 1;
    }
    if (from == entries.size()) {
      return;
    }
    if (first <= last) {
      LOG.debug("raft log {}: truncating conflicting entries from {}", config.directory(), first);
      wal.truncateSuffix(first);
      cache.truncateFrom(first);
    }
    for (int k = from; k < entries.size(); k++) {
      Entry e = entries.get(k);
      wal.append(e.index(), e.term(), RaftRecords.typeCode(e.type()), e.data());
      cache.append(e);
    }
  }

  /** Appends the hard state when it differs from the last one. Not durable until {@link #sync}. */
  public void setHardState(HardState hs) {
    checkOpen();
    Objects.requireNonNull(hs, "hardState");
    if (!hs.equals(hardState)) {
      wal.appendHardState(RaftRecords.toWal(hs));
      hardState = hs;
    }
  }

  /** Makes everything appended so far durable (one fsync). */
  public void sync() {
    checkOpen();
    wal.sync();
  }

  /**
   * Founds a new member of a new cluster: a snapshot at index 1, term 1 whose membership is {@code
   * initial} and whose state is what {@code stateMachine} writes (the empty store), and the hard
   * state (term 1, no vote, commit 1), durably. The first election then happens at term 2.
   *
   * @throws IllegalStateException if this log is not brand new
   */
  public void bootstrap(ConfState initial, SnapshotWriter stateMachine) {
    checkOpen();
    if (snapshotFile != null || lastIndex() != 0 || !hardState.isEmpty()) {
      throw new IllegalStateException(
          "raft log "
              + config.directory()
              + " is not empty (snapshot "
              + snapshot.metadata().index()
              + ", last index "
              + lastIndex()
              + ", "
              + hardState
              + "): cannot bootstrap it");
    }
    SnapshotMeta m = writeSnapshotFile(1, 1, initial, stateMachine);
    wal.appendSnapshotMarker(new WalSnapshotMarker(1, 1));
    adoptSnapshot(m, initial);
    moveOffsetTo(1, 1);
    setHardState(new HardState(1, 0, 1));
    sync();
  }

  /**
   * Takes a snapshot of the state machine as of {@code index} (applied by the node, so committed),
   * durably, on the calling thread: {@link #startSnapshot}, {@link SnapshotJob#writeFile}, {@link
   * #finishSnapshot}, then removes snapshot files beyond the retained count.
   *
   * @throws SnapshotOutOfDateException if {@code index} is not newer than the current snapshot
   * @throws UnavailableException if {@code index} is beyond the last entry
   */
  public SnapshotMetadata createSnapshot(
      long index, ConfState confState, SnapshotWriter stateMachine) {
    SnapshotJob job = startSnapshot(index, confState);
    try {
      job.writeFile(stateMachine);
    } catch (RuntimeException e) {
      abandonSnapshot(job);
      throw e;
    }
    finishSnapshot(job);
    pruner.prune(snapshot.metadata().index());
    return snapshot.metadata();
  }

  /**
   * Begins a snapshot as of {@code index} (applied by the node, so committed), in two phases so
   * that the owner thread never waits on the snapshot file: this call (owner thread, no I/O) fixes
   * the term of the entry at {@code index} and the membership; the returned job's {@link
   * SnapshotJob#writeFile} writes the file durably on another thread; {@link #finishSnapshot}
   * (owner thread) then records it. At most one job is in flight.
   *
   * <p>Crash safety: until {@code finishSnapshot}'s marker is durable, the file is one the WAL
   * never recorded, which recovery deletes; the recorded snapshot is never removed by a job (its
   * prune only deletes files older than the snapshot recorded when it started).
   *
   * @throws SnapshotOutOfDateException if {@code index} is not newer than the current snapshot
   * @throws UnavailableException if {@code index} is beyond the last entry
   * @throws IllegalStateException if a job is in flight
   */
  public SnapshotJob startSnapshot(long index, ConfState confState) {
    checkOpen();
    Objects.requireNonNull(confState, "confState");
    if (inFlight != null) {
      throw new IllegalStateException(
          "raft log " + config.directory() + " is already taking snapshot " + inFlight);
    }
    long current = snapshot.metadata().index();
    if (index <= current) {
      throw new SnapshotOutOfDateException(index, current);
    }
    if (index > lastIndex()) {
      throw new UnavailableException(index, lastIndex());
    }
    inFlight = new SnapshotJob(index, term(index), confState, jobSnaps, jobPruner, current);
    return inFlight;
  }

  /**
   * Records the snapshot {@code job} wrote: the WAL marker, synced, then compaction keeping {@link
   * RaftLogConfig#snapshotCatchUpEntries()} entries behind it. When a snapshot at or beyond the
   * job's index was installed meanwhile (from the leader), the job is dropped instead (its file is
   * older than the recorded snapshot; a later prune removes it) and the result is empty.
   *
   * @throws IllegalStateException if {@code job} is not the job in flight or its file is not
   *     written
   */
  public Optional<SnapshotMetadata> finishSnapshot(SnapshotJob job) {
    checkOpen();
    checkInFlight(job);
    SnapshotMeta m = job.written();
    if (m == null) {
      throw new IllegalStateException("snapshot " + job + " has no file yet: write it first");
    }
    inFlight = null;
    long index = job.index();
    if (index <= snapshot.metadata().index()) {
      LOG.info(
          "raft log {}: snapshot at {} superseded by {} while it was written",
          config.directory(),
          index,
          snapshot.metadata().index());
      return Optional.empty();
    }
    wal.appendSnapshotMarker(new WalSnapshotMarker(index, job.term()));
    wal.sync();
    adoptSnapshot(m, job.confState());
    if (wal.firstIndex() - 1 == index) {
      // a marker at the last entry empties the WAL's index
      moveOffsetTo(index, job.term());
    }
    long compactTo = index - config.snapshotCatchUpEntries();
    if (compactTo > offset) {
      compact(compactTo);
    }
    return Optional.of(snapshot.metadata());
  }

  /**
   * Drops {@code job} after its write failed (the recorded snapshot stays in force), so another can
   * start.
   *
   * @throws IllegalStateException if {@code job} is not the job in flight
   */
  public void abandonSnapshot(SnapshotJob job) {
    checkInFlight(job);
    inFlight = null;
  }

  private void checkInFlight(SnapshotJob job) {
    if (job == null || job != inFlight) {
      throw new IllegalStateException(
          "snapshot " + job + " is not the one in flight (" + inFlight + ")");
    }
  }

  /**
   * Releases the log up to {@code compactIndex} (which the current snapshot must cover): it is no
   * longer readable, and the WAL deletes the segments holding only such entries. Nothing happens
   * when it is at or below the current compaction point.
   *
   * @throws IllegalArgumentException if {@code compactIndex} is beyond the snapshot
   */
  public void compact(long compactIndex) {
    checkOpen();
    if (compactIndex <= offset) {
      return;
    }
    long snapIndex = snapshot.metadata().index();
    if (compactIndex > snapIndex) {
      throw new IllegalArgumentException(
          "cannot compact the raft log to "
              + compactIndex
              + ": the latest snapshot only covers up to "
              + snapIndex);
    }
    long term = term(compactIndex);
    wal.releasePrefix(compactIndex);
    moveOffsetTo(compactIndex, term);
  }

  /**
   * Installs a snapshot the transport received from the leader, durably: the file is verified
   * (index and term in its header against {@code md}, its checksum, its membership against {@code
   * md}) while copied into the snapshot store, the log after the snapshot is truncated, the marker
   * appended and synced; the log is then empty, at {@code md.index()}. The received file is
   * deleted.
   *
   * @throws SnapshotOutOfDateException if {@code md} is not newer than the current snapshot
   * @throws SnapshotCorruptionException if the received file does not verify (nothing changed)
   */
  public void installSnapshot(SnapshotMetadata md, Path receivedFile) {
    installUnsynced(md, receivedFile);
    sync();
    pruner.prune(md.index());
  }

  private void installUnsynced(SnapshotMetadata md, Path receivedFile) {
    checkOpen();
    long current = snapshot.metadata().index();
    if (md.index() <= current) {
      throw new SnapshotOutOfDateException(md.index(), current);
    }
    SnapshotMeta received = new SnapshotMeta(md.index(), md.term(), receivedFile);
    SnapshotMeta m;
    try (InputStream in = snaps.openPayload(received)) {
      ConfState cs = SnapshotEnvelope.read(in, receivedFile);
      if (!cs.equals(md.confState())) {
        throw new SnapshotCorruptionException(
            receivedFile,
            "membership " + cs + " differs from the SNAP message's " + md.confState());
      }
      m =
          snaps.write(
              md.index(),
              md.term(),
              out -> {
                SnapshotEnvelope.write(cs, out);
                in.transferTo(out);
              });
    } catch (IOException e) {
      throw new SnapshotIoException(receivedFile, e);
    }
    try {
      config.fileSystem().delete(receivedFile);
    } catch (IOException e) {
      LOG.warn("could not delete the received snapshot {}", receivedFile, e);
    }
    if (wal.lastIndex() > md.index()) {
      wal.truncateSuffix(Math.max(md.index() + 1, wal.firstIndex()));
    }
    wal.appendSnapshotMarker(new WalSnapshotMarker(md.index(), md.term()));
    adoptSnapshot(m, md.confState());
    cache.clear();
    offset = md.index();
    offsetTerm = md.term();
    LOG.info(
        "raft log {} installed snapshot {}/{} from the leader",
        config.directory(),
        md.index(),
        md.term());
  }

  private SnapshotMeta writeSnapshotFile(
      long index, long term, ConfState confState, SnapshotWriter stateMachine) {
    return snaps.write(
        index,
        term,
        out -> {
          SnapshotEnvelope.write(confState, out);
          stateMachine.writeTo(out);
        });
  }

  private void moveOffsetTo(long index, long term) {
    offset = index;
    offsetTerm = term;
    cache.dropBelow(index + 1);
  }

  /** Bytes currently held by the recent-entry cache. */
  public long cachedBytes() {
    return cache.sizeBytes();
  }

  /** Closes the WAL; unsynced appends are not made durable. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      wal.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("raft log " + config.directory() + " is closed");
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException suppressed) {
      LOG.debug("closing a snapshot stream after a failure", suppressed);
    }
  }

  /** Reads one entry's term from the WAL without copying its payload or allocating. */
  private static final class TermReader {
    private long term;
    private final WalEntryHandler handler = (i, t, type, payload, off, len) -> term = t;

    long termOf(WriteAheadLog wal, long index) {
      wal.read(index, index + 1, handler);
      return term;
    }
  }
}
