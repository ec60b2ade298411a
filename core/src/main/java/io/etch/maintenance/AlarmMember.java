package io.etch.maintenance;

import java.util.Objects;

/**
 * An alarm raised by (or, to disarm, on) one member.
 *
 * @param memberId the member that raised it
 * @param alarm the kind
 */
public record AlarmMember(long memberId, AlarmType alarm) {
  public AlarmMember {
    Objects.requireNonNull(alarm, "alarm");
  }
}
