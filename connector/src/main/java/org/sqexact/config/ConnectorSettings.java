package org.sqexact.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting of the connector, read once at start-up from Camel's properties ({@code
 * application.properties}, overridden by environment variables) and checked. A missing or malformed
 * value raises a {@link SettingsException} whose message names the environment variable and the
 * property.
 *
 * <p>Each property {@code a.b-c} can be given as the environment variable {@code A_B_C}.
 */
public final class ConnectorSettings {

  /** Whether the built-in demo sandbox replaces both APIs. */
  public enum DemoMode {
    AUTO,
    ON,
    OFF
  }

  // Squarespace
  private URI squarespaceApiUrl;
  private String squarespaceApiKey;
  private String squarespaceUserAgent;
  private Duration squarespaceRateLimitPause;

  // Exact Online
  private URI exactBaseUrl;
  private String exactClientId;
  private String exactClientSecret;
  private String exactRefreshToken;
  private int exactDivision;
  private Duration exactMinRefreshInterval;
  private Duration exactRefreshIdleWarning;
  private Duration exactRefreshKeepAlive;
  private int exactOrderSharePercent;
  private int exactClientErrorStop;
  private Duration exactRateMaxWait;
  private int exactRetryMaxRedeliveries;

  // Connector
  private String dbUrl;
  private String dbUser;
  private String dbPassword;
  private int httpPort;
  private String httpHost;
  private String apiToken;
  private boolean embeddedDb;
  private String secretKey;
  private Path dataDir;
  private String connectionId;
  private boolean demo;
  private int demoPort;
  private Duration activityRetention;
  private Path mappingsDir;
  private Path connectionsDir;
  private Duration connectionsScanInterval;

  // Sync
  private Instant ordersSince;
  private Duration pollInterval;

  private ConnectorSettings() {}

