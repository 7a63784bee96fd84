package org.sqexact.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one test: every test that runs the connector on PostgreSQL gets
 * its database here, so how the server is provided lives in one place.
 */
public final class TestPostgres {

  private TestPostgres() {}

  /** Creates an empty database and points the connector settings at it. */
  public static void database(Map<String, String> settings) {
    String admin = System.getenv("CONNECTOR_TEST_PG_URL");
    Assumptions.assumeTrue(admin != null, "no PostgreSQL server (CONNECTOR_TEST_PG_URL)");
    String user = System.getenv().getOrDefault("CONNECTOR_TEST_PG_USER", "postgres");
    String password = System.getenv().getOrDefault("CONNECTOR_TEST_PG_PASSWORD", "");
    String name = "connector_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(admin, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + admin, e);
    }
    settings.put("connector.db-url", admin.substring(0, admin.lastIndexOf('/') + 1) + name);
    settings.put("connector.db-user", user);
    settings.put("connector.db-password", password);
  }
}
