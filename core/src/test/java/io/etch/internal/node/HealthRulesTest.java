package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.maintenance.HealthResponse.Problem;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** etcd's health rules, each problem alone and together. */
class HealthRulesTest {
  private static final List<AlarmMember> NO_ALARM = List.of();
  private static final List<AlarmMember> NOSPACE = List.of(new AlarmMember(1, AlarmType.NOSPACE));

  @Test
  void eachProblemIsReportedOnItsOwn() {
    assertEquals(Set.of(), NodeMaintenance.problems(true, NO_ALARM, 0));
    assertEquals(Set.of(Problem.NO_LEADER), NodeMaintenance.problems(false, NO_ALARM, 0));
    assertEquals(Set.of(Problem.ALARM_RAISED), NodeMaintenance.problems(true, NOSPACE, 0));
    assertEquals(
        Set.of(Problem.ALARM_RAISED),
        NodeMaintenance.problems(true, List.of(new AlarmMember(2, AlarmType.CORRUPT)), 0));
    long lag = NodeMaintenance.MAX_HEALTHY_APPLY_LAG;
    assertEquals(Set.of(), NodeMaintenance.problems(true, NO_ALARM, lag));
    assertEquals(Set.of(Problem.APPLY_LAG), NodeMaintenance.problems(true, NO_ALARM, lag + 1));
    assertEquals(Set.of(Problem.values()), NodeMaintenance.problems(false, NOSPACE, lag + 1));
  }
}
