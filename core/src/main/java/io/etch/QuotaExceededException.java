package io.etch;

/**
 * The data size reached the backend quota and the cluster-wide NOSPACE alarm is raised (etcd's
 * {@code ErrNoSpace}). Puts, and transactions that write, are refused; reads, deletes and
 * compaction keep working; nothing already written is lost. Disarm the alarm after freeing space.
 */
public final class QuotaExceededException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long quotaBytes;
  private final long dataSizeBytes;

  public QuotaExceededException(long quotaBytes, long dataSizeBytes) {
    super(
        "storage quota exceeded: data size is "
            + dataSizeBytes
            + " bytes, quota is "
            + quotaBytes
            + " bytes (NOSPACE alarm raised; compact, then disarm the alarm)");
    this.quotaBytes = quotaBytes;
    this.dataSizeBytes = dataSizeBytes;
  }

  public long quotaBytes() {
    return quotaBytes;
  }

  public long dataSizeBytes() {
    return dataSizeBytes;
  }

  @Override
  public Kind kind() {
    return Kind.QUOTA_EXCEEDED;
  }
}
