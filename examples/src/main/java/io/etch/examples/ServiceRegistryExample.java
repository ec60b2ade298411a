package io.etch.examples;

import io.etch.EtcdNode;
import io.etch.recipes.ServiceInstance;
import io.etch.recipes.ServiceRegistry;
import io.etch.recipes.Session;
import io.etch.recipes.Subscription;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Service registration and discovery.
 *
 * <p>Each instance registers itself on its own session; clients discover the current instances or
 * watch the set change. An instance whose process dies is never unregistered by anyone: its
 * session's lease expires after the TTL and it disappears from the registry by itself.
 */
public final class ServiceRegistryExample {
  private ServiceRegistryExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = LocalCluster.tempDir("etch-registry");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir, "a", "b", "c")) {
      // A client on member c follows the "payments" service.
      List<List<ServiceInstance>> views = new CopyOnWriteArrayList<>();
      Subscription watch =
          ServiceRegistry.on(cluster.node(2))
              .watch(
                  "payments",
                  instances -> {
                    views.add(instances);
                    out.println(
                        "  payments instances: "
                            + instances.stream().map(ServiceInstance::instanceId).toList());
                  });

      // Two instances register, each from the member in its own process.
      EtcdNode memberA = cluster.node(0);
      EtcdNode memberB = cluster.node(1);
      ServiceRegistry.on(memberA)
          .register(
              Session.builder(memberA).ttlSeconds(2).open().join(),
              new ServiceInstance("payments", "pay-1", "10.0.0.11:8443", Map.of("zone", "eu-1")))
          .join();
      ServiceRegistry.on(memberB)
          .register(
              Session.builder(memberB).ttlSeconds(2).open().join(),
              new ServiceInstance("payments", "pay-2", "10.0.0.12:8443", Map.of("zone", "eu-2")))
          .join();
      for (ServiceInstance i : ServiceRegistry.on(cluster.node(2)).discover("payments").join()) {
        out.println("  discovered " + i.instanceId() + " at " + i.endpoint() + " " + i.metadata());
      }

      // pay-1's process dies without unregistering: it vanishes after its TTL.
      memberA.close();
      LocalCluster.awaitTrue(
          () -> !views.isEmpty() && views.get(views.size() - 1).size() == 1,
          "pay-1 to vanish from the registry");
      out.println(
          "  after pay-1's member died: "
              + ServiceRegistry.on(cluster.node(2)).discover("payments").join().stream()
                  .map(ServiceInstance::instanceId)
                  .toList());
      watch.close();
      out.println("Service registry example done.");
    }
  }
}