  /**
   * Reads and checks the settings.
   *
   * @param property looks a property up by key; returns null or blank when it is not set
   */
  public static ConnectorSettings load(Function<String, String> property) {
    SettingsReader r = new SettingsReader(property);
    ConnectorSettings s = new ConnectorSettings();

    DemoMode demoMode = r.enumValue("connector.demo", DemoMode.class, DemoMode.AUTO);
    String apiKey = r.optional("squarespace.api-key");
    String clientId = r.optional("exact.client-id");
    String clientSecret = r.optional("exact.client-secret");
    String refreshToken = r.optional("exact.refresh-token");
    String division = r.optional("exact.division");
    boolean anyCredential =
        apiKey != null
            || clientId != null
            || clientSecret != null
            || refreshToken != null
            || division != null;
    if (demoMode == DemoMode.ON && anyCredential) {
      throw new SettingsException(
          SettingsReader.name("connector.demo")
              + " is 'on', but real credentials are configured: the demo never runs against a"
              + " real shop or administration; remove the credentials or the setting");
    }
    s.demo = demoMode == DemoMode.ON || (demoMode == DemoMode.AUTO && !anyCredential);
    s.demoPort = r.integer("connector.demo-port", 0, 0, 65535);

    s.squarespaceApiUrl = r.url("squarespace.api-url", "https://api.squarespace.com");
    s.squarespaceUserAgent =
        r.text("squarespace.user-agent", "squarespace-exact-connector/0.1 (self-hosted)");
    s.squarespaceRateLimitPause = r.seconds("squarespace.rate-limit-pause", 60, 1, 3600);

    s.exactBaseUrl = r.url("exact.base-url", "https://start.exactonline.nl");
    s.exactMinRefreshInterval = r.seconds("exact.token.min-refresh-interval", 570, 570, 599);
    s.exactRefreshIdleWarning =
        Duration.ofDays(r.integer("exact.token.idle-warning-days", 25, 1, 29));
    s.exactRefreshKeepAlive = Duration.ofDays(r.integer("exact.token.keep-alive-days", 7, 1, 29));
    s.exactOrderSharePercent = r.integer("exact.rate.order-share-percent", 40, 0, 90);
    s.exactClientErrorStop = r.integer("exact.rate.client-error-stop", 8, 1, 10);
    s.exactRateMaxWait = r.seconds("exact.rate.max-wait", 75, 1, 3600);
    s.exactRetryMaxRedeliveries = r.integer("exact.retry.max-redeliveries", 4, 0, 10);

    if (s.demo) {
      s.squarespaceApiKey = apiKey;
      s.exactClientId = clientId;
      s.exactClientSecret = clientSecret;
      s.exactRefreshToken = refreshToken;
      s.exactDivision = 0;
    } else {
      // The app's registration is needed for Exact's consent; the rest a newcomer gives in the
      // connect wizard (kept encrypted / in the database); set here, these values win.
      s.squarespaceApiKey = apiKey;
      s.exactClientId = r.required("exact.client-id", clientId);
      s.exactClientSecret = r.required("exact.client-secret", clientSecret);
      s.exactRefreshToken = refreshToken; // only needed while the token store is empty
      s.exactDivision = division == null ? 0 : r.integer("exact.division", 0, 1, Integer.MAX_VALUE);
    }

    s.dataDir = Path.of(r.text("connector.data-dir", "./data"));
    s.mappingsDir = Path.of(r.text("connector.mappings-dir", "./mappings"));
    // more connections (issue 12): one <id>.properties file each, rescanned without a restart
    s.connectionsDir = Path.of(r.text("connector.connections-dir", "./connections"));
    s.connectionsScanInterval = r.seconds("connector.connections-scan-interval", 10, 1, 3600);
    // No AUTO_SERVER: it would open a TCP port to the database on every interface. The file
    // belongs to this one process (several processes share state through PostgreSQL).
    // WRITE_DELAY=0: every commit is on disk at once, so a killed process loses no ledger state
    // (the order flow relies on it). DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close
    // the database under Camel's in-flight exchanges; the connector closes it after Camel stopped.
    // The demo's sandbox starts afresh each time, and so does its database (in memory).
    String defaultDb =
        s.demo
            ? "jdbc:h2:mem:demo-"
                + java.util.UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE"
            : "jdbc:h2:file:"
                + s.dataDir
                    .resolve("connector")
                    .toAbsolutePath()
                    .normalize()
                    .toString()
                    .replace('\\', '/')
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    s.dbUrl = r.text("connector.db-url", defaultDb);
    if (!s.dbUrl.startsWith("jdbc:")) {
      throw new SettingsException(
          SettingsReader.name("connector.db-url")
              + " must be a JDBC URL such as jdbc:postgresql://host/db, got '"
              + s.dbUrl
              + "'");
    }
    if (s.dbUrl.toUpperCase(Locale.ROOT).contains("AUTO_SERVER=TRUE")) {
      throw new SettingsException(
          SettingsReader.name("connector.db-url")
              + " must not use AUTO_SERVER=TRUE: it opens a database port on the network; use"
              + " PostgreSQL when several processes share the state");
    }
    s.embeddedDb = s.dbUrl.startsWith("jdbc:h2:");
    s.dbUser = r.text("connector.db-user", s.embeddedDb ? "sa" : "");
    s.dbPassword = Optional.ofNullable(r.optional("connector.db-password")).orElse("");
    s.httpPort = r.integer("connector.http-port", 8080, 0, 65535);
    s.httpHost = r.text("connector.http-host", "127.0.0.1");
    s.apiToken = r.optional("connector.api-token");
    if (s.apiToken != null && (s.apiToken.length() < 24 || !s.apiToken.matches("[\\x21-\\x7e]+"))) {
      throw new SettingsException(
          SettingsReader.name("connector.api-token")
              + " must be at least 24 printable characters without spaces (for example the"
              + " output of: openssl rand -base64 32)");
    }
    s.secretKey = r.optional("connector.secret-key");
    s.connectionId = r.text("connector.connection-id", "default");
    if (!s.connectionId.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new SettingsException(
          SettingsReader.name("connector.connection-id")
              + " may hold only letters, digits, '.', '_' and '-' (at most 64), got '"
              + s.connectionId
              + "'");
    }

    s.activityRetention =
        Duration.ofDays(r.integer("connector.activity-retention-days", 30, 1, 3650));
    s.ordersSince = r.instant("sync.orders-since");
    s.pollInterval = r.seconds("sync.poll-interval", 60, 5, 86400);
    return s;
  }

