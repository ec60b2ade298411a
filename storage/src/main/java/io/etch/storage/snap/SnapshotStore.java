package io.etch.storage.snap;

import static io.etch.storage.snap.SnapshotDescriptor.*;

import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.StorageFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, checksummed snapshot files in one directory, newest {@link SnapshotConfig#retainCount()}
 * kept.
 *
 * <p><b>Writing</b> ({@link #write}) streams the payload from a callback into {@code
 * snapshot-<index>-<term>.snap.tmp} behind a header, appends a trailer with the length and a
 * CRC32C, syncs the file, renames it to its final name and syncs the directory; only then are older
 * snapshots beyond the retention count deleted (and the directory synced again). A crash at any
 * point leaves either the old set of snapshots or the new one, plus at most a temporary file that
 * {@link #open} removes. A failed sync abandons the temporary file and is reported; it is never
 * retried.
 *
 * <p><b>Choosing a snapshot at start-up</b> ({@link #selectUsable(long)}): the newest snapshot
 * whose checksum verifies. When the newest is corrupt, an older one is used only if the write-ahead
 * log still holds every entry after it (its first index is at most the older snapshot's index + 1);
 * otherwise {@link SnapshotUnavailableException}.
 *
 * <p>Not thread-safe: one thread writes snapshots; reading streams are independent files.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final String PREFIX = "snapshot-";
  private static final String SUFFIX = ".snap";
  private static final String TEMP_SUFFIX = ".snap.tmp";

  private final SnapshotConfig config;
  private final StorageFileSystem fs;
  private final Path dir;
  private final CRC32C crc = new CRC32C();

  private SnapshotStore(SnapshotConfig config) {
    this.config = config;
    this.fs = config.fileSystem();
    this.dir = config.directory();
  }

  /** Opens the store, creating its directory and removing temporary files left by a crash. */
  public static SnapshotStore open(SnapshotConfig config) {
    SnapshotStore store = new SnapshotStore(config);
    try {
      store.fs.createDirectories(store.dir);
      boolean removed = false;
      for (String name : store.fs.list(store.dir)) {
        if (name.startsWith(PREFIX) && name.endsWith(TEMP_SUFFIX)) {
          LOG.warn("removing unfinished snapshot {} left by a crash", store.dir.resolve(name));
          store.fs.delete(store.dir.resolve(name));
          removed = true;
        }
      }
      if (removed) {
        store.fs.syncDirectory(store.dir);
      }
    } catch (IOException e) {
      throw new SnapshotIoException(store.dir, e);
    }
    return store;
  }

  /** Writes a snapshot whose payload is {@code payload}. */
  public SnapshotMeta write(long index, long term, byte[] payload) {
    return write(index, term, out -> out.write(payload));
  }

  /**
   * Durably writes a snapshot covering entries up to {@code index} (at {@code term}), streaming its
   * payload from {@code writer}, then prunes old snapshots.
   *
   * @throws SnapshotTooLargeException if the payload exceeds the configured limit
   * @throws SnapshotIoException if writing, syncing or renaming fails (the snapshot is abandoned)
   */
  public SnapshotMeta write(long index, long term, SnapshotWriter writer) {
    String name = String.format("%s%016x-%016x", PREFIX, index, term);
    Path temp = dir.resolve(name + TEMP_SUFFIX);
    Path target = dir.resolve(name + SUFFIX);
    try {
      fs.delete(temp);
      try (StorageFile file = fs.createGrowable(temp)) {
        UnsafeBuffer header = buffer(HEADER_LENGTH);
        header.putLong(MAGIC_OFFSET, MAGIC);
        header.putInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        header.putLong(INDEX_OFFSET, index);
        header.putLong(TERM_OFFSET, term);
        file.write(0, header, 0, HEADER_LENGTH);
        crc.reset();
        crc.update(header.byteBuffer().duplicate());
        SnapshotOutputStream out = new SnapshotOutputStream(file, crc, config.maxPayloadBytes());
        writer.writeTo(out);
        out.finish();
        UnsafeBuffer trailer = buffer(TRAILER_LENGTH);
        trailer.putLong(TRAILER_PAYLOAD_LENGTH_OFFSET, out.payloadBytes());
        crc.update(trailer.byteBuffer().duplicate().limit(TRAILER_CHECKSUMMED_LENGTH));
        trailer.putInt(TRAILER_CRC_OFFSET, (int) crc.getValue());
        file.write(HEADER_LENGTH + out.payloadBytes(), trailer, 0, TRAILER_LENGTH);
        file.sync();
      }
      fs.rename(temp, target);
      fs.syncDirectory(dir);
    } catch (IOException e) {
      abandon(temp);
      throw new SnapshotIoException(temp, e);
    } catch (RuntimeException e) {
      abandon(temp);
      throw e;
    }
    prune();
    return new SnapshotMeta(index, term, target);
  }

  private void abandon(Path temp) {
    try {
      fs.delete(temp);
    } catch (IOException suppressed) {
      LOG.warn("could not remove abandoned snapshot {}", temp, suppressed);
    }
  }

  private void prune() {
    List<SnapshotMeta> all = list();
    if (all.size() <= config.retainCount()) {
      return;
    }
    try {
      for (SnapshotMeta old : all.subList(config.retainCount(), all.size())) {
        fs.delete(old.file());
      }
      fs.syncDirectory(dir);
    } catch (IOException e) {
      throw new SnapshotIoException(dir, e);
    }
  }

  /** The snapshot files present, newest (highest index, then term) first; not verified. */
  public List<SnapshotMeta> list() {
    List<SnapshotMeta> result = new ArrayList<>();
    try {
      for (String name : fs.list(dir)) {
        if (name.startsWith(PREFIX)
            && name.endsWith(SUFFIX)
            && name.length() == PREFIX.length() + 33 + SUFFIX.length()) {
          String body = name.substring(PREFIX.length(), PREFIX.length() + 33);
          try {
            long index = Long.parseUnsignedLong(body.substring(0, 16), 16);
            long term = Long.parseUnsignedLong(body.substring(17), 16);
            result.add(new SnapshotMeta(index, term, dir.resolve(name)));
          } catch (NumberFormatException e) {
            LOG.warn("ignoring unrecognised file {} in the snapshot directory", name);
          }
        }
      }
    } catch (IOException e) {
      throw new SnapshotIoException(dir, e);
    }
    result.sort(
        Comparator.comparingLong(SnapshotMeta::index)
            .thenComparingLong(SnapshotMeta::term)
            .reversed());
    return result;
  }

  /**
   * Opens {@code meta}'s payload as a stream. Its framing is checked now; its checksum when the
   * stream reaches the end (a mismatch throws {@link SnapshotCorruptionException} there). Close the
   * stream.
   */
  public InputStream openPayload(SnapshotMeta meta) {
    StorageFile file = null;
    try {
      file = fs.openGrowable(meta.file());
      long size = file.sizeBytes();
      if (size < HEADER_LENGTH + TRAILER_LENGTH) {
        throw new SnapshotCorruptionException(meta.file(), "only " + size + " bytes long");
      }
      UnsafeBuffer header = buffer(HEADER_LENGTH);
      file.read(0, header, 0, HEADER_LENGTH);
      UnsafeBuffer trailer = buffer(TRAILER_LENGTH);
      file.read(size - TRAILER_LENGTH, trailer, 0, TRAILER_LENGTH);
      long payloadLength = trailer.getLong(TRAILER_PAYLOAD_LENGTH_OFFSET);
      if (header.getLong(MAGIC_OFFSET) != MAGIC
          || header.getInt(FORMAT_VERSION_OFFSET) != FORMAT_VERSION) {
        throw new SnapshotCorruptionException(meta.file(), "bad magic or format version");
      }
      if (header.getLong(INDEX_OFFSET) != meta.index()
          || header.getLong(TERM_OFFSET) != meta.term()) {
        throw new SnapshotCorruptionException(meta.file(), "header does not match the file name");
      }
      if (payloadLength != size - HEADER_LENGTH - TRAILER_LENGTH) {
        throw new SnapshotCorruptionException(
            meta.file(), "payload length " + payloadLength + " does not match file size " + size);
      }
      CRC32C streamCrc = new CRC32C();
      streamCrc.update(header.byteBuffer().duplicate());
      return new SnapshotInputStream(
          file, streamCrc, payloadLength, trailer.getInt(TRAILER_CRC_OFFSET));
    } catch (IOException e) {
      closeQuietly(file);
      throw new SnapshotIoException(meta.file(), e);
    } catch (RuntimeException e) {
      closeQuietly(file);
      throw e;
    }
  }

  /**
   * Reads {@code meta} completely and checks its checksum.
   *
   * @throws SnapshotCorruptionException if it does not verify
   */
  public void verify(SnapshotMeta meta) {
    try (InputStream in = openPayload(meta)) {
      while (in.skip(Long.MAX_VALUE) > 0) {
        // skipping to the end checks the checksum (once skip has nothing left)
      }
    } catch (IOException e) {
      throw new SnapshotIoException(meta.file(), e);
    }
  }

  /** Reads the payload of {@code meta} into memory, verified. */
  public byte[] readAll(SnapshotMeta meta) {
    try (InputStream in = openPayload(meta)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new SnapshotIoException(meta.file(), e);
    }
  }

  /**
   * The snapshot to restore from, given that the write-ahead log holds entries from {@code
   * walFirstIndex} on: the newest snapshot that verifies, or an older one if the newest is corrupt
   * and the log covers the gap after it. Empty when there is no snapshot at all, or when every
   * snapshot is corrupt but the log still starts at index 1 (replay from scratch).
   *
   * @throws SnapshotUnavailableException if the newest snapshot is corrupt and no usable fallback
   *     exists
   */
  public Optional<SnapshotMeta> selectUsable(long walFirstIndex) {
    SnapshotCorruptionException newestCorruption = null;
    Path corruptNewest = null;
    for (SnapshotMeta candidate : list()) {
      try {
        verify(candidate);
      } catch (SnapshotCorruptionException e) {
        LOG.warn("{}", e.getMessage());
        if (newestCorruption == null) {
          newestCorruption = e;
          corruptNewest = candidate.file();
        }
        continue;
      }
      if (newestCorruption == null) {
        return Optional.of(candidate);
      }
      if (walFirstIndex <= candidate.index() + 1) {
        LOG.warn(
            "falling back to snapshot {}: the write-ahead log starts at {} and covers the rest",
            candidate.file(),
            walFirstIndex);
        return Optional.of(candidate);
      }
      throw new SnapshotUnavailableException(
          corruptNewest, walFirstIndex, candidate.index(), newestCorruption);
    }
    if (newestCorruption != null && walFirstIndex > 1) {
      throw new SnapshotUnavailableException(corruptNewest, walFirstIndex, -1, newestCorruption);
    }
    return Optional.empty();
  }

  private static UnsafeBuffer buffer(int length) {
    return new UnsafeBuffer(ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN));
  }

  private static void closeQuietly(StorageFile file) {
    if (file != null) {
      try {
        file.close();
      } catch (IOException suppressed) {
        LOG.debug("closing {} after a failure", file.path(), suppressed);
      }
    }
  }
}
