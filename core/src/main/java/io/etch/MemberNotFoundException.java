package io.etch;

/**
 * A membership operation named a member id that is not in the cluster (etcd's {@code
 * ErrIDNotFound}).
 */
public final class MemberNotFoundException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;

  public MemberNotFoundException(long memberId) {
    super("member " + Long.toHexString(memberId) + " not found in the cluster");
    this.memberId = memberId;
  }

  public long memberId() {
    return memberId;
  }

  @Override
  public Kind kind() {
    return Kind.MEMBER_NOT_FOUND;
  }
}
