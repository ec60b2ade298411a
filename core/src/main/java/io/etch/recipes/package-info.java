/**
 * Concurrency recipes on top of the KV, lease and watch APIs, by etcd's algorithms: {@link
 * io.etch.recipes.Session} (a lease kept alive), {@link io.etch.recipes.Lock} (a mutex with fencing
 * tokens), {@link io.etch.recipes.Election} (leader election with observation) and {@link
 * io.etch.recipes.ServiceRegistry} (registration and discovery).
 *
 * <p>They use only the public API, so they work from every member and behave the same against any
 * member of the cluster. Everything a recipe holds is attached to its session's lease: when a
 * process dies its locks, leaderships and registrations are released once the leader expires the
 * lease, after its TTL.
 */
package io.etch.recipes;
