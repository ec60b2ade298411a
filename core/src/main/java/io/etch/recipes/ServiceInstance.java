package io.etch.recipes;

import io.etch.InvalidArgumentException;
import java.util.Map;
import java.util.Objects;

/**
 * One registered instance of a service.
 *
 * @param service the service's name (no {@code '/'}, not empty)
 * @param instanceId the instance's id, unique within the service (no {@code '/'}, not empty)
 * @param endpoint where to reach it, e.g. {@code "10.0.0.7:8080"} or a URI
 * @param metadata free-form attributes (zone, version, weight...)
 */
public record ServiceInstance(
    String service, String instanceId, String endpoint, Map<String, String> metadata) {
  public ServiceInstance {
    checkName("service", service);
    checkName("instanceId", instanceId);
    Objects.requireNonNull(endpoint, "endpoint");
    metadata = Map.copyOf(metadata);
  }

  /** An instance without metadata. */
  public ServiceInstance(String service, String instanceId, String endpoint) {
    this(service, instanceId, endpoint, Map.of());
  }

  static void checkName(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isEmpty() || value.indexOf('/') >= 0) {
      throw new InvalidArgumentException(
          field, field + " must be non-empty and contain no '/', got '" + value + "'");
    }
  }
}
