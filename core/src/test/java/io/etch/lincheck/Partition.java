package io.etch.lincheck;

import java.util.List;

/**
 * A part of a history that can be checked on its own, named for reports (for example by the keys it
 * touches).
 */
public record Partition<I, O>(String label, List<Operation<I, O>> operations) {
  public Partition {
    operations = List.copyOf(operations);
  }
}
