package io.etch.storage.wal;

import io.etch.storage.fs.StorageFile;
import java.nio.file.Path;

/** One open segment file and the writer's bookkeeping for it. */
final class Segment {
  static final String SUFFIX = ".wal";
  static final String TEMP_SUFFIX = ".wal.tmp";

  final long sequence;
  final long firstIndex;
  final Path path;
  final StorageFile file;

  /** Where the next frame goes; everything from here to the end is zeros. */
  int writePosition;

  /** Everything below this offset is known durable. */
  int durableOffset;

  Segment(long sequence, long firstIndex, Path path, StorageFile file) {
    this.sequence = sequence;
    this.firstIndex = firstIndex;
    this.path = path;
    this.file = file;
  }

  boolean dirty() {
    return durableOffset < writePosition;
  }

  /** {@code <sequence>-<firstIndex>.wal}, both as 16 hex digits, so names sort by sequence. */
  static String fileName(long sequence, long firstIndex) {
    return String.format("%016x-%016x%s", sequence, firstIndex, SUFFIX);
  }

  /** Parsed segment file name. */
  record Name(long sequence, long firstIndex, String fileName) {}

  /** Parses a segment file name, or returns {@code null} for any other file. */
  static Name parse(String fileName) {
    if (fileName.length() != 33 + SUFFIX.length() || !fileName.endsWith(SUFFIX)) {
      return null;
    }
    if (fileName.charAt(16) != '-') {
      return null;
    }
    try {
      long sequence = Long.parseUnsignedLong(fileName.substring(0, 16), 16);
      long firstIndex = Long.parseUnsignedLong(fileName.substring(17, 33), 16);
      return new Name(sequence, firstIndex, fileName);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Packs a segment sequence and an offset into one long for the entry index. */
  static long pack(long sequence, int offset) {
    return (sequence << 32) | (offset & 0xFFFF_FFFFL);
  }

  static long sequenceOf(long packed) {
    return packed >>> 32;
  }

  static int offsetOf(long packed) {
    return (int) packed;
  }
}
