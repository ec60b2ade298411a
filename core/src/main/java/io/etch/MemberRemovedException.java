package io.etch;

import java.util.Objects;

/**
 * This member was removed from the cluster and stopped itself (etcd's {@code ErrMemberRemoved}):
 * its waiting and new operations fail with this. It cannot serve again under this name; start a new
 * member with another name and add it.
 */
public final class MemberRemovedException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String memberName;
  private final long memberId;

  public MemberRemovedException(String memberName, long memberId) {
    super(
        "member '"
            + memberName
            + "' ("
            + Long.toHexString(memberId)
            + ") was removed from the cluster and stopped");
    this.memberName = Objects.requireNonNull(memberName, "memberName");
    this.memberId = memberId;
  }

  public String memberName() {
    return memberName;
  }

  public long memberId() {
    return memberId;
  }

  @Override
  public Kind kind() {
    return Kind.MEMBER_REMOVED;
  }
}
