package io.etch.storage.wal;

/** An entry payload larger than {@link WalConfig#maxEntryBytes()}. */
public final class WalRecordTooLargeException extends WalException {
  private static final long serialVersionUID = 1L;
  private final int sizeBytes;
  private final int limitBytes;

  public WalRecordTooLargeException(int sizeBytes, int limitBytes) {
    super("entry payload of " + sizeBytes + " bytes exceeds maxEntryBytes " + limitBytes, null);
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }

  public int sizeBytes() {
    return sizeBytes;
  }

  public int limitBytes() {
    return limitBytes;
  }
}