  /** The environment variable that sets a property: {@code a.b-c} → {@code A_B_C}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public URI squarespaceApiUrl() {
    return squarespaceApiUrl;
  }

  public String squarespaceApiKey() {
    return squarespaceApiKey;
  }

  public String squarespaceUserAgent() {
    return squarespaceUserAgent;
  }

  public Duration squarespaceRateLimitPause() {
    return squarespaceRateLimitPause;
  }

  public URI exactBaseUrl() {
    return exactBaseUrl;
  }

  public String exactClientId() {
    return exactClientId;
  }

  public String exactClientSecret() {
    return exactClientSecret;
  }

  public String exactRefreshToken() {
    return exactRefreshToken;
  }

  /** The division set by {@code EXACT_DIVISION}, or 0 (then the connect wizard's choice). */
  public int exactDivision() {
    return exactDivision;
  }

  public Duration exactMinRefreshInterval() {
    return exactMinRefreshInterval;
  }

  public Duration exactRefreshIdleWarning() {
    return exactRefreshIdleWarning;
  }

  public Duration exactRefreshKeepAlive() {
    return exactRefreshKeepAlive;
  }

  public int exactOrderSharePercent() {
    return exactOrderSharePercent;
  }

  public int exactClientErrorStop() {
    return exactClientErrorStop;
  }

  public Duration exactRateMaxWait() {
    return exactRateMaxWait;
  }

  public int exactRetryMaxRedeliveries() {
    return exactRetryMaxRedeliveries;
  }

  public String dbUrl() {
    return dbUrl;
  }

  public String dbUser() {
    return dbUser;
  }

  public String dbPassword() {
    return dbPassword;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The address the operator port listens on (127.0.0.1 unless configured). */
  public String httpHost() {
    return httpHost;
  }

  /** The configured API token, or null (then one is generated in the data directory). */
  public String apiToken() {
    return apiToken;
  }

  /** Whether the state database is the embedded H2 one (a file or memory of this process). */
  public boolean embeddedDb() {
    return embeddedDb;
  }

  public String secretKey() {
    return secretKey;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String connectionId() {
    return connectionId;
  }

  public boolean demo() {
    return demo;
  }

  public int demoPort() {
    return demoPort;
  }

  /** The directory of the settings and the datamapper files. */
  public Path mappingsDir() {
    return mappingsDir;
  }

  /** The directory of the connections besides the default one ({@code <id>.properties}). */
  public Path connectionsDir() {
    return connectionsDir;
  }

  /** How often {@link #connectionsDir()} is looked at for added, changed or removed files. */
  public Duration connectionsScanInterval() {
    return connectionsScanInterval;
  }

  public Duration activityRetention() {
    return activityRetention;
  }

  public Instant ordersSince() {
    return ordersSince;
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * Points both APIs at the demo sandbox and uses its credentials. Only called when {@link #demo()}
   * is true, i.e. when no real credential is configured.
   */
  public void useDemoSandbox(
      URI squarespaceUrl,
      String apiKey,
      URI exactUrl,
      String clientId,
      String clientSecret,
      String refreshToken,
      int division) {
    if (!demo) {
      throw new IllegalStateException("the demo sandbox is never used with real credentials");
    }
    this.squarespaceApiUrl = squarespaceUrl;
    this.squarespaceApiKey = apiKey;
    this.exactBaseUrl = exactUrl;
    this.exactClientId = clientId;
    this.exactClientSecret = clientSecret;
    this.exactRefreshToken = refreshToken;
    this.exactDivision = division;
  }

  /** Exact Online's token endpoint, derived from the base URL. */
  public URI exactTokenUrl() {
    return URI.create(exactBaseUrl + "/api/oauth2/token");
  }

  /** Exact Online's authorisation endpoint, derived from the base URL. */
  public URI exactAuthUrl() {
    return URI.create(exactBaseUrl + "/api/oauth2/auth");
  }

  /** Exact Online's REST root, derived from the base URL. */
  public URI exactRestUrl() {
    return URI.create(exactBaseUrl + "/api/v1");
  }
}
