package org.sqexact.connection;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.ops.Alerts;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/**
 * The connections directory as production start-up wires it (ConnectionsConfiguration, route
 * connections-watch): a file present at start runs when the start returns, a file added at run time
 * starts, a removed one stops, a bad one is refused with an alert naming file and key while the
 * others run.
 */
class ConnectionsStartupTest {

  @TempDir Path connections;

  @Test
  void connectionsFromTheDirectoryStartWithTheConnectorAndFollowItsFiles() throws Exception {
    write(
        "shop-b",
        "squarespace.api-key = {{env:HOME}}\nexact.division = 654321\n"
            + "exact.refresh-token = RT-B1\n");
    Map<String, String> settings =
        ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    settings.put("connector.connections-dir", connections.toString());
    settings.put("connector.connections-scan-interval", "1");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      // read at start: running when the start returns
      assertEquals(
          "direct://order-shop-b",
          h.context().getRoute("order-sync-shop-b").getEndpoint().getEndpointUri());
      assertNotNull(h.context().getRoute("orders-poll-shop-b"));
      assertNotNull(h.context().getRoute("connections-watch"));
      assertEquals(200, h.call("GET", "/observe/health/ready").statusCode());
      ConnectionRegistry registry = h.bean("connectionRegistry", ConnectionRegistry.class);
      // {{env:…}} placeholders: the file need not hold the secret itself
      assertEquals(
          System.getenv("HOME"),
          h.bean("connectionWiring", ConnectionWiring.class)
              .connection("shop-b")
              .settings()
              .squarespaceApiKey());
      assertEquals(ConnectionRegistry.State.RUNNING, registry.statuses().get(0).state());

      // added at run time
      write(
          "shop-c",
          "squarespace.api-key = key-c\nexact.division = 777\n" + "exact.refresh-token = RT-C1\n");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> h.context().getRoute("orders-poll-shop-c") != null);
      assertNotNull(h.context().getRoute("order-sync-shop-c"));

      // a bad file: refused with an alert naming file and key, the others run on
      write(
          "shop-d",
          "squarespace.api-key = key-d\nexact.division = 778\n"
              + "exact.refresh-token = RT-D1\nconnector.http-port = 9999\n");
      Alerts alerts = h.bean("alerts", Alerts.class);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  alerts.recent().stream()
                      .anyMatch(
                          a ->
                              a.code().equals(ConnectionWatch.REFUSED)
                                  && a.message().contains("connections/shop-d.properties")
                                  && a.message().contains("connector.http-port")));
      assertNull(h.context().getRoute("order-sync-shop-d"));
      assertEquals(200, h.call("GET", "/observe/health/ready").statusCode());

      // removed: its routes go, the others stay
      Files.delete(connections.resolve("shop-b.properties"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> h.context().getRoute("exact-call-shop-b") == null);
      assertNull(h.context().getRoute("orders-poll-shop-b"));
      assertNull(h.context().getRoute("order-sync-shop-b"));
      assertNotNull(h.context().getRoute("order-sync-shop-c"));
      assertNotNull(h.context().getRoute("order-sync"));
      assertTrue(
          registry.statuses().stream().noneMatch(s -> s.id().equals("shop-b")),
          "shop-b is no longer known");
    }
  }

  private void write(String id, String content) throws Exception {
    // written aside and moved in, so a scan never reads half a file
    Path tmp = connections.resolve("." + id + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, connections.resolve(id + ".properties"));
  }
}
