package io.etch.internal.backup;

/**
 * The layout of a backup stream, the output of {@code maintenance().snapshot(out)} and the input of
 * {@code SnapshotRestore}. All integers are big-endian.
 *
 * <pre>
 *   header (64 bytes)
 *   0         8        12        16          24            32           40          48         56       64
 *   +---------+--------+---------+-----------+-------------+------------+-----------+----------+--------+
 *   | magic   | format | header  | revision  | compacted   | applied    | cluster   | member   | taken  |
 *   | ETCHBKUP|   1    | len 64  |  int64    | rev int64   | idx int64  | id int64  | id int64 | at ms  |
 *   +---------+--------+---------+-----------+-------------+------------+-----------+----------+--------+
 *
 *   body: chunks, then a terminator
 *   +-------------------+---------------------+-- ... --+------------+
 *   | chunk len int32   | chunk bytes         |         | 0 (int32)  |
 *   | 1..MAX_CHUNK_BYTES|                     |         | terminator |
 *   +-------------------+---------------------+-- ... --+------------+
 *   The chunks' bytes, concatenated, are the MVCC snapshot stream (MvccView.writeSnapshot:
 *   every retained version, both revisions, and the node's replicated extra state -- the
 *   dedup table, the alarms and whatever else the applier keeps beside the store -- with its own
 *   CRC32C).
 *
 *   trailer (16 bytes)
 *   +-----------+------------------+-----------+
 *   | end magic | body bytes int64 | crc32c    |
 *   | "BKEN"    | (sum of chunks)  | int32     |
 *   +-----------+------------------+-----------+
 * </pre>
 *
 * <p>The trailing CRC32C covers every byte before it, header included. The body is chunked so the
 * writer can stream a view of unknown size and the reader knows where the snapshot section ends
 * without parsing it.
 */
public final class BackupDescriptor {
  private BackupDescriptor() {}

  /** "ETCHBKUP". */
  public static final long MAGIC = 0x45544348424b5550L;

  /** The format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public static final int HEADER_BYTES = 64;

  /** "BKEN". */
  public static final int END_MAGIC = 0x424b454e;

  public static final int TRAILER_BYTES = 16;

  /** The largest chunk written and accepted. */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  public static final int MAGIC_OFFSET = 0;
  public static final int FORMAT_OFFSET = 8;
  public static final int HEADER_LENGTH_OFFSET = 12;
  public static final int BODY_OFFSET = HEADER_BYTES;
}
