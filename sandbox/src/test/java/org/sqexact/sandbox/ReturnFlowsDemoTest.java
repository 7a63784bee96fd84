package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;

/**
 * The demo shows the flows back to the shop: stock changed in the sandbox's Exact appears in the
 * sandbox shop, a new shop order is booked by webhook before the next poll, and a delivery in Exact
 * marks the Squarespace order fulfilled with its tracking number. Started as the README's first
 * command starts it (no credentials).
 */
class ReturnFlowsDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonNode call(ConnectorHarness demo, String method, String path) throws Exception {
    HttpResponse<String> r = demo.call(method, path);
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** The free stock of a SKU in the sandbox's Exact, summed over warehouses, rounded down. */
  private static long exactFreeStock(DemoSandbox sandbox, String sku) {
    BigDecimal sum = BigDecimal.ZERO;
    for (ObjectNode p : sandbox.exact().entities("sync/Inventory/StockPositions")) {
      if (sku.equals(p.path("ItemCode").asText())) {
        sum = sum.add(p.path("FreeStock").decimalValue());
      }
    }
    return Math.max(0, sum.setScale(0, RoundingMode.FLOOR).longValue());
  }

  @Test
  void stockAndDeliveriesInExactShowInTheShop() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    settings.put("stock.interval", "10");
    settings.put("fulfilment.interval", "10");
    settings.put("sync.poll-interval", "3600"); // one poll at start: later orders come by webhook
    try (ConnectorHarness demo = ConnectorHarness.start(settings, null)) {
      ConnectorHarness base = demo;
      DemoSandbox sandbox = demo.bean("demoSandbox", DemoSandbox.class);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> call(base, "GET", "/api/orders").path("counts").path("booked").asInt() >= 10);

      // stock: Exact's change reaches the shop within a stock interval
      call(base, "POST", "/demo/exact/stock/MOL-HAND/37");
      long expected = exactFreeStock(sandbox, "MOL-HAND");
      assertTrue(expected > 0 && expected <= 37, "free stock " + expected);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  call(base, "GET", "/demo/squarespace/stock/MOL-HAND").path("shopStock").asLong()
                      == expected);

      // webhook: a new order in the shop is booked at once, long before the next poll
      String placed = sandbox.shop().placeRandomOrder().path("orderNumber").asText();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  demo.bean("orderLedger", OrderLedger.class)
                      .findByIdOrNumber(placed)
                      .map(e -> e.state() == OrderLedger.State.BOOKED)
                      .orElse(false));
      assertTrue(demo.bean("demoShopWebhooks", ShopWebhooks.class).sent() >= 1);

      // order status: a delivery in Exact marks the order fulfilled with its tracking number
      String number =
          call(base, "GET", "/api/orders?state=booked")
              .path("orders")
              .get(0)
              .path("orderNumber")
              .asText();
      call(base, "POST", "/demo/exact/deliveries/" + number + "?tracking=3SDEMOTEST1");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  "FULFILLED"
                      .equals(
                          sandbox
                              .shop()
                              .orderByNumber(number)
                              .orElseThrow()
                              .path("fulfillmentStatus")
                              .asText()));
      JsonNode shipment =
          sandbox.shop().orderByNumber(number).orElseThrow().path("fulfillments").get(0);
      assertEquals("3SDEMOTEST1", shipment.path("trackingNumber").asText());
      assertEquals("PostNL", shipment.path("carrierName").asText());
    }
  }
}
