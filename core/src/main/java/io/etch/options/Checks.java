package io.etch.options;

import io.etch.InvalidArgumentException;

/** Shared validation for the option builders; every failure names the setting. */
final class Checks {
  private Checks() {}

  static void notNegative(String name, long value, String meaningOfZero) {
    if (value < 0) {
      throw new InvalidArgumentException(
          name, name + " must be >= 0 (" + meaningOfZero + "), got " + value);
    }
  }

  static void bounds(String field, long min, long max) {
    if (max != 0 && min > max) {
      throw new InvalidArgumentException(
          "min" + field,
          "min"
              + field
              + " ("
              + min
              + ") is greater than max"
              + field
              + " ("
              + max
              + "): no key can match");
    }
  }

  static void ignoredWithCountOnly(String name, boolean set) {
    if (set) {
      throw new InvalidArgumentException(
          name,
          "countOnly and "
              + name
              + " conflict: countOnly returns only the count, which "
              + name
              + " does not affect");
    }
  }
}
