package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sqexact.order.OrderFlowTestSupport.listOrders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqexact.ops.Alerts;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * Two shops in one connector, end to end: the connector as production starts it with its default
 * connection (shop A ↔ division 123456) and a connection added at run time by a file in
 * connections/ (shop B ↔ division 654321, its own Squarespace and Exact, WireMock each), polled by
 * its own Quartz job. Each shop's order is booked in its own division and kept in its own ledger;
 * shop A's Exact hanging on a booking does not hold up shop B; a failed order of shop B is parked
 * under shop B; removing the file stops shop B and keeps its rows.
 */
class ConnectionsOrderFlowTest extends ConnectionTestSupport {

  private static final String ORDER_A = "60ecbe5d-0000-4000-8000-00000000000a";
  private static final String ORDER_B = "60ecbe5d-0000-4000-8000-00000000000b";

  @Test
  void eachShopBooksInItsOwnDivisionAndOneShopsTroubleStaysItsOwn() throws Exception {
    bothShopsBook(ORDER_A, ORDER_B);

    ObjectNode a1 = Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    listOrders(squarespaceA, a1);
    Map<String, String> settings = scanningSettings();
    settings.put("sync.orders-since", "2026-01-01T00:00:00Z");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      OrderLedger ledgerA = h.bean("orderLedger", OrderLedger.class);
      wiring = h.bean("connectionWiring", ConnectionWiring.class);

      // the default connection books shop A's order in division 123456, as before
      h.template().sendBody("direct:poll-orders", null);
      assertEquals(OrderLedger.State.BOOKED, ledgerA.find(id(a1)).orElseThrow().state());
      exactA.verify(
          1,
          postRequestedFor(urlPathEqualTo("/api/v1/123456/salesorder/SalesOrders"))
              .withHeader("Authorization", equalTo("Bearer AT1")));

      // shop A's Exact now hangs on bookings: a poll of shop A waits for it…
      ObjectNode a2 = Orders.order("1043").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
      listOrders(squarespaceA, a1, a2);
      salesOrders(exactA, ExactStubs.DIVISION, ORDER_A, 1002, 15000);
      CompletableFuture<Void> pollA =
          CompletableFuture.runAsync(() -> h.template().sendBody("direct:poll-orders", null));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  exactA
                          .findAll(
                              postRequestedFor(
                                  urlPathEqualTo("/api/v1/123456/salesorder/SalesOrders")))
                          .size()
                      == 2);

      // …while shop B, added by its file with its own schedule on, books in its own division
      ObjectNode b1 = Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
      ObjectNode b2 =
          Orders.order("1043")
              .line("ESPRESSO", "Espresso", 1, "12.10")
              .line("TSHIRT-XL", "T-shirt XL", 1, "25.00")
              .total("6.44");
      listOrders(squarespaceB, b1, b2);
      write("shop-b", shopB("sync.auto-start = true", "sync.poll-interval = 5"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  state(wiring, "shop-b", b1).filter(s -> s == OrderLedger.State.BOOKED).isPresent()
                      && state(wiring, "shop-b", b2)
                          .filter(s -> s == OrderLedger.State.PARKED)
                          .isPresent());
      assertFalse(pollA.isDone(), "shop A's poll still waits for its Exact");
      exactB.verify(
          1,
          postRequestedFor(urlPathEqualTo("/api/v1/" + DIVISION_B + "/salesorder/SalesOrders"))
              .withHeader("Authorization", equalTo("Bearer AT-B1")));
      squarespaceB.verify(
          com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                  urlPathEqualTo("/1.0/commerce/orders"))
              .withHeader("Authorization", equalTo("Bearer key-b")));
      assertEquals(
          0,
          exactA.findAll(postRequestedFor(urlPathMatching("/api/v1/" + DIVISION_B + "/.*"))).size(),
          "nothing of shop B went to shop A's Exact");
      OrderLedger ledgerB = wiring.connection("shop-b").state().ledger();
      assertEquals("2001", ledgerB.find(id(b1)).orElseThrow().documentNumber());

