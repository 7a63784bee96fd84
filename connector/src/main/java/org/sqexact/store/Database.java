package org.sqexact.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqexact.config.SettingsException;

/**
 * The connector's one JDBC DataSource (embedded H2 by default, PostgreSQL by URL), migrated to the
 * current schema by Flyway ({@code src/main/resources/db/migration}).
 */
public final class Database implements AutoCloseable {

  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * An embedded H2 file database created before it had a password (the connector used to leave the
   * account's password empty) gets {@code password} now; a new one is created with it.
   */
  public static void adoptPassword(String url, String user, String password) {
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      return; // new, or already protected
    } catch (SQLException e) {
      if (!"28000".equals(e.getSQLState())) {
        return; // not a password problem: open() reports it
      }
    }
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement st = c.createStatement()) {
      // a generated password (URL-safe base64): nothing to escape; H2 takes no parameter here
      st.execute(
          "ALTER USER \""
              + user.toUpperCase(java.util.Locale.ROOT)
              + "\" SET PASSWORD '"
              + password.replace("'", "''")
              + "'");
    } catch (SQLException e) {
      throw new SettingsException(
          "CONNECTOR_DB_PASSWORD (connector.db-password): the embedded database refuses the"
              + " password kept in the data directory: "
              + rootMessage(e));
    }
  }

  /** Opens the pool and migrates the schema; a database that cannot be reached stops start-up. */
  public static Database open(String url, String user, String password) {
    return open(url, user, password, 8);
  }

  /**
   * As {@link #open(String, String, String)} with a pool of at most {@code maxPool} connections
   * (sized by the number of connections the process serves: ScheduleSizing).
   */
  public static Database open(String url, String user, String password, int maxPool) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("connector-db");
    config.setMaximumPoolSize(maxPool);
    config.setMinimumIdle(1);
    config.setInitializationFailTimeout(10_000);
    if (url.startsWith("jdbc:h2:")) {
      // a token refresh holds a row lock for one HTTP call; wait for it rather than fail after 1 s
      config.setConnectionInitSql("SET LOCK_TIMEOUT 60000");
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new SettingsException(
          "CONNECTOR_DB_URL (connector.db-url): cannot open the database "
              + redact(url)
              + ": "
              + rootMessage(e)
              + (rootMessage(e).contains("already in use")
                  ? " (the embedded database belongs to one process: another connector runs on"
                      + " it; use its operator API, or PostgreSQL to share the state)"
                  : ""));
    }
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new IllegalStateException("Database schema migration failed: " + rootMessage(e), e);
    }
    return new Database(ds);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  @Override
  public void close() {
    dataSource.close();
  }

  static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage()).lines().findFirst().orElse("");
  }
}
