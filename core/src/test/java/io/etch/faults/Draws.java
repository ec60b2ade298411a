package io.etch.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded choices among member names, shared by the nemeses. */
final class Draws {
  private Draws() {}

  /** A copy of {@code names} in a seeded random order (Fisher–Yates). */
  static List<String> shuffled(SplittableRandom random, List<String> names) {
    List<String> out = new ArrayList<>(names);
    for (int i = out.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String t = out.get(i);
      out.set(i, out.get(j));
      out.set(j, t);
    }
    return out;
  }

  /** One of {@code names}, or null when there is none. */
  static String pick(SplittableRandom random, List<String> names) {
    return names.isEmpty() ? null : names.get(random.nextInt(names.size()));
  }
}
