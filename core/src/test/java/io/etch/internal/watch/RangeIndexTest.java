package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.watch.Watch;
import io.etch.watch.WatchOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The interval index against a brute-force scan, over seeded random adds, removes and lookups. */
class RangeIndexTest {
  private static final long SEED = Long.getLong("etch.seed", 0x12A9E1L);
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=RangeIndexTest -Detch.seed=";

  private static ByteSequence randomKey(SplittableRandom rnd) {
    byte[] k = new byte[1 + rnd.nextInt(3)];
    for (int i = 0; i < k.length; i++) {
      // a small alphabet with the extremes of unsigned order: 0x00, 0x7f, 0x80, 0xff
      int[] alphabet = {0x00, 0x01, 0x61, 0x62, 0x7f, 0x80, 0xfe, 0xff};
      k[i] = (byte) alphabet[rnd.nextInt(alphabet.length)];
    }
    return ByteSequence.wrap(k);
  }

  @Test
  void stabbingMatchesABruteForceScan() {
    String context = "seed " + SEED + "; replay: " + REPLAY + SEED;
    SplittableRandom rnd = new SplittableRandom(SEED);
    SyncedGroup group = new SyncedGroup();
    List<WatcherState> live = new ArrayList<>();
    Watch.Listener ignore = Watch.listener(r -> {});
    long ids = 0;
    for (int step = 0; step < 8_000; step++) {
      int p = rnd.nextInt(10);
      if (p < 4 || live.isEmpty()) {
        ByteSequence key = randomKey(rnd);
        WatchOption.Builder o = WatchOption.builder();
        switch (rnd.nextInt(4)) {
          case 0 -> o.isPrefix(true);
          case 1 -> o.withFromKey(true);
          case 2 -> o.withRange(randomKey(rnd));
          default -> {}
        }
        WatchOption option = o.build();
        KeyRange range = option.range(key);
        WatcherState w = new WatcherState(null, ++ids, range, option, ignore, Runnable::run);
        group.add(w);
        live.add(w);
      } else if (p < 6) {
        WatcherState w = live.remove(rnd.nextInt(live.size()));
        group.remove(w);
      } else {
        ByteSequence key = randomKey(rnd);
        Set<Long> want = new HashSet<>();
        for (WatcherState w : live) {
          if (!w.selectsNothing() && w.range.contains(key)) {
            want.add(w.watchId());
          }
        }
        List<Long> got = new ArrayList<>();
        group.match(key.unsafeBytes(), w -> got.add(w.watchId()));
        assertEquals(
            want.size(), got.size(), context + ", step " + step + ": duplicates or misses");
        assertEquals(want, new HashSet<>(got), context + ", step " + step + ", key " + key);
      }
      assertEquals(live.size(), group.size(), context);
    }
  }
}
