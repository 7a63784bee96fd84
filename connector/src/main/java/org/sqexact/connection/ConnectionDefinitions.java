package org.sqexact.connection;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.config.SettingsException;

/**
 * Reads the connections defined in a directory: one {@code <id>.properties} file per connection,
 * holding the same keys as {@code application.properties}. A file that cannot be used is reported
 * with its name and the key at fault, never half-used.
 */
public final class ConnectionDefinitions {

  /** What a file may be called: the connection id rule of {@code connector.connection-id}. */
  private static final String ID = "[A-Za-z0-9_.-]{1,64}";

  /** The setting naming a connection; in a connection's settings, its file's name. */
  public static final String ID_KEY = "connector.connection-id";

  /**
   * Settings of the process alone: one database, one HTTP door, one secret box and data directory
   * serve every connection. A connection file setting one is refused.
   */
  public static final Set<String> PROCESS_KEYS =
      Set.of(
          "connector.http-port",
          "connector.http-host",
          "connector.db-url",
          "connector.db-user",
          "connector.db-password",
          "connector.api-token",
          "connector.secret-key",
          "connector.data-dir",
          "connector.demo",
          "connector.demo-port",
          "connector.connections-dir",
          "connector.connections-scan-interval",
          "connector.schedule-threads",
          ID_KEY);

  /**
   * Settings each connection must set itself, never inherited from the process: they name the shop
   * and the division, and two token stores fed the same refresh token would each invalidate the
   * other's chain (Exact rotates the refresh token at every refresh; see
   * /work/shared/notes/exact-online-api.md).
   */
  public static final List<String> OWN_KEYS =
      List.of("squarespace.api-key", "exact.division", "exact.refresh-token");

  /** The connections found, and the files that could not be used (id → reason). */
  public record Scan(Map<String, ConnectionDefinition> definitions, Map<String, String> problems) {
    public Scan {
      definitions = Map.copyOf(definitions);
      problems = Map.copyOf(problems);
    }
  }

  private final Path dir;
  private final String defaultId;
  private final Function<String, String> process;
  private final UnaryOperator<String> placeholders;

  /**
   * @param dir the {@code connections/} directory; a missing directory means no extra connection
   * @param defaultId the connection {@code application.properties} defines (it has no file)
   * @param process the process's settings, for keys a file does not set
   * @param placeholders resolves {@code {{env:…}}} and other property placeholders in values
   */
  public ConnectionDefinitions(
      Path dir,
      String defaultId,
      Function<String, String> process,
      UnaryOperator<String> placeholders) {
    this.dir = dir;
    this.defaultId = defaultId;
    this.process = process;
    this.placeholders = placeholders;
  }

  /** Reads every {@code *.properties} file of the directory (other files are ignored). */
  public Scan scan() {
    Map<String, ConnectionDefinition> found = new TreeMap<>();
    Map<String, String> problems = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return new Scan(found, problems);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      // hidden files: editors' swap files and a Kubernetes ConfigMap's ..data links
      files =
          list.filter(p -> p.getFileName().toString().endsWith(".properties"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new SettingsException(
          "connector.connections-dir: cannot list " + dir + " (" + e.getMessage() + ")");
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      String id = name.substring(0, name.length() - ".properties".length());
      try {
        found.put(id, read(id, file));
      } catch (SettingsException e) {
        problems.put(id, e.getMessage());
      }
    }
    return new Scan(found, problems);
  }

  private ConnectionDefinition read(String id, Path file) {
    String where = "connections/" + file.getFileName();
    if (!id.matches(ID)) {
      throw new SettingsException(
          where
              + ": the file name is the connection id and may hold only letters, digits, '.', '_'"
              + " and '-' (at most 64)");
    }
    if (id.equals(defaultId)) {
      throw new SettingsException(
          where
              + ": connection '"
              + id
              + "' is the one application.properties defines (connector.connection-id);"
              + " rename the file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SettingsException(where + ": cannot be read (" + e.getMessage() + ")");
    }
    Properties raw = new Properties();
    try {
      raw.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw new SettingsException(where + ": not a properties file (" + e.getMessage() + ")");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String key : new TreeMap<>(toMap(raw)).keySet()) {
      if (PROCESS_KEYS.contains(key)) {
        throw new SettingsException(
            where + ": " + key + " is a setting of the whole connector, not of one connection");
      }
      String value = raw.getProperty(key).strip();
      try {
        properties.put(key, placeholders.apply(value));
      } catch (RuntimeException e) {
        throw new SettingsException(where + ": " + key + ": " + e.getMessage());
      }
    }
    for (String key : OWN_KEYS) {
      String value = properties.get(key);
      if (value == null || value.isBlank()) {
        throw new SettingsException(
            where + ": " + key + " must be set (each connection has its own shop and division)");
      }
    }
    ConnectionDefinition definition =
        new ConnectionDefinition(id, file, properties, fingerprint(bytes));
    try {
      ConnectorSettings settings = definition.settings(process);
      if (settings.demo()) {
        throw new SettingsException(
            "the demo runs the default connection only; set the credentials of both systems");
      }
    } catch (SettingsException e) {
      throw new SettingsException(where + ": " + e.getMessage());
    }
    return definition;
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private static String fingerprint(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }
}
