package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * The operator API per connection, through HTTP: the connector as production starts it with its
 * default connection (shop A) and shop B from a file in connections/ (its own Squarespace and
 * Exact, WireMock each). Shop B's parked order is polled, listed, traced and retried with {@code
 * ?connection=shop-b} (its own ledger, activity and routes) and is unknown without it; the default
 * connection's answers stay as they were; an unknown connection is answered 404 naming it.
 */
class ConnectionsOperatorApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIVISION_B = "654321";
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
  void shopBsOrdersAreListedTracedAndRetriedUnderItsConnection() throws Exception {
    ExactStubs.tokenChain(exactA, 6);
    ExactStubs.token(exactB, "RT-B1", "RT-B2", "AT-B1");
    ExactStubs.token(exactB, "RT-B2", "RT-B3", "AT-B2");
    reference(exactA, ExactStubs.DIVISION, ORDER_B, 1001);
    reference(exactB, DIVISION_B, ORDER_B, 2001);
    payments(squarespaceA);
    payments(squarespaceB);
    list(squarespaceA);
    // shop B's order #1043 has a SKU its Exact does not know yet: it is parked
    ObjectNode b1 =
        Orders.order("1043")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .line("TSHIRT-XL", "T-shirt XL", 1, "25.00")
            .total("6.44");
    list(squarespaceB, b1);

    Map<String, String> settings =
        ConnectorHarness.settings(squarespaceA.baseUrl(), exactA.baseUrl());
    settings.put("sync.orders-since", "2026-01-01T00:00:00Z");
    settings.put("connector.connections-dir", connections.toString());
    settings.put("connector.connections-scan-interval", "1");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      ConnectionWiring wiring = h.bean("connectionWiring", ConnectionWiring.class);
      String before = h.call("GET", "/api/orders").body();
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
              + "sync.auto-start = false\n");
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
      rows(
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
      Files.delete(connections.resolve("shop-b.properties"));
      await().atMost(Duration.ofSeconds(60)).until(() -> wiring.connection("shop-b") == null);
      HttpResponse<String> gone = h.call("GET", "/api/orders/1043?connection=shop-b");
      assertEquals(404, gone.statusCode());
      assertTrue(gone.body().contains("shop-b"), gone.body());
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
