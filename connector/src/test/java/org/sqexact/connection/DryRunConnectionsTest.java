package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.ConnectorApplication;
import org.sqexact.ops.DryRunCommand;
import org.sqexact.testing.ConnectorHarness;

/**
 * {@code --dry-run <order>} starts the connector for one order of the default connection: a
 * connection file in connections/ (which may switch its own polls on) is not started, so its shop
 * is not polled nor its orders booked by a dry run. Its row in the database would be the first
 * thing a start writes.
 */
class DryRunConnectionsTest {

  // answers 404 to everything: the dry run ends at once (the order is unknown)
  @RegisterExtension
  static WireMockExtension squarespace =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path connections;

  @Test
  void aDryRunStartsNoConnectionFromTheDirectory() throws Exception {
    Files.writeString(
        connections.resolve("shop-b.properties"),
        "squarespace.api-key = key-b\nexact.division = 654321\nexact.refresh-token = RT-B1\n"
            + "sync.auto-start = true\n");
    Map<String, String> settings =
        ConnectorHarness.settings(squarespace.baseUrl(), squarespace.baseUrl());
    settings.put("connector.connections-dir", connections.toString());
    // the command sets its own override properties: the test's settings go in as -D options
    settings.forEach(System::setProperty);
    try {
      DryRunCommand.run(ConnectorApplication::newMain, "--dry-run", "1042");
    } finally {
      settings.keySet().forEach(System::clearProperty);
    }
    // the in-memory database outlives the command (DB_CLOSE_DELAY=-1)
    try (Connection c = DriverManager.getConnection(settings.get("connector.db-url"), "sa", "");
        PreparedStatement ps = c.prepareStatement("SELECT id FROM connection ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      StringBuilder ids = new StringBuilder();
      while (rs.next()) {
        ids.append(rs.getString(1)).append(' ');
      }
      assertEquals("default ", ids.toString(), "only the default connection was started");
    }
  }
}
