package io.etch;

/**
 * The member id belonged to a member that was removed; ids are never reused (etcd's {@code
 * ErrIDRemoved}). Since Etch derives ids from the member name, pick a new name to add the member
 * back.
 */
public final class MemberIdRemovedException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;

  public MemberIdRemovedException(long memberId) {
    super(
        "member id "
            + Long.toHexString(memberId)
            + " was removed from the cluster and cannot be reused; choose another member name");
    this.memberId = memberId;
  }

  public long memberId() {
    return memberId;
  }

  @Override
  public Kind kind() {
    return Kind.MEMBER_ID_REMOVED;
  }
}
