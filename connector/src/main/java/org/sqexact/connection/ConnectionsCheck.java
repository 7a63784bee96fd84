package org.sqexact.connection;

import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the connections from {@code connections/}: not ready until the directory has been
 * read once at start (a process started with many files reports ready only when they run). A
 * connection that failed is named in the details but does not take the connector out: the others
 * serve their shops (one shop's trouble never stalls another's).
 */
public final class ConnectionsCheck extends AbstractHealthCheck {

  private final ConnectionWatch watch;
  private final ConnectionRegistry registry;

  public ConnectionsCheck(ConnectionWatch watch, ConnectionRegistry registry) {
    super("connector", "connections");
    this.watch = watch;
    this.registry = registry;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    if (!watch.scanned()) {
      builder.message("connections/ has not been read yet").down();
      return;
    }
    List<ConnectionRegistry.Status> all = registry.statuses();
    List<String> failed =
        all.stream()
            .filter(s -> s.state() == ConnectionRegistry.State.FAILED)
            .map(ConnectionRegistry.Status::id)
            .toList();
    builder.detail("connections", all.size());
    builder.detail("running", all.size() - failed.size());
    if (!failed.isEmpty()) {
      builder.detail("failed", String.join(",", failed));
      builder.message("connections not running (GET /api/connections): " + failed);
    }
    builder.up();
  }
}
