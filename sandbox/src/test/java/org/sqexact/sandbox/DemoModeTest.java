package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;

/**
 * The README's first command: without credentials the connector runs the demo with all its routes
 * (schedule, start-up checks), books the sample orders, parks one with a clear reason, and books it
 * after the cause is fixed and the order retried.
 */
class DemoModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonNode call(ConnectorHarness demo, String method, String path, int expectedStatus)
      throws Exception {
    HttpResponse<String> r = demo.call(method, path);
    assertEquals(expectedStatus, r.statusCode(), method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void withoutCredentialsTheDemoBooksSampleOrdersAndParksOneThatRetryBooks() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    try (ConnectorHarness demo = ConnectorHarness.start(settings, null)) {
      ConnectorHarness base = demo;
      // the demo polls on its own schedule (real time): wait until the API shows its work
      JsonNode counts =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> call(base, "GET", "/api/orders", 200).path("counts"),
                  c -> c.path("booked").asInt() >= 10 && c.path("parked").asInt() >= 1);
      assertTrue(counts.path("booked").asInt() >= 10, counts.toString());
      assertEquals(1, counts.path("parked").asInt(), counts.toString());

      JsonNode parked = call(base, "GET", "/api/orders?state=parked", 200).path("orders").get(0);
      assertEquals("1053", parked.path("orderNumber").asText());
      assertTrue(
          parked.path("reason").asText().contains("SKU 'POSTER-A2' does not exist as an item"),
          parked.toString());

      call(base, "POST", "/demo/exact/items/POSTER-A2", 200);
      JsonNode retried = call(base, "POST", "/api/orders/1053/retry", 200);
      assertEquals("booked", retried.path("state").asText(), retried.toString());

      assertEquals("UP", call(base, "GET", "/observe/health", 200).path("status").asText());
      JsonNode status = call(base, "GET", "/api/status", 200);
      assertEquals("ok", status.path("exactToken").asText());
      assertEquals("OK", status.path("exactDivision").path("check").asText(), status.toString());
    }
  }
}
