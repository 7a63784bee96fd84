package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sqexact.order.OrderFlowTestSupport.item;
import static org.sqexact.order.OrderFlowTestSupport.listOrders;
import static org.sqexact.order.OrderFlowTestSupport.stubRows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * The operator API per connection, through HTTP: the connector as production starts it with its
 * default connection (shop A) and shop B from a file in connections/ (its own Squarespace and
 * Exact, WireMock each). Shop B's parked order is polled, listed, traced and retried with {@code
 * ?connection=shop-b} (its own ledger, activity and routes) and is unknown without it; the default
 * connection's answers stay as they were; an unknown connection is answered 404 naming it.
 */
class ConnectionsOperatorApiTest extends ConnectionTestSupport {

  private static final String ORDER_B = "60ecbe5d-0000-4000-8000-00000000000b";

  @Test
  void shopBsOrdersAreListedTracedAndRetriedUnderItsConnection() throws Exception {
    bothShopsBook(ORDER_B, ORDER_B);
    listOrders(squarespaceA);
    // shop B's order #1043 has a SKU its Exact does not know yet: it is parked
    ObjectNode b1 =
        Orders.order("1043")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .line("TSHIRT-XL", "T-shirt XL", 1, "25.00")
            .total("6.44");
    listOrders(squarespaceB, b1);

    Map<String, String> settings = scanningSettings();
    settings.put("sync.orders-since", "2026-01-01T00:00:00Z");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      wiring = h.bean("connectionWiring", ConnectionWiring.class);
      String before = h.call("GET", "/api/orders").body();
      write("shop-b", shopB("sync.auto-start = false"));
      await().atMost(Duration.ofSeconds(30)).until(() -> wiring.connection("shop-b") != null);

      // GET /api/connections/{id}: the one entry; an unknown id is 404 naming it
      HttpResponse<String> one = h.call("GET", "/api/connections/shop-b");
      assertEquals(200, one.statusCode(), one.body());
      assertEquals("shop-b", JSON.readTree(one.body()).path("id").asText());
      assertEquals(DIVISION_B, JSON.readTree(one.body()).path("division").asText());
      HttpResponse<String> nope = h.call("GET", "/api/connections/shop-z");
      assertEquals(404, nope.statusCode());
      assertTrue(nope.body().contains("shop-z"), nope.body());

      // the operator polls shop B now (its schedule is off): its queue, its Squarespace
      HttpResponse<String> poll = h.call("POST", "/api/poll?connection=shop-b");
      assertEquals(202, poll.statusCode(), poll.body());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  state(wiring, "shop-b", b1)
                      .filter(s -> s == OrderLedger.State.PARKED)
                      .isPresent());
      squarespaceB.verify(
          com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                  urlPathEqualTo("/1.0/commerce/orders"))
              .withHeader("Authorization", equalTo("Bearer key-b")));

      // listed under shop B, not under the default connection, whose answer is unchanged
      JsonNode listB =
          JSON.readTree(h.call("GET", "/api/orders?state=parked&connection=shop-b").body());
      assertEquals(1, listB.path("counts").path("parked").asInt(), listB.toString());
      assertEquals("1043", listB.path("orders").path(0).path("orderNumber").asText());
      assertEquals(id(b1), listB.path("orders").path(0).path("orderId").asText());
      assertTrue(
          listB.path("orders").path(0).path("reason").asText().contains("TSHIRT-XL"),
          listB.toString());
      assertEquals(before, h.call("GET", "/api/orders").body());
      assertEquals(0, ledgerRows(h, "default"));

      // its status and alerts: shop B's counts and its parked order's alert, not the default's
      JsonNode statusB = JSON.readTree(h.call("GET", "/api/status?connection=shop-b").body());
      assertEquals(1, statusB.path("orders").path("parked").asInt(), statusB.toString());
      assertEquals(DIVISION_B, statusB.path("exactDivision").path("number").asText());
      JsonNode status = JSON.readTree(h.call("GET", "/api/status").body());
      assertEquals(0, status.path("orders").path("parked").asInt(), status.toString());
      assertTrue(h.call("GET", "/api/alerts?connection=shop-b").body().contains("order-parked"));
      assertTrue(!h.call("GET", "/api/alerts").body().contains("order-parked"));
      assertEquals(404, h.call("GET", "/api/status?connection=shop-z").statusCode());

      // one order with its trace: under shop B only
      assertEquals(404, h.call("GET", "/api/orders/1043").statusCode());
      JsonNode orderB = JSON.readTree(h.call("GET", "/api/orders/1043?connection=shop-b").body());
      assertEquals("parked", orderB.path("order").path("state").asText());
      assertTrue(orderB.path("activity").size() > 0, orderB.toString());
      HttpResponse<String> trace =
          h.call("GET", "/api/console/orders/1043/trace?connection=shop-b");
      assertEquals(200, trace.statusCode(), trace.body());
      JsonNode traced = JSON.readTree(trace.body());
      assertEquals("parked", traced.path("order").path("state").asText());
      // what shop B's Squarespace has now, fetched from shop B's
      assertEquals("1043", traced.path("squarespace").path("orderNumber").asText(), trace.body());
      assertEquals(404, h.call("GET", "/api/console/orders/1043/trace").statusCode());

      // an unknown connection: 404 naming it; given twice: 400
      HttpResponse<String> unknown = h.call("GET", "/api/orders?connection=shop-z");
      assertEquals(404, unknown.statusCode());
      assertEquals("{\"error\":\"connection 'shop-z' is not running here\"}", unknown.body());
      assertEquals(404, h.call("POST", "/api/orders/1043/retry?connection=shop-z").statusCode());
      assertEquals(
          400, h.call("GET", "/api/orders?connection=shop-b&connection=default").statusCode());
      // naming the default connection is the same as not naming one
      assertEquals(before, h.call("GET", "/api/orders?connection=default").body());

      // its dry run goes through shop B's own dry-run route (its Exact, where the SKU is missing)
      HttpResponse<String> dry = h.call("GET", "/api/orders/1043/dry-run?connection=shop-b");
      assertEquals(200, dry.statusCode(), dry.body());
      assertEquals(id(b1), JSON.readTree(dry.body()).path("orderId").asText());
      assertTrue(dry.body().contains("TSHIRT-XL"), dry.body());

      // skip and unskip act on shop B's ledger only
      HttpResponse<String> skip = h.call("POST", "/api/orders/1043/skip?connection=shop-b");
      assertEquals(200, skip.statusCode(), skip.body());
      assertEquals("skipped", JSON.readTree(skip.body()).path("state").asText());
      assertEquals(404, h.call("POST", "/api/orders/1043/unskip").statusCode());
      HttpResponse<String> unskip = h.call("POST", "/api/orders/1043/unskip?connection=shop-b");
      assertEquals(200, unskip.statusCode(), unskip.body());
      assertEquals("parked", JSON.readTree(unskip.body()).path("state").asText());

      // the SKU now exists in shop B's Exact: retry books it there, through shop B's routes
      stubRows(
          exactB,
          "/api/v1/" + DIVISION_B + "/sync/Logistics/Items",
          item("a1", "ESPRESSO") + "," + item("a2", "TSHIRT-XL") + "," + item("a3", "SHIPPING"));
      assertEquals(404, h.call("POST", "/api/orders/1043/retry").statusCode());
      HttpResponse<String> retry = h.call("POST", "/api/orders/1043/retry?connection=shop-b");
      assertEquals(200, retry.statusCode(), retry.body());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  state(wiring, "shop-b", b1)
                      .filter(s -> s == OrderLedger.State.BOOKED)
                      .isPresent());
      exactB.verify(
          1,
          postRequestedFor(urlPathEqualTo("/api/v1/" + DIVISION_B + "/salesorder/SalesOrders"))
              .withHeader("Authorization", equalTo("Bearer AT-B1")));
      assertEquals(
          0,
          exactA
              .findAll(postRequestedFor(urlPathEqualTo("/api/v1/123456/salesorder/SalesOrders")))
              .size());
      JsonNode booked = JSON.readTree(h.call("GET", "/api/orders/1043?connection=shop-b").body());
      assertEquals("booked", booked.path("order").path("state").asText());
      assertEquals("2001", booked.path("order").path("exactDocumentNumber").asText());
      boolean retried = false;
      for (JsonNode a : booked.path("activity")) {
        retried |= a.path("step").asText().equals("retry");
      }
      assertTrue(retried, booked.toString());
      assertEquals(0, ledgerRows(h, "default"));

      // its file removed: the connection no longer runs, its orders are 404 naming it
      remove("shop-b");
      await().atMost(Duration.ofSeconds(60)).until(() -> wiring.connection("shop-b") == null);
      HttpResponse<String> gone = h.call("GET", "/api/orders/1043?connection=shop-b");
      assertEquals(404, gone.statusCode());
      assertTrue(gone.body().contains("shop-b"), gone.body());
    }
  }
}
