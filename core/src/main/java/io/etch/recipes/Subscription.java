package io.etch.recipes;

/** A running observation (of an election, of a service); close it to stop hearing from it. */
public interface Subscription extends AutoCloseable {
  /** Stops the observation; nothing is delivered after this returns. Idempotent. */
  @Override
  void close();
}
