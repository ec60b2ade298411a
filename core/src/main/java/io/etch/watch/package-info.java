/**
 * Watches, shaped like jetcd's {@code Watch}: {@link io.etch.watch.Watch#watch} on a key, range or
 * prefix with a {@link io.etch.watch.WatchOption}, events delivered to a {@link
 * io.etch.watch.Watch.Listener}, cancelled with {@link io.etch.watch.Watcher#close()}.
 */
package io.etch.watch;
