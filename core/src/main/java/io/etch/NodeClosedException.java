package io.etch;

import java.util.Objects;

/**
 * The node is closed (or is closing, or stopped itself after being removed from the cluster):
 * pending and new operations fail with this; watch and keep-alive listeners are told with it.
 */
public final class NodeClosedException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String memberName;

  public NodeClosedException(String memberName) {
    super("node '" + memberName + "' is closed");
    this.memberName = Objects.requireNonNull(memberName, "memberName");
  }

  public String memberName() {
    return memberName;
  }

  @Override
  public Kind kind() {
    return Kind.NODE_CLOSED;
  }
}
