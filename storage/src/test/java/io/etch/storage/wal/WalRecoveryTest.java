package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.FaultInjectingFileSystem.FileView;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Recovery must repair a torn tail and refuse everything else: each case either reopens with every
 * synced record intact or fails with {@link WalCorruptionException} naming the file and offset.
 */
class WalRecoveryTest {

  /** The file system under test: byte-granular writes here, block writes in the subclass. */
  FaultInjectingFileSystem newFs(long seed) {
    return new FaultInjectingFileSystem(seed);
  }

  private Path segmentPath(FaultInjectingFileSystem fs, int fromEnd) throws Exception {
    List<String> names = fs.list(DIR);
    return DIR.resolve(names.get(names.size() - 1 - fromEnd));
  }

  /** 1..20 synced, then entry 21 appended but not synced; returns the file system. */
  private FaultInjectingFileSystem logWithUnsyncedLastRecord(long seed) {
    FaultInjectingFileSystem fs = newFs(seed);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs, 64 << 10))) {
      appendRange(wal, 1, 20, 1);
      wal.sync();
      byte[] last = new byte[200];
      new Random(seed).nextBytes(last);
      wal.append(21, 1, (byte) 1, last);
    }
    return fs;
  }

  @Test
  void tornTailAtEveryByteOffsetOfTheLastRecordIsCutAndTheLogStaysUsable() throws Exception {
    FaultInjectingFileSystem fs = logWithUnsyncedLastRecord(11);
    Path segment = segmentPath(fs, 0);
    WalFrames.Frame lastFrame = WalFrames.entryFrame(fs.file(segment).bytes(), 21);
    long[] range = {lastFrame.offset(), lastFrame.offset() + lastFrame.length()};
    assertEquals(WalRecordDescriptor.entryFrameLength(200), range[1] - range[0]);
    for (long cut = range[0]; cut <= range[1]; cut++) {
      for (boolean garbage : new boolean[] {false, true}) {
        FaultInjectingFileSystem crashed = fs.crashKeepingUnsyncedBelow(segment, cut);
        if (garbage && cut < range[1]) {
          byte[] junk = new byte[(int) (range[1] - cut)];
          new Random(cut).nextBytes(junk);
          crashed.file(segment).overwrite(cut, junk);
        }
        String what = "cut at " + cut + (garbage ? " followed by garbage" : " (zeroed tail)");
        try (WriteAheadLog wal = WriteAheadLog.open(config(crashed, 64 << 10))) {
          long expectedLast = cut == range[1] ? 21 : 20;
          assertEquals(expectedLast, wal.lastIndex(), what);
          assertEquals(expected(20, 1), wal.entry(20), what);
          byte[] after = crashed.file(segment).bytes();
          long tailStart = expectedLast == 21 ? range[1] : range[0];
          for (long i = tailStart; i < range[1]; i++) {
            assertEquals(0, after[(int) i], what + ": the torn tail must be zeroed, byte " + i);
          }
          if (expectedLast == 20) {
            wal.append(21, 2, (byte) 0, payload(21, 2));
            wal.sync();
          }
        }
        try (WriteAheadLog wal =
            WriteAheadLog.open(config(crashed.crash(CrashMode.POWER_LOSS), 64 << 10))) {
          assertEquals(21, wal.lastIndex(), what + ", after repair and reopen");
        }
      }
    }
  }

  private FaultInjectingFileSystem syncedLogOfSeveralSegments(long seed) {
    FaultInjectingFileSystem fs = newFs(seed);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      for (long i = 1; i <= 120; i++) {
        appendRange(wal, i, i, 1);
        if (i % 7 == 0) {
          wal.sync();
        }
      }
      wal.sync();
    }
    return fs;
  }

  /** One 64 KiB segment holding 1..100, synced every 5 entries. */
  private FaultInjectingFileSystem syncedSingleSegmentLog(long seed) {
    FaultInjectingFileSystem fs = newFs(seed);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs, 64 << 10))) {
      for (long i = 1; i <= 100; i++) {
        appendRange(wal, i, i, 1);
        if (i % 5 == 0) {
          wal.sync();
        }
      }
    }
    return fs;
  }

  private WalCorruptionException assertRefused(
      FaultInjectingFileSystem fs, Path file, long offset) {
    WalCorruptionException e =
        assertThrows(
            WalCorruptionException.class,
            () ->
                WriteAheadLog.open(config(fs, fs.file(file).sizeBytes() > 8192 ? 64 << 10 : 8192))
                    .close());
    assertEquals(file, e.file(), e.getMessage());
    if (offset >= 0) {
      assertEquals(offset, e.offset(), e.getMessage());
    }
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e;
  }

  @Test
  void bitFlipInAMiddleRecordOfTheLastSegmentIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = syncedSingleSegmentLog(12);
    Path last = segmentPath(fs, 0);
    FileView view = fs.file(last);
    List<WalFrames.Frame> frames = WalFrames.frames(view.bytes());
    WalFrames.Frame middle = frames.get(frames.size() / 2);
    view.flipBit(middle.offset() + middle.length() - 1 - 8, 3);
    assertRefused(fs, last, middle.offset());
  }

  @Test
  void bitFlipInARecordOfAnOlderSegmentIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = syncedLogOfSeveralSegments(13);
    Path older = segmentPath(fs, 2);
    FileView view = fs.file(older);
    List<WalFrames.Frame> frames = WalFrames.frames(view.bytes());
    WalFrames.Frame victim = frames.get(frames.size() - 1);
    view.flipBit(victim.offset() + WalRecordDescriptor.HEADER_LENGTH + 3, 0);
    assertRefused(fs, older, victim.offset());
  }

  @Test
  void bitFlipInALengthFieldIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = syncedSingleSegmentLog(14);
    Path last = segmentPath(fs, 0);
    FileView view = fs.file(last);
    List<WalFrames.Frame> frames = WalFrames.frames(view.bytes());
    WalFrames.Frame victim = frames.get(2);
    view.flipBit(victim.offset() + WalRecordDescriptor.FRAME_LENGTH_OFFSET + 1, 2);
    assertRefused(fs, last, victim.offset());
  }

  @Test
  void bitFlipInASegmentsFirstRecordIsCorruption() throws Exception {
    for (int fromEnd : new int[] {0, 1, 3}) {
      FaultInjectingFileSystem fs = syncedLogOfSeveralSegments(15 + fromEnd);
      Path segment = segmentPath(fs, fromEnd);
      fs.file(segment).flipBit(WalRecordDescriptor.SEGMENT_SEQUENCE_OFFSET + 1, 5);
      assertRefused(fs, segment, 0);
    }
    FaultInjectingFileSystem fs = syncedLogOfSeveralSegments(19);
    Path first = segmentPath(fs, fs.list(DIR).size() - 1);
    fs.file(first).flipBit(WalRecordDescriptor.FRAME_LENGTH_OFFSET, 4);
    assertRefused(fs, first, 0);
  }

  @Test
  void zeroedSectorInSyncedDataIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = syncedSingleSegmentLog(20);
    Path last = segmentPath(fs, 0);
    fs.file(last).zeroSector(5);
    WalCorruptionException e = assertRefused(fs, last, -1);
    assertTrue(e.offset() >= 2048 && e.offset() < 3072, e.getMessage());
    FaultInjectingFileSystem older = syncedLogOfSeveralSegments(21);
    Path middle = segmentPath(older, 2);
    older.file(middle).zeroSector(4);
    assertRefused(older, middle, -1);
  }

  @Test
  void zeroedOrTornSectorsOfUnsyncedWritesAreRepaired() throws Exception {
    for (long seed = 0; seed < 50; seed++) {
      FaultInjectingFileSystem fs = newFs(seed);
      try (WriteAheadLog wal = WriteAheadLog.open(config(fs, 64 << 10))) {
        appendRange(wal, 1, 30, 1);
        wal.sync();
        appendRange(wal, 31, 60, 1);
      }
      try (WriteAheadLog wal = WriteAheadLog.open(config(fs.crash(CrashMode.TORN_SECTORS)))) {
        assertTrue(wal.lastIndex() >= 30 && wal.lastIndex() <= 60, "seed " + seed);
        for (long i = 1; i <= wal.lastIndex(); i++) {
          assertEquals(expected(i, 1), wal.entry(i), "seed " + seed);
        }
      }
    }
  }

  @Test
  void truncatedSegmentIsCorruption() throws Exception {
    for (int fromEnd : new int[] {0, 2}) {
      FaultInjectingFileSystem fs = syncedLogOfSeveralSegments(22 + fromEnd);
      Path segment = segmentPath(fs, fromEnd);
      fs.file(segment).truncate(4096);
      WalCorruptionException e = assertRefused(fs, segment, 4096);
      assertTrue(e.getMessage().contains("8192"), e.getMessage());
    }
  }

  @Test
  void missingSegmentIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = syncedLogOfSeveralSegments(25);
    Path missing = segmentPath(fs, 2);
    Path next = segmentPath(fs, 1);
    fs.file(missing).delete();
    WalCorruptionException e = assertRefused(fs, next, 0);
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void validlyChecksummedIndexGapIsCorruption() throws Exception {
    FaultInjectingFileSystem fs = newFs(26);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      appendRange(wal, 1, 5, 1);
      wal.sync();
    }
    Path segment = segmentPath(fs, 0);
    List<WalFrames.Frame> frames = WalFrames.frames(fs.file(segment).bytes());
    WalFrames.Frame last = frames.get(frames.size() - 1);
    WalFrameEncoder encoder = new WalFrameEncoder(4096);
    int end = last.offset() + last.length();
    int length =
        encoder.encodeEntry(7, 1, (byte) 0, new UnsafeBuffer(new byte[4]), 0, 4, last.crc(), end);
    byte[] frame = new byte[length];
    encoder.buffer().getBytes(0, frame);
    fs.file(segment).overwrite(end, frame);
    WalCorruptionException e = assertRefused(fs, segment, end);
    assertTrue(e.getMessage().contains("index gap"), e.getMessage());
  }

  @Test
  void recordReplayedOutOfPlaceBreaksTheChain() throws Exception {
    FaultInjectingFileSystem fs = syncedSingleSegmentLog(27);
    Path last = segmentPath(fs, 0);
    byte[] bytes = fs.file(last).bytes();
    List<WalFrames.Frame> frames = WalFrames.frames(bytes);
    WalFrames.Frame a = frames.get(3);
    WalFrames.Frame b = frames.get(4);
    // swap two complete, individually valid records: only the chain can tell
    byte[] swapped = new byte[a.length() + b.length()];
    System.arraycopy(bytes, b.offset(), swapped, 0, b.length());
    System.arraycopy(bytes, a.offset(), swapped, b.length(), a.length());
    fs.file(last).overwrite(a.offset(), swapped);
    assertRefused(fs, last, a.offset());
  }
}
