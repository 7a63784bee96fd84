package org.sqexact.connection;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.sqexact.config.ConnectorSettings;

/**
 * One connection as its file in {@code connections/} defines it: the id (the file's name), the
 * settings the file sets, and a fingerprint of the file's bytes (a changed file restarts the
 * connection, an unchanged one is left alone).
 *
 * @param properties the file's settings, placeholders already resolved; the same keys as {@code
 *     application.properties}
 */
public record ConnectionDefinition(
    String id, Path source, Map<String, String> properties, String fingerprint) {

  public ConnectionDefinition {
    properties = Map.copyOf(properties);
  }

  /**
   * The connection's settings: what the file sets, else the process's value; {@code
   * connector.connection-id} is the connection's id. The keys that name the shop, the division and
   * its token chain are never inherited (see {@link ConnectionDefinitions#OWN_KEYS}).
   */
  public Function<String, String> lookup(Function<String, String> process) {
    return key -> {
      if (ConnectionDefinitions.ID_KEY.equals(key)) {
        return id; // the file's name, never the process's own connection id
      }
      if (properties.containsKey(key)) {
        return properties.get(key);
      }
      return ConnectionDefinitions.OWN_KEYS.contains(key) ? null : process.apply(key);
    };
  }

  /** The connection's settings, checked as the process's own are at start-up. */
  public ConnectorSettings settings(Function<String, String> process) {
    return ConnectorSettings.load(lookup(process));
  }
}
