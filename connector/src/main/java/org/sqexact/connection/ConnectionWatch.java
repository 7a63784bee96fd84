package org.sqexact.connection;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.sqexact.config.SettingsException;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;

/**
 * Looks at {@code connections/} (at start, then every {@code connector.connections-scan-interval}
 * seconds, route {@code connections-watch}) and has the registry follow it. What changed goes to
 * the activity log; a file that cannot be used, or a connection that could not start, raises an
 * alert naming the file and the key at fault, once per distinct problem (the registry reports a
 * problem again only when it changes).
 */
public final class ConnectionWatch {

  /** Alert code: a file in connections/ cannot be used (the running connection, if any, stays). */
  public static final String REFUSED = "connection-refused";

  /** Alert code: a connection's file is fine but the connection could not start. */
  public static final String FAILED = "connection-failed";

  private final ConnectionDefinitions definitions;
  private final ConnectionRegistry registry;
  private final Alerts alerts;
  private final ActivityLog activity;
  private volatile boolean scanned;
  private String directoryProblem;

  /**
   * @param alerts the default connection's alerts (the process's operators)
   * @param activity the default connection's activity log
   */
  public ConnectionWatch(
      ConnectionDefinitions definitions,
      ConnectionRegistry registry,
      Alerts alerts,
      ActivityLog activity) {
    this.definitions = definitions;
    this.registry = registry;
    this.alerts = alerts;
    this.activity = activity;
  }

  /** Reads the directory and reconciles; returns what changed ("started shop-b" …). */
  public synchronized List<String> rescan() {
    ConnectionDefinitions.Scan scan;
    try {
      scan = definitions.scan();
    } catch (SettingsException e) {
      // the directory itself cannot be listed: the running connections stay as they are
      if (!e.getMessage().equals(directoryProblem)) {
        directoryProblem = e.getMessage();
        alerts.raise(REFUSED, e.getMessage(), null, null);
      }
      scanned = true;
      return List.of();
    }
    directoryProblem = null;
    List<String> changes = registry.reconcile(scan);
    Map<String, ConnectionRegistry.Status> now =
        registry.statuses().stream()
            .collect(Collectors.toMap(ConnectionRegistry.Status::id, Function.identity()));
    for (String change : changes) {
      int space = change.indexOf(' ');
      String verb = change.substring(0, space);
      String id = change.substring(space + 1);
      ConnectionRegistry.Status status = now.get(id);
      switch (verb) {
        case "refused", "kept" -> alerts.raise(REFUSED, status.problem(), null, null);
        case "started", "restarted" -> {
          if (status.state() == ConnectionRegistry.State.FAILED) {
            alerts.raise(FAILED, status.problem(), null, null);
          } else {
            record(
                "connection " + verb,
                "connection '" + id + "' " + verb + " from connections/" + id + ".properties");
          }
        }
        case "removed" ->
            record(
                "connection removed",
                "connection '"
                    + id
                    + "' stopped: connections/"
                    + id
                    + ".properties is gone; its ledger and activity stay in the database");
        default -> record("connection " + verb, change);
      }
    }
    scanned = true;
    return changes;
  }

  /** Whether the directory has been read once (the connector is ready only after that). */
  public boolean scanned() {
    return scanned;
  }

  private void record(String step, String message) {
    try {
      activity.record(null, null, step, "ok", message);
    } catch (RuntimeException e) {
      // the log line is for the operator; the connection runs regardless
    }
  }
}
