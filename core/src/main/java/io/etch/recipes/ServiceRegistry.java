package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.SessionLostException;
import io.etch.kv.KV;
import io.etch.kv.KeyValue;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service registration and discovery on sessions.
 *
 * <p>An instance registers under {@code <root>/<service>/<instanceId>} with its endpoint and
 * metadata, attached to its session's lease. While its process lives the session keeps the lease
 * alive; when the process dies (or its member is cut off), the leader expires the lease after its
 * TTL and the instance disappears — no one has to unregister it. {@link #discover} lists the
 * instances of a service; {@link #watch} delivers the current set, then the new set after every
 * change.
 *
 * <p>Values that this registry did not write (another tool writing under the root) are skipped and
 * logged, never delivered.
 */
public final class ServiceRegistry {
  /** The default root of the registry's keys. */
  public static final String DEFAULT_ROOT = "/etch/services";

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);

  private final KV kv;
  private final Watch watch;
  private final String root;

  private ServiceRegistry(KV kv, Watch watch, String root) {
    this.kv = kv;
    this.watch = watch;
    this.root = root;
  }

  /** The registry under {@link #DEFAULT_ROOT} on {@code node}. */
  public static ServiceRegistry on(EtcdNode node) {
    return on(node, DEFAULT_ROOT);
  }

  /** The registry under {@code root} (non-empty, no trailing {@code '/'}) on {@code node}. */
  public static ServiceRegistry on(EtcdNode node, String root) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(root, "root");
    if (root.isEmpty() || root.endsWith("/")) {
      throw new io.etch.InvalidArgumentException(
          "root", "registry root must be non-empty without a trailing '/', got '" + root + "'");
    }
    return new ServiceRegistry(node.kv(), node.watch(), root);
  }

  /**
   * Registers {@code instance} on {@code session}: it stays registered while the session lives.
   * Registering the same instance id again replaces its endpoint and metadata.
   */
  public CompletableFuture<Registration> register(Session session, ServiceInstance instance) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(instance, "instance");
    try {
      session.checkLive("register " + instance.service() + "/" + instance.instanceId());
    } catch (SessionLostException e) {
      return CompletableFuture.failedFuture(e);
    }
    ByteSequence key = instanceKey(instance.service(), instance.instanceId());
    ByteSequence value = InstanceCodec.encode(instance);
    return session
        .kv()
        .put(key, value, PutOption.builder().withLeaseId(session.leaseId()).build())
        .thenApply(r -> new Registration(session, instance, key));
  }

  /** The instances of {@code service} now (a linearizable read), ordered by instance id. */
  public CompletableFuture<List<ServiceInstance>> discover(String service) {
    ByteSequence prefix = servicePrefix(service);
    return kv.get(prefix, Keys.allUnder())
        .thenApply(
            r -> {
              List<ServiceInstance> out = new ArrayList<>();
              for (KeyValue kvp : r.kvs()) {
                addDecoded(service, prefix, kvp, out);
              }
              return List.copyOf(out);
            });
  }

  /**
   * Follows {@code service}: {@code listener} first hears the current instances, then the whole new
   * set after every change (ordered by instance id). Calls run on the node's callback executor, one
   * at a time, in order. {@code onError} hears why watching stopped for good (the node closed).
   * Close the returned handle to stop.
   */
  public Subscription watch(
      String service, Consumer<List<ServiceInstance>> listener, Consumer<Throwable> onError) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(onError, "onError");
    ByteSequence prefix = servicePrefix(service);
    PrefixMirror mirror =
        new PrefixMirror(
            kv,
            watch,
            prefix,
            new PrefixMirror.Listener() {
              private List<ServiceInstance> last;

              @Override
              public void onView(long revision, NavigableMap<ByteSequence, KeyValue> view) {
                List<ServiceInstance> now = new ArrayList<>();
                for (KeyValue kvp : view.values()) {
                  addDecoded(service, prefix, kvp, now);
                }
                if (!now.equals(last)) {
                  last = List.copyOf(now);
                  listener.accept(last);
                }
              }

              @Override
              public void onError(Throwable error) {
                onError.accept(error);
              }
            });
    mirror.start();
    return mirror::close;
  }

  /** Follows {@code service}; errors are logged. See {@link #watch(String, Consumer, Consumer)}. */
  public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
    return watch(service, listener, e -> LOG.warn("watching service '{}' stopped", service, e));
  }

  private void addDecoded(
      String service, ByteSequence prefix, KeyValue kvp, List<ServiceInstance> out) {
    String rest =
        new String(
            kvp.key().unsafeBytes(),
            prefix.size(),
            kvp.key().size() - prefix.size(),
            StandardCharsets.UTF_8);
    if (rest.isEmpty() || rest.indexOf('/') >= 0) {
      LOG.debug("skipping foreign key {} under service '{}'", kvp.key(), service);
      return;
    }
    ServiceInstance instance = InstanceCodec.decode(service, rest, kvp.value());
    if (instance == null) {
      LOG.warn("skipping undecodable registration {} under service '{}'", kvp.key(), service);
      return;
    }
    out.add(instance);
  }

  private ByteSequence servicePrefix(String service) {
    ServiceInstance.checkName("service", service);
    return ByteSequence.from(root + "/" + service + "/");
  }

  private ByteSequence instanceKey(String service, String instanceId) {
    return ByteSequence.from(root + "/" + service + "/" + instanceId);
  }

  /** A registered instance; close it (or its session) to unregister. */
  public static final class Registration implements AutoCloseable {
    private final Session session;
    private final ServiceInstance instance;
    private final ByteSequence key;

    Registration(Session session, ServiceInstance instance, ByteSequence key) {
      this.session = session;
      this.instance = instance;
      this.key = key;
    }

    public ServiceInstance instance() {
      return instance;
    }

    /** The registration's key. */
    public ByteSequence key() {
      return key;
    }

    /** Removes the instance now (rather than when the session ends). */
    public CompletableFuture<Void> unregister() {
      return session.kv().delete(key).thenApply(r -> (Void) null);
    }

    /** {@link #unregister()} and wait; failures are left to the lease's expiry. */
    @Override
    public void close() {
      try {
        unregister().join();
      } catch (RuntimeException e) {
        LOG.debug("unregistering {} failed; it goes when the session's lease does", key, e);
      }
    }
  }
}
