package io.etch.maintenance;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/** The alarms raised (after a list), or those disarmed (after a disarm). */
public record AlarmResponse(Header header, List<AlarmMember> alarms) {
  public AlarmResponse {
    Objects.requireNonNull(header, "header");
    alarms = List.copyOf(alarms);
  }
}
