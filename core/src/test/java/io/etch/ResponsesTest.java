package io.etch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.kv.KeyValue;
import io.etch.lease.LeaseTimeToLiveResponse;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.maintenance.HealthResponse;
import io.etch.maintenance.LatencySummary;
import io.etch.maintenance.MetricsSnapshot;
import io.etch.maintenance.StatusResponse;
import io.etch.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small behaviours of the response records: copies, derived values, invariants. */
class ResponsesTest {
  private static final Header H = new Header(1, 2, 3, 4);

  @Test
  void listsAreImmutableCopies() {
    List<KeyValue> kvs = new ArrayList<>();
    kvs.add(new KeyValue(ByteSequence.from("k"), ByteSequence.EMPTY, 1, 1, 1, 0));
    GetResponse r = new GetResponse(H, kvs, false, 1);
    kvs.clear();
    assertEquals(1, r.kvs().size());
    assertThrows(UnsupportedOperationException.class, () -> r.kvs().clear());
    assertEquals(Op.Type.GET, r.type());
  }

  @Test
  void derivedValues() {
    assertFalse(new LeaseTimeToLiveResponse(H, 5, -1, 0, List.of()).exists());
    assertTrue(new LeaseTimeToLiveResponse(H, 5, 9, 10, List.of()).exists());

    StatusResponse leader =
        new StatusResponse(H, 7, 7, 2, 30, 40, 40, 1 << 20, 1 << 19, 1 << 30, false, List.of());
    assertTrue(leader.isLeader());
    StatusResponse orphan =
        new StatusResponse(
            H, 7, 0, 2, 30, 40, 38, 1, 1, 1, true, List.of(new AlarmMember(7, AlarmType.NOSPACE)));
    assertFalse(orphan.isLeader());
    assertEquals(AlarmType.NOSPACE, orphan.alarms().get(0).alarm());

    assertTrue(new HealthResponse(H, Set.of(), 0).isHealthy());
    assertFalse(new HealthResponse(H, Set.of(HealthResponse.Problem.NO_LEADER), 0).isHealthy());

    assertEquals(0, LatencySummary.EMPTY.meanNanos());
    assertEquals(250, new LatencySummary(4, 1000, 400, 390).meanNanos());

    MetricsSnapshot m =
        new MetricsSnapshot(
            true,
            1,
            10,
            10,
            0,
            0,
            LatencySummary.EMPTY,
            LatencySummary.EMPTY,
            LatencySummary.EMPTY,
            4096,
            3,
            0,
            0,
            List.of(),
            Map.of(MetricsSnapshot.Operation.PUT, new LatencySummary(1, 5, 5, 5)));
    assertEquals(5, m.requestLatency().get(MetricsSnapshot.Operation.PUT).maxNanos());
  }

  @Test
  void systemClockIsMonotonicAndShared() {
    Clock c = Clock.system();
    long a = c.nanoTime();
    long b = c.nanoTime();
    assertTrue(b >= a);
    assertTrue(c.wallMillis() > 0);
    assertEquals(c, Clock.system());
  }
}