      // shop B's failed order is parked under shop B, naming the SKU; shop A knows nothing of it
      OrderLedger.Entry parked = ledgerB.find(id(b2)).orElseThrow();
      assertEquals(OrderLedger.State.PARKED, parked.state());
      assertTrue(parked.lastError().contains("TSHIRT-XL"), parked.lastError());
      assertTrue(ledgerA.find(id(b2)).isEmpty());
      assertTrue(ledgerA.find(id(b1)).isEmpty());

      // the operator sees shop B's alert under shop B, naming it; the default's alerts stay apart
      JsonNode shopB = connection(h, "shop-b");
      assertEquals("RUNNING", shopB.path("state").asText());
      assertFalse(shopB.path("lastPoll").isNull());
      boolean named = false;
      for (JsonNode alert : shopB.path("recentAlerts")) {
        named |=
            alert.path("code").asText().equals("order-parked")
                && alert.path("message").asText().startsWith("Connection 'shop-b': ");
      }
      assertTrue(named, shopB.toString());
      assertTrue(
          h.bean("alerts", Alerts.class).recent().stream()
              .noneMatch(a -> a.code().equals("order-parked")));

      // shop A's Exact answers again: its order is booked, in its own division
      pollA.get(30, TimeUnit.SECONDS);
      assertEquals(OrderLedger.State.BOOKED, ledgerA.find(id(a2)).orElseThrow().state());
      assertEquals("1002", ledgerA.find(id(a2)).orElseThrow().documentNumber());
      // the operator API's order calls still mean the default connection: #1043 is shop A's
      JsonNode order = JSON.readTree(h.call("GET", "/api/orders/1043").body()).path("order");
      assertEquals(id(a2), order.path("orderId").asText());
      assertEquals("booked", order.path("state").asText());
      assertEquals(409, h.call("POST", "/api/orders/1043/retry").statusCode());

      // shop B's file removed while one of its orders is being booked (its Exact is slow): the
      // stop waits for the booking, then its routes go and its rows stay; shop A carries on
      ObjectNode b3 = Orders.order("1044").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
      salesOrders(exactB, DIVISION_B, ORDER_B, 2003, 4000);
      listOrders(squarespaceB, b1, b2, b3);
      String postsB = "/api/v1/" + DIVISION_B + "/salesorder/SalesOrders";
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exactB.findAll(postRequestedFor(urlPathEqualTo(postsB))).size() == 2);
      String file = Files.readString(connections.resolve("shop-b.properties"));
      remove("shop-b");
      // the stop removes the routes, the gateways' last, then releases the connection's beans
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  h.context().getRoute("exact-call-shop-b") == null
                      && wiring.connection("shop-b") == null);
      assertNull(h.context().getRoute("orders-poll-shop-b"));
      assertNull(h.context().getRoute("order-sync-shop-b"));
      assertNull(h.context().getRoute("poll-watch-shop-b"));
      OrderLedger keptB =
          new OrderLedger(h.bean("connectorDatabase", Database.class), "shop-b", Clock.systemUTC());
      assertEquals(OrderLedger.State.BOOKED, keptB.find(id(b3)).orElseThrow().state());
      assertEquals(3, ledgerRows(h, "shop-b"), "shop B's ledger stays");
      assertNotNull(h.context().getRoute("order-sync"));
      assertEquals(2, ledgerRows(h, "default"));

      // the file back: shop B resumes where it stopped, and books nothing twice
      int listed =
          squarespaceB
              .findAll(
                  com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                      urlPathEqualTo("/1.0/commerce/orders")))
              .size();
      write("shop-b", file);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  squarespaceB
                              .findAll(
                                  com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                                      urlPathEqualTo("/1.0/commerce/orders")))
                              .size()
                          > listed
                      // the poll that listed them has ended
                      && h.context().getInflightRepository().size("orders-poll-queue-shop-b") == 0
                      && h.context().getInflightRepository().size("orders-fetch-shop-b") == 0);
      assertEquals(2, exactB.findAll(postRequestedFor(urlPathEqualTo(postsB))).size());
      assertEquals(3, ledgerRows(h, "shop-b"));
    }
  }
}
