package org.sqexact.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections this process serves besides the default one, kept in line with the files in
 * {@code connections/}: a new file starts its connection, a removed file stops it, a changed file
 * restarts it. One connection's trouble stays its own: a file that cannot be used, or a start that
 * fails, is reported and the others carry on; a running connection whose file became unusable keeps
 * running as it was (a typo never takes a live shop down).
 */
public final class ConnectionRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistry.class);

  /** Where a connection stands. */
  public enum State {
    RUNNING,
    FAILED
  }

  /**
   * One connection's state.
   *
   * @param fingerprint of the file it runs (or failed) with
   * @param problem why it failed, or why its changed file is not used; null when all is well
   */
  public record Status(String id, State state, String fingerprint, String problem) {}

  private final ConnectionRuntime runtime;
  private final Map<String, Status> connections = new LinkedHashMap<>();

  public ConnectionRegistry(ConnectionRuntime runtime) {
    this.runtime = runtime;
  }

  /** Brings the running connections in line with a scan; returns what changed, for the log. */
  public synchronized List<String> reconcile(ConnectionDefinitions.Scan scan) {
    List<String> changes = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(connections.keySet());
    ids.addAll(scan.definitions().keySet());
    ids.addAll(scan.problems().keySet());
    for (String id : ids) {
      Status now = connections.get(id);
      ConnectionDefinition wanted = scan.definitions().get(id);
      String problem = scan.problems().get(id);
      if (problem != null) {
        if (now != null && now.state() == State.RUNNING) {
          if (!problem.equals(now.problem())) {
            LOG.warn("Connection '{}' keeps running as it was: {}", id, problem);
            changes.add("kept " + id);
          }
          connections.put(id, new Status(id, State.RUNNING, now.fingerprint(), problem));
        } else {
          if (now == null || !problem.equals(now.problem())) {
            LOG.warn("Connection '{}' not started: {}", id, problem);
            changes.add("refused " + id);
          }
          connections.put(id, new Status(id, State.FAILED, null, problem));
        }
      } else if (wanted == null) {
        if (now != null && now.state() == State.RUNNING) {
          stop(id);
        }
        connections.remove(id);
        changes.add("removed " + id);
      } else if (now == null || !wanted.fingerprint().equals(now.fingerprint())) {
        if (now != null && now.state() == State.RUNNING) {
          stop(id);
          changes.add("restarted " + id);
        } else {
          changes.add("started " + id);
        }
        connections.put(id, start(wanted));
      } else if (now.problem() != null && now.state() == State.RUNNING) {
        // the file is usable again and unchanged from what runs: nothing to restart
        connections.put(id, new Status(id, State.RUNNING, now.fingerprint(), null));
      }
    }
    return changes;
  }

  /** The connections known, running or failed, by id. */
  public synchronized List<Status> statuses() {
    return List.copyOf(connections.values());
  }

  /** Stops every connection (at the process's stop). */
  public synchronized void stopAll() {
    for (Status s : List.copyOf(connections.values())) {
      if (s.state() == State.RUNNING) {
        stop(s.id());
      }
    }
    connections.clear();
  }

  private Status start(ConnectionDefinition definition) {
    try {
      runtime.start(definition);
      LOG.info("Connection '{}' started", definition.id());
      return new Status(definition.id(), State.RUNNING, definition.fingerprint(), null);
    } catch (Exception e) {
      String reason =
          "connections/"
              + definition.source().getFileName()
              + ": the connection could not start ("
              + e.getMessage()
              + ")";
      LOG.warn("{}", reason);
      return new Status(definition.id(), State.FAILED, definition.fingerprint(), reason);
    }
  }

  private void stop(String id) {
    try {
      runtime.stop(id);
      LOG.info("Connection '{}' stopped", id);
    } catch (Exception e) {
      // its routes may linger, but its file is gone: it is no longer ours to run
      LOG.warn("Connection '{}' did not stop cleanly: {}", id, e.getMessage());
    }
  }
}
