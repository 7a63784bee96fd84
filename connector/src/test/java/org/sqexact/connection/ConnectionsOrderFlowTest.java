package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
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
class ConnectionsOrderFlowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIVISION_B = "654321";
  private static final String ORDER_A = "60ecbe5d-0000-4000-8000-00000000000a";
  private static final String ORDER_B = "60ecbe5d-0000-4000-8000-00000000000b";

  @RegisterExtension
  static WireMockExtension exactA =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension exactB =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension squarespaceA =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension squarespaceB =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path connections;

  @Test
  void eachShopBooksInItsOwnDivisionAndOneShopsTroubleStaysItsOwn() throws Exception {
    ExactStubs.tokenChain(exactA, 6);
    ExactStubs.token(exactB, "RT-B1", "RT-B2", "AT-B1");
    ExactStubs.token(exactB, "RT-B2", "RT-B3", "AT-B2");
    reference(exactA, ExactStubs.DIVISION, ORDER_A, 1001);
    reference(exactB, DIVISION_B, ORDER_B, 2001);
    payments(squarespaceA);
    payments(squarespaceB);

    ObjectNode a1 = Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    list(squarespaceA, a1);
    Map<String, String> settings =
        ConnectorHarness.settings(squarespaceA.baseUrl(), exactA.baseUrl());
    settings.put("sync.orders-since", "2026-01-01T00:00:00Z");
    settings.put("connector.connections-dir", connections.toString());
    settings.put("connector.connections-scan-interval", "1");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      OrderLedger ledgerA = h.bean("orderLedger", OrderLedger.class);
      ConnectionWiring wiring = h.bean("connectionWiring", ConnectionWiring.class);

      // the default connection books shop A's order in division 123456, as before
      h.template().sendBody("direct:poll-orders", null);
      assertEquals(OrderLedger.State.BOOKED, ledgerA.find(id(a1)).orElseThrow().state());
      exactA.verify(
          1,
          postRequestedFor(urlPathEqualTo("/api/v1/123456/salesorder/SalesOrders"))
              .withHeader("Authorization", equalTo("Bearer AT1")));

      // shop A's Exact now hangs on bookings: a poll of shop A waits for it…
      ObjectNode a2 = Orders.order("1043").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
      list(squarespaceA, a1, a2);
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
      list(squarespaceB, b1, b2);
      write(
          "shop-b",
          "squarespace.api-key = key-b\n"
              + "squarespace.api-url = "
              + squarespaceB.baseUrl()
              + "\nexact.base-url = "
              + exactB.baseUrl()
              + "\nexact.division = "
              + DIVISION_B
              + "\nexact.refresh-token = RT-B1\n"
              + "sync.auto-start = true\nsync.poll-interval = 5\n");
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
      list(squarespaceB, b1, b2, b3);
      String postsB = "/api/v1/" + DIVISION_B + "/salesorder/SalesOrders";
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exactB.findAll(postRequestedFor(urlPathEqualTo(postsB))).size() == 2);
      String file = Files.readString(connections.resolve("shop-b.properties"));
      Files.delete(connections.resolve("shop-b.properties"));
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

  private static JsonNode connection(ConnectorHarness h, String id) throws Exception {
    for (JsonNode c : JSON.readTree(h.call("GET", "/api/connections").body()).path("connections")) {
      if (c.path("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no connection " + id);
  }

  private static Optional<OrderLedger.State> state(
      ConnectionWiring wiring, String connection, ObjectNode order) {
    ConnectionWiring.Built b = wiring.connection(connection);
    return b == null ? Optional.empty() : b.state().ledger().find(id(order)).map(e -> e.state());
  }

  private static String id(ObjectNode order) {
    return order.path("id").asText();
  }

  private static int ledgerRows(ConnectorHarness h, String connection) throws Exception {
    try (Connection c = h.bean("connectorDatabase", Database.class).connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM order_ledger WHERE connection_id = ?")) {
      ps.setString(1, connection);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private void write(String id, String content) throws Exception {
    Path tmp = connections.resolve("." + id + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, connections.resolve(id + ".properties"));
  }

  /** Squarespace lists these orders and answers each one's details. */
  private static void list(WireMockExtension sq, ObjectNode... orders) {
    sq.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Orders.page(orders))));
    for (ObjectNode o : orders) {
      sq.stubFor(
          get(urlPathEqualTo("/1.0/commerce/orders/" + id(o)))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/json")
                      .withBody(o.toString())));
    }
  }

  private static void payments(WireMockExtension sq) {
    sq.stubFor(
        get(urlPathEqualTo("/1.0/commerce/transactions"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"documents\":[{\"payments\":[{\"amount\":{\"value\":\"12.10\","
                            + "\"currency\":\"EUR\"},\"provider\":\"STRIPE\",\"creditCardType\":"
                            + "\"VISA\",\"giftCardId\":null,\"refunds\":[]}]}],"
                            + "\"pagination\":{\"hasNextPage\":false}}")));
  }

  /** One Exact division's reference data, a new debtor, and bookings numbered from {@code n}. */
  private static void reference(WireMockExtension wm, String division, String orderId, int n) {
    String rest = "/api/v1/" + division + "/";
    rows(
        wm,
        rest + "vat/VATCodes",
        "{\"Code\":\"1  \",\"Description\":\"21% excl\",\"Percentage\":0.21,\"Type\":\"E\"},"
            + "{\"Code\":\"2  \",\"Description\":\"21% incl\",\"Percentage\":0.21,\"Type\":\"I\"},"
            + "{\"Code\":\"3\",\"Description\":\"9% excl\",\"Percentage\":0.09,\"Type\":\"E\"},"
            + "{\"Code\":\"4\",\"Description\":\"9% incl\",\"Percentage\":0.09,\"Type\":\"I\"},"
            + "{\"Code\":\"5\",\"Description\":\"0%\",\"Percentage\":0,\"Type\":\"B\"}");
    rows(
        wm,
        rest + "cashflow/PaymentConditions",
        "{\"ID\":\"p1\",\"Code\":\"00\",\"Description\":\"Direct\"},"
            + "{\"ID\":\"p2\",\"Code\":\"ST\",\"Description\":\"Stripe\"},"
            + "{\"ID\":\"p3\",\"Code\":\"PP\",\"Description\":\"PayPal\"}");
    rows(
        wm,
        rest + "sales/ShippingMethods",
        "{\"ID\":\"5b3c0000-0000-4000-8000-000000000001\",\"Code\":\"POSTNL\","
            + "\"Description\":\"PostNL\"},"
            + "{\"ID\":\"5b3c0000-0000-4000-8000-000000000002\",\"Code\":\"DHL\"},"
            + "{\"ID\":\"5b3c0000-0000-4000-8000-000000000003\",\"Code\":\"PICKUP\"}");
    rows(
        wm,
        rest + "sync/Logistics/Items",
        item("a1", "ESPRESSO")
            + ","
            + item("a3", "SHIPPING")
            + ","
            + item("a4", "DISCOUNT")
            + ","
            + item("a5", "NOSKU"));
    rows(wm, rest + "sync/CRM/Accounts", "");
    rows(wm, rest + "sync/CRM/Contacts", "");
    rows(wm, rest + "sync/CRM/Addresses", "");
    rows(wm, rest + "salesorder/SalesOrders", "");
    wm.stubFor(
        post(urlPathEqualTo(rest + "crm/Accounts"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.Account\"},"
                        + "\"ID\":\"8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a99\","
                        + "\"Code\":\"               101\"}}")));
    salesOrders(wm, division, orderId, n, 0);
  }

  private static void salesOrders(
      WireMockExtension wm, String division, String orderId, int number, int delayMillis) {
    wm.stubFor(
        post(urlPathEqualTo("/api/v1/" + division + "/salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                        201,
                        "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.SalesOrder\"},"
                            + "\"OrderID\":\""
                            + orderId
                            + "\",\"OrderNumber\":"
                            + number
                            + "}}")
                    .withFixedDelay(delayMillis)));
  }

  private static void rows(WireMockExtension wm, String path, String rows) {
    wm.stubFor(
        get(urlPathEqualTo(path)).willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  private static String item(String id, String code) {
    return "{\"ID\":\"00000000-0000-4000-8000-0000000000"
        + id
        + "\",\"Code\":\""
        + code
        + "\",\"Description\":\""
        + code
        + "\",\"IsSalesItem\":true,\"Timestamp\":"
        + (code.hashCode() & 0xffff)
        + "}";
  }
}
