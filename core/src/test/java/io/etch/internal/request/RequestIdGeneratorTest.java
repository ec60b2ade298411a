package io.etch.internal.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdGeneratorTest {
  @Test
  void idsCarryTheMemberAndCountUp() {
    RequestIdGenerator ids = new RequestIdGenerator(0x1234_5678_9ABC_DEF0L, 1_000L);
    long first = ids.next();
    assertEquals(0xDEF0L, first >>> 48);
    assertEquals((1_000L << 8) + 1, first & ((1L << 48) - 1));
    assertEquals(first + 1, ids.next());
  }

  @Test
  void aRestartLaterContinuesAboveThePreviousRun() {
    RequestIdGenerator before = new RequestIdGenerator(7, 1_700_000_000_000L);
    long last = 0;
    for (int i = 0; i < 200_000; i++) {
      last = before.next();
    }
    // 200,000 ids at 256 per ms take under a second: restart one second later.
    RequestIdGenerator after = new RequestIdGenerator(7, 1_700_000_001_000L);
    assertTrue(after.next() > last);
  }

  @Test
  void leaseIdsArePositiveAndUnique() {
    RequestIdGenerator ids = new RequestIdGenerator(-1L, (1L << 40) - 2);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      long id = ids.nextLeaseId();
      assertTrue(id > 0, "lease id " + id);
      assertTrue(seen.add(id));
    }
  }
}
