package io.etch.cluster;

import io.etch.PeerAddress;
import java.util.Objects;

/**
 * A cluster member (etcd's Member).
 *
 * @param id the member id, {@link MemberIds#memberId derived} from the cluster token and the name;
 *     an unsigned 64-bit value, shown in hex
 * @param name the member's name
 * @param peerAddress where peers reach it
 * @param learner whether it is a non-voting learner
 */
public record Member(long id, String name, PeerAddress peerAddress, boolean learner) {
  public Member {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(peerAddress, "peerAddress");
  }

  /** The id as etcd shows it: lowercase hex. */
  public String idHex() {
    return Long.toHexString(id);
  }
}
