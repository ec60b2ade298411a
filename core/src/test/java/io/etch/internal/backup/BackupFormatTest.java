package io.etch.internal.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.CorruptBackupException;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The backup layout: a round trip, and every corruption and truncation refused with its reason. */
class BackupFormatTest {
  private static final MvccConfig CONFIG = MvccConfig.defaults();
  private static final byte[] EXTRA = "replicated-extra".getBytes(StandardCharsets.UTF_8);

  static MvccStore store(int keys, int valueBytes) {
    MvccStore store = MvccStore.create(CONFIG);
    for (int i = 0; i < keys; i++) {
      byte[] value = new byte[valueBytes];
      Arrays.fill(value, (byte) i);
      store.put(PutRequest.of(("k" + i).getBytes(StandardCharsets.UTF_8), value));
    }
    store.put(PutRequest.of("k0".getBytes(StandardCharsets.UTF_8), new byte[] {9}));
    store.compact(2);
    while (store.compactStep(100)) {
      // finish the compaction
    }
    return store;
  }

  static byte[] backup(MvccStore store, BackupWriter.Written[] written) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupWriter.Written w =
        BackupWriter.write(out, new BackupPoint(42, store.view(), EXTRA), 0xC1, 0xA1, 1234);
    if (written != null) {
      written[0] = w;
    }
    return out.toByteArray();
  }

  static BackupReader.Backup read(byte[] bytes) {
    return BackupReader.read(new ByteArrayInputStream(bytes), "test", CONFIG);
  }

  static String reason(byte[] bytes) {
    return assertThrows(CorruptBackupException.class, () -> read(bytes)).reason();
  }

  @Test
  void roundTripKeepsTheStoreTheExtraAndTheHeader() throws IOException {
    MvccStore store = store(50, 100);
    BackupWriter.Written[] w = new BackupWriter.Written[1];
    byte[] bytes = backup(store, w);
    assertEquals(bytes.length, w[0].sizeBytes());
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    assertEquals(crc.getValue(), w[0].checksum());

    BackupReader.Backup b = read(bytes);
    assertEquals(new BackupHeader(store.revision(), 2, 42, 0xC1, 0xA1, 1234), b.header());
    assertArrayEquals(EXTRA, b.restored().extra());
    assertEquals(store.view().hashKv(0), b.restored().store().view().hashKv(0));
    assertEquals(store.view().keyCount(), b.restored().store().view().keyCount());
  }

  @Test
  void aStoreLargerThanAChunkStreamsInSeveralChunks() throws IOException {
    MvccStore store = store(40, 100_000); // ~4 MB: several 64 KiB chunks
    byte[] bytes = backup(store, null);
    BackupReader.Backup b = read(bytes);
    assertEquals(store.view().hashKv(0), b.restored().store().view().hashKv(0));
  }

  @Test
  void everyCorruptedByteIsRefused() throws IOException {
    byte[] good = backup(store(5, 8), null);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) 0xFF;
      int offset = i;
      CorruptBackupException e =
          assertThrows(
              CorruptBackupException.class, () -> read(bad), () -> "flipped byte " + offset);
      assertEquals("test", e.source());
    }
  }

  @Test
  void everyTruncationIsRefused() throws IOException {
    byte[] good = backup(store(5, 8), null);
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      int n = len;
      assertThrows(CorruptBackupException.class, () -> read(cut), () -> "truncated to " + n);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertTrue(reason(longer).contains("after the trailer"), reason(longer));
  }

  @Test
  void reasonsNameWhatFailedAndWhere() throws IOException {
    byte[] good = backup(store(5, 8), null);

    byte[] magic = good.clone();
    magic[0] = 'X';
    assertTrue(reason(magic).contains("bad magic") && reason(magic).contains("offset 0"));

    byte[] version = good.clone();
    ByteBuffer.wrap(version).putInt(BackupDescriptor.FORMAT_OFFSET, 2);
    assertTrue(
        reason(version).contains("unsupported format version 2 at offset 8"), reason(version));

    byte[] checksum = good.clone();
    checksum[good.length - 1] ^= 1;
    assertTrue(
        reason(checksum).contains("checksum mismatch at offset " + (good.length - 4)),
        reason(checksum));

    byte[] revision = good.clone();
    revision[23] ^= 1; // the header's revision: only the checksum covers it
    assertTrue(reason(revision).contains("checksum mismatch"), reason(revision));

    byte[] truncated = Arrays.copyOf(good, good.length - 6);
    assertTrue(reason(truncated).contains("truncated"), reason(truncated));

    assertTrue(reason(new byte[0]).contains("offset 0"), reason(new byte[0]));
  }
}
