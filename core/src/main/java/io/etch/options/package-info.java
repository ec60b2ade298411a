/**
 * Options of the KV operations, shaped like jetcd's: immutable values built by final builders that
 * validate at {@code build()} and name any conflict in an {@link io.etch.InvalidArgumentException}.
 *
 * <p>Ranges follow etcd: an option selects a single key (default), {@code [key, endKey)} with
 * {@code withRange(endKey)}, every key under the prefix {@code key} with {@code isPrefix(true)}, or
 * every key {@code >= key} with {@code withFromKey(true)} (etcd's range end {@code "\0"}); at most
 * one of the three may be set. See {@link io.etch.KeyRange}.
 */
package io.etch.options;
