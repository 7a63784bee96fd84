package org.sqexact.connection;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

      // the operator sees every connection, behind the API token like the rest of the API
      JsonNode list = new ObjectMapper().readTree(h.call("GET", "/api/connections").body());
      Map<String, JsonNode> byId = new java.util.HashMap<>();
      list.path("connections").forEach(c -> byId.put(c.path("id").asText(), c));
      assertEquals(java.util.Set.of("default", "shop-b", "shop-c", "shop-d"), byId.keySet());
      assertEquals("RUNNING", byId.get("default").path("state").asText());
      assertEquals(123456, byId.get("default").path("division").asInt());
      assertEquals(ConnectionWiring.TEMPLATES.size(), byId.get("default").path("routes").asInt());
      assertEquals("RUNNING", byId.get("shop-b").path("state").asText());
      assertEquals(654321, byId.get("shop-b").path("division").asInt());
      assertEquals(ConnectionWiring.TEMPLATES.size(), byId.get("shop-b").path("routes").asInt());
      assertTrue(byId.get("shop-b").path("problem").isNull());
      assertEquals("FAILED", byId.get("shop-d").path("state").asText());
      assertTrue(
          byId.get("shop-d").path("problem").asText().contains("connector.http-port"),
          byId.get("shop-d").toString());
      assertEquals(0, byId.get("shop-d").path("routes").asInt());
      assertEquals(
          401,
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(h.baseUrl() + "/api/connections"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .statusCode());
      // readiness stays up for the others; the health check's details name the failed one
      org.apache.camel.health.HealthCheck.Result health =
          org.apache.camel.health.HealthCheckRegistry.get(h.context())
              .getCheck("connections")
              .orElseThrow()
              .call();
      assertEquals(org.apache.camel.health.HealthCheck.State.UP, health.getState());
      assertEquals("shop-d", health.getDetails().get("failed"));
      // each connection has its own poll watch (its own Quartz job)
      assertTrue(
          h.context()
              .getRoute("poll-watch-shop-b")
              .getEndpoint()
              .getEndpointUri()
              .startsWith("quartz://shop-b/poll-watch"));
      assertEquals(200, h.call("GET", "/observe/health/ready").statusCode());

      // removed: its routes go, the others stay
      Files.delete(connections.resolve("shop-b.properties"));
      // the registry forgets it once its stop returned (routes removed, the gateways' last)
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> registry.statuses().stream().noneMatch(s -> s.id().equals("shop-b")));
      assertNull(h.context().getRoute("exact-call-shop-b"));
      assertNull(h.context().getRoute("orders-poll-shop-b"));
      assertNull(h.context().getRoute("order-sync-shop-b"));
      assertNotNull(h.context().getRoute("order-sync-shop-c"));
      assertNotNull(h.context().getRoute("order-sync"));
    }
  }

  private void write(String id, String content) throws Exception {
    // written aside and moved in, so a scan never reads half a file
    Path tmp = connections.resolve("." + id + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, connections.resolve(id + ".properties"));
  }
}
