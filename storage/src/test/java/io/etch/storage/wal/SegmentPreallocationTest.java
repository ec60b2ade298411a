package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pre-allocated segments: the next segment is filled ahead in steps by the appending thread (no
 * executor), a segment's zero tail is its normal end, and a crash at any point of the filling loses
 * nothing that was synced.
 */
class SegmentPreallocationTest {

  /** The file system under test: byte-granular writes here, block writes in the subclass. */
  FaultInjectingFileSystem newFs(long seed) {
    return new FaultInjectingFileSystem(seed);
  }

  /** Four steps per segment, so the stepwise filling is visible. */
  private static final long SEGMENT_BYTES = 4L * SegmentPreallocator.STEP_BYTES;

  private static final int PAYLOAD_BYTES = 1000;

  private WalConfig config(FaultInjectingFileSystem fs) {
    return WalConfig.builder(DIR)
        .fileSystem(fs)
        .segmentSizeBytes(SEGMENT_BYTES)
        .maxEntryBytes(PAYLOAD_BYTES)
        .build();
  }

  private byte[] payload(long index) {
    byte[] b = new byte[PAYLOAD_BYTES];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (index * 31 + i);
    }
    return b;
  }

  private static final int FRAME_BYTES = WalRecordDescriptor.entryFrameLength(PAYLOAD_BYTES);

  /** Appends and syncs entries up to {@code toIndex}, 64 entries per sync. */
  private void appendSynced(WriteAheadLog wal, long toIndex) {
    for (long i = wal.lastIndex() + 1; i <= toIndex; i++) {
      wal.append(i, 1, (byte) 0, payload(i));
      if (i % 64 == 0) {
        wal.sync();
      }
    }
    wal.sync();
  }

  private Path temp(long sequence) {
    return DIR.resolve(String.format("%016x-next%s", sequence, Segment.TEMP_SUFFIX));
  }

  private List<String> segmentNames(FaultInjectingFileSystem fs) throws Exception {
    return fs.list(DIR).stream().filter(n -> n.endsWith(Segment.SUFFIX)).toList();
  }

  private void assertEntries(WriteAheadLog wal, long toIndex) {
    assertEquals(1, wal.firstIndex());
    assertEquals(toIndex, wal.lastIndex());
    for (long i = 1; i <= toIndex; i++) {
      assertArrayEquals(payload(i), wal.entry(i).payload(), "entry " + i);
    }
  }

  @Test
  void nextSegmentIsFilledInSyncedStepsAheadOfTheActiveOneAndUsedAtTheRoll() throws Exception {
    FaultInjectingFileSystem fs = newFs(41);
    long perSegment = SEGMENT_BYTES / FRAME_BYTES;
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      appendSynced(wal, 64);
      assertFalse(fs.exists(temp(2)), "nothing is filled while the active segment is nearly empty");
      long previous = 0;
      for (long upTo = 128; upTo < perSegment - 64; upTo += 64) {
        appendSynced(wal, upTo);
        if (!fs.exists(temp(2))) {
          continue;
        }
        FaultInjectingFileSystem.FileView next = fs.file(temp(2));
        long filled = next.sizeBytes();
        assertEquals(0, filled % SegmentPreallocator.STEP_BYTES, "whole steps only");
        assertTrue(filled - previous <= SegmentPreallocator.STEP_BYTES, "one step per sync");
        assertNull(next.unsyncedRange(), "each step is synced");
        double activeFill = (double) (upTo * FRAME_BYTES) / SEGMENT_BYTES;
        assertTrue(
            filled <= activeFill / SegmentPreallocator.FILLED_AHEAD_AT * SEGMENT_BYTES,
            "filled only as the active segment fills: " + filled + " at " + activeFill);
        previous = filled;
      }
      assertEquals(SEGMENT_BYTES, fs.file(temp(2)).sizeBytes(), "complete before the roll");
      assertEquals(1, segmentNames(fs).size());
      appendSynced(wal, perSegment + 10);
      assertEquals(2, segmentNames(fs).size(), "rolled");
      assertFalse(fs.exists(temp(2)), "the prepared file became segment 2");
      assertEquals(SEGMENT_BYTES, fs.size(DIR.resolve(segmentNames(fs).get(1))));
      assertEntries(wal, perSegment + 10);
    }
    FaultInjectingFileSystem after = fs.crash(CrashMode.POWER_LOSS);
    try (WriteAheadLog wal = WriteAheadLog.open(config(after))) {
      assertEntries(wal, perSegment + 10);
    }
  }

  @Test
  void crashAtEveryStepOfThePreallocationLosesNothingSynced() throws Exception {
    long perSegment = SEGMENT_BYTES / FRAME_BYTES;
    for (CrashMode mode : CrashMode.values()) {
      FaultInjectingFileSystem fs = newFs(43);
      WriteAheadLog wal = WriteAheadLog.open(config(fs));
      long lastSynced = 0;
      long lastFilled = -1;
      int crashes = 0;
      for (long upTo = 64; upTo <= perSegment + 128; upTo += 64) {
        appendSynced(wal, upTo);
        lastSynced = upTo;
        long filled = fs.exists(temp(2)) ? fs.file(temp(2)).sizeBytes() : -1;
        if (filled == lastFilled) {
          continue;
        }
        lastFilled = filled;
        wal.append(upTo + 1, 1, (byte) 0, payload(upTo + 1)); // unsynced: may or may not survive
        FaultInjectingFileSystem after = fs.crash(mode);
        crashes++;
        try (WriteAheadLog reopened = WriteAheadLog.open(config(after))) {
          String why = mode + " with the next segment filled to " + filled + ", seed " + fs.seed();
          assertTrue(reopened.lastIndex() >= lastSynced, why);
          assertEntries(reopened, reopened.lastIndex());
          assertTrue(
              after.list(DIR).stream().noneMatch(n -> n.endsWith(Segment.TEMP_SUFFIX)),
              "unfinished pre-allocation removed: " + why);
          // the reopened log fills and rolls again from scratch
          appendSynced(reopened, perSegment + 200);
          assertEntries(reopened, perSegment + 200);
        }
        wal.truncateSuffix(upTo + 1);
      }
      wal.close();
      assertTrue(crashes >= 4, "crashed before filling and after each of the steps: " + crashes);
    }
  }

  @Test
  void failedSyncOfAStepIsFatal() throws Exception {
    FaultInjectingFileSystem fs = newFs(47);
    WriteAheadLog wal = WriteAheadLog.open(config(fs));
    long upTo = 64;
    while (!fs.exists(temp(2))) {
      upTo += 64;
      appendSynced(wal, upTo);
    }
    fs.failNextSync(temp(2));
    long next = upTo + 1;
    long later = upTo + 10_000;
    WalFailedException e =
        assertThrows(
            WalFailedException.class,
            () -> {
              for (long i = next; ; i++) {
                wal.append(i, 1, (byte) 0, payload(i));
                wal.sync();
              }
            });
    assertTrue(wal.failed());
    assertTrue(e.getMessage().contains("pre-allocating segment 2"), e.getMessage());
    assertThrows(WalFailedException.class, () -> wal.append(later, 1, (byte) 0, payload(1)));
    wal.close();
  }

  @Test
  void syncPolicyNeverPreparesNothingAhead() throws Exception {
    FaultInjectingFileSystem fs = newFs(53);
    WalConfig never =
        WalConfig.builder(DIR)
            .fileSystem(fs)
            .segmentSizeBytes(SEGMENT_BYTES)
            .maxEntryBytes(PAYLOAD_BYTES)
            .syncPolicy(SyncPolicy.NEVER)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(never)) {
      appendSynced(wal, SEGMENT_BYTES / FRAME_BYTES - 8);
      assertTrue(fs.list(DIR).stream().noneMatch(n -> n.endsWith(Segment.TEMP_SUFFIX)));
    }
  }

  /**
   * A segment is its full size from creation, and what follows the last record is zeros: that tail
   * is the normal end, recovered exactly (nothing cut, nothing invented), on real mapped files.
   */
  @ParameterizedTest
  @EnumSource(WritePath.class)
  void preSizedSegmentWithAZeroTailRecoversExactly(WritePath writePath, @TempDir Path dir)
      throws Exception {
    WalConfig config =
        WalConfig.builder(dir)
            .fileSystem(new MappedFileSystem(writePath))
            .segmentSizeBytes(SEGMENT_BYTES)
            .maxEntryBytes(PAYLOAD_BYTES)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      appendSynced(wal, 100);
    }
    Path segment = dir.resolve(Segment.fileName(1, 1));
    assertEquals(SEGMENT_BYTES, Files.size(segment), "pre-sized at creation");
    byte[] bytes = Files.readAllBytes(segment);
    List<WalFrames.Frame> frames = WalFrames.frames(bytes);
    WalFrames.Frame last = frames.get(frames.size() - 1);
    int end = (int) (last.offset() + last.length());
    for (int i = end; i < bytes.length; i++) {
      assertEquals(0, bytes[i], "zero tail at " + i);
    }
    for (int round = 0; round < 2; round++) {
      try (WriteAheadLog wal = WriteAheadLog.open(config)) {
        assertEntries(wal, 100 + round * 10);
        appendSynced(wal, 110 + round * 10);
      }
      assertArrayEquals(
          java.util.Arrays.copyOf(bytes, end),
          java.util.Arrays.copyOf(Files.readAllBytes(segment), end),
          "recovery rewrote nothing before the zero tail");
      assertEquals(SEGMENT_BYTES, Files.size(segment));
    }
  }
}
