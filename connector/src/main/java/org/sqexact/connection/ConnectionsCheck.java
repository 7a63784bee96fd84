package org.sqexact.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
  private final Function<String, String> exactProblem;

  /**
   * @param exactProblem why a running connection cannot reach its Exact administration (dead
   *     refresh token, refused division), or null
   */
  public ConnectionsCheck(
      ConnectionWatch watch, ConnectionRegistry registry, Function<String, String> exactProblem) {
    super("connector", "connections");
    this.watch = watch;
    this.registry = registry;
    this.exactProblem = exactProblem;
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
    List<String> messages = new ArrayList<>();
    if (!failed.isEmpty()) {
      builder.detail("failed", String.join(",", failed));
      messages.add("connections not running (GET /api/connections): " + failed);
    }
    // a running connection that cannot book (dead refresh token, refused division) is named with
    // its problem, as the default's exact-online check does; it stays UP: readiness is about the
    // process, and the other shops are served (the connection's alert tells the operator)
    List<String> unhealthy = new ArrayList<>();
    for (ConnectionRegistry.Status s : all) {
      if (s.state() != ConnectionRegistry.State.RUNNING) {
        continue;
      }
      String problem;
      try {
        problem = exactProblem.apply(s.id());
      } catch (RuntimeException e) {
        problem = "state unreadable: " + e.getMessage();
      }
      if (problem != null) {
        unhealthy.add(s.id() + ": " + problem);
        builder.detail("exact-online." + s.id(), problem);
      }
    }
    if (!unhealthy.isEmpty()) {
      // the message, not only the details: Camel's health endpoint shows an UP check's message
      messages.add("connections that cannot reach Exact Online: " + String.join("; ", unhealthy));
    }
    if (!messages.isEmpty()) {
      builder.message(String.join("; ", messages));
    }
    builder.up();
  }
}
