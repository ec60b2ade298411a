package io.etch;

/** {@code tryLock} found the lock held by another session (etcd's {@code ErrLocked}). */
public final class LockHeldException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence lockName;
  private final ByteSequence holderKey;

  public LockHeldException(ByteSequence lockName, ByteSequence holderKey) {
    super("lock '" + lockName + "' is held by '" + holderKey + "'");
    this.lockName = lockName;
    this.holderKey = holderKey;
  }

  /** The lock's name. */
  public ByteSequence lockName() {
    return lockName;
  }

  /** The key of the session that holds it. */
  public ByteSequence holderKey() {
    return holderKey;
  }

  @Override
  public Kind kind() {
    return Kind.LOCK_HELD;
  }
}
