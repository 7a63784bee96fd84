package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.junit.jupiter.api.Test;
import org.sqexact.fulfilment.FulfilmentLedger;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;
import org.sqexact.webhook.WebhookSignatures;

/**
 * The return flows and the webhooks per connection: the connector as production starts it (the
 * default connection; sync.auto-start off, so its schedules stay stopped) plus shop-b from a
 * connections/ directory with its own Squarespace and Exact (a second WireMock pair), its own
 * division, key and schedule. Shop-b's stock and products are written to its own shop with its own
 * key by runs its own Quartz jobs fired; an Exact notification of its division fulfils its order
 * (the same sales order number as one of the default connection's) in its shop; a Squarespace
 * notification goes to the connection whose secret signed it.
 */
class ConnectionReturnFlowsTest extends ConnectionTestSupport {

  private static final String B = "/api/v1/654321/";
  private static final String ADJUST = "/1.0/commerce/inventory/adjustments";
  private static final String SECRET_A =
      "F3F9B981C78E7A6187E42853F6CE2804177E98206164779423B02DEC981ACD6B";
  private static final String SECRET_B =
      "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
  private static final String EXACT_SECRET = "exact-app-webhook-secret";
  private static final String CALLBACK = "https://connector.example/webhooks/exact";
  private static final String ORDER_A = "aaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String ORDER_B = "bbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String G1 = "aa000000-0000-4000-8000-000000000001";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aConnectionSyncsStockAndFulfilmentsWithItsOwnShopKeyDivisionAndSchedule() throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    ExactStubs.token(exactB, "RT-B1", "RT-B2", "AT-B1");
    // shop-b's Exact: one stock position, one delivery of its sales order 1234
    exactB.stubFor(
        get(urlPathEqualTo(B + "sync/Inventory/StockPositions"))
            .withQueryParam("$filter", equalTo("Timestamp gt 1L"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"Timestamp\":\"10\",\"ItemCode\":\"SKU-1\",\"FreeStock\":5,"
                            + "\"Warehouse\":\"00000000-0000-4000-8000-000000000001\","
                            + "\"WarehouseCode\":\"1\"}",
                        null))));
    exactB.stubFor(
        get(urlPathEqualTo(B + "sync/SalesOrder/GoodsDeliveries"))
            .withQueryParam("$filter", equalTo("Timestamp gt 1L"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"Timestamp\":\"77\",\"EntryID\":\""
                            + G1
                            + "\",\"TrackingNumber\":\"3SBBBB\",\"ShippingMethodCode\":\"POSTNL\","
                            + "\"ShippingMethodDescription\":\"PostNL pakket\","
                            + "\"DeliveryDate\":\"/Date(1764892800000)/\"}",
                        null))));
    exactB.stubFor(
        get(urlPathEqualTo(B + "salesorder/GoodsDeliveryLines"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"EntryID\":\"" + G1 + "\",\"SalesOrderNumber\":1234}", null))));
    // shop-b's Exact: one shop item, VAT 21% excl.
    exactB.stubFor(
        get(urlPathEqualTo(B + "sync/Deleted"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    exactB.stubFor(
        get(urlPathEqualTo(B + "sync/Logistics/Items"))
            .withQueryParam("$filter", equalTo("Timestamp gt 1L"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"Timestamp\":\"101\",\"ID\":\"00000000-0000-4000-8000-000000000101\","
                            + "\"Code\":\"KOF-B\",\"Description\":\"Koffie B\","
                            + "\"ExtraDescription\":null,\"IsWebshopItem\":1,"
                            + "\"ItemGroupCode\":\"KOF\",\"StandardSalesPrice\":10.00,"
                            + "\"SalesVatCode\":\"1\",\"EndDate\":null}",
                        null))));
    exactB.stubFor(
        get(urlPathEqualTo(B + "sync/Logistics/Items"))
            .withQueryParam("$filter", equalTo("Timestamp gt 101L"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    exactB.stubFor(
        get(urlPathEqualTo(B + "vat/VATCodes"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"Code\":\"1  \",\"Description\":\"21% excl\",\"Percentage\":0.21,"
                            + "\"Type\":\"E\"}",
                        null))));
    // shop-b's Squarespace: no products yet
    squarespaceB.stubFor(
        get(urlPathEqualTo("/1.0/authorization/website"))
            .willReturn(okJson("{\"id\":\"w-b\",\"currency\":\"EUR\"}")));
    squarespaceB.stubFor(
        get(urlPathEqualTo("/v2/commerce/products"))
            .willReturn(okJson("{\"products\":[],\"pagination\":{\"hasNextPage\":false}}")));
    squarespaceB.stubFor(post(urlPathMatching("/v2/commerce/products.*")).willReturn(okJson("{}")));
    // shop-b's Squarespace: one variant, its order still pending
    squarespaceB.stubFor(
        get(urlPathEqualTo("/1.0/commerce/inventory"))
            .willReturn(
                okJson(
                    "{\"inventory\":[{\"variantId\":\"v-1\",\"sku\":\"SKU-1\",\"descriptor\":\"x\","
                        + "\"isUnlimited\":false,\"quantity\":0}],"
                        + "\"pagination\":{\"hasNextPage\":false,\"nextPageCursor\":null}}")));
    squarespaceB.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders/" + ORDER_B))
            .willReturn(
                okJson(
                    "{\"id\":\""
                        + ORDER_B
                        + "\",\"orderNumber\":\"2001\",\"fulfillmentStatus\":\"PENDING\"}")));
    squarespaceB.stubFor(post(urlPathEqualTo(ADJUST)).willReturn(aResponse().withStatus(204)));
    squarespaceB.stubFor(
        post(urlPathMatching("/1.0/commerce/orders/.*/fulfillments"))
            .willReturn(aResponse().withStatus(204)));
    squarespaceA.stubFor(post(urlPathMatching(".*")).willReturn(aResponse().withStatus(204)));

    Map<String, String> settings = settingsA();
    settings.put("squarespace.webhook-secret", SECRET_A);
    settings.put("exact.webhook-secret", EXACT_SECRET);
    settings.put("exact.webhook-callback-url", CALLBACK);
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      // the default connection booked its order 2001 as sales order 1234 in its division too
      booked(h.bean("orderLedger", OrderLedger.class), ORDER_A, clock.instant());
      ConnectionRegistry registry = registry(h, settings);
      // shop-b: its own shop, division and secret; its stock runs on its own schedule (an hour:
      // the first firing is at once), its order-status run only when Exact notifies
      write(
          "shop-b",
          shopB(
              "squarespace.webhook-secret = " + SECRET_B,
              "sync.auto-start = true",
              "stock.interval = 3600",
              "fulfilment.enabled = false",
              "products.enabled = true",
              "products.store-page-id = PAGE-B",
              "products.interval = 3600",
              // its order poll is not what this test is about
              "sync.poll-interval = 3600"));
      ConnectionDefinitions definitions = definitions(settings);
      assertEquals(List.of("started shop-b"), registry.reconcile(definitions.scan()));

      // its own Quartz job, started by its own settings; the default's schedules stay stopped
      assertTrue(
          endpoint(h, "stock-sync-schedule-shop-b").startsWith("quartz://shop-b/stock-sync"));
      assertEquals(
          ServiceStatus.Started,
          h.context().getRouteController().getRouteStatus("stock-sync-schedule-shop-b"));
      assertEquals(
          ServiceStatus.Stopped,
          h.context().getRouteController().getRouteStatus("order-status-schedule-shop-b"),
          "fulfilment.enabled = false in its file");
      assertEquals(
          ServiceStatus.Stopped,
          h.context().getRouteController().getRouteStatus("stock-sync-schedule"),
          "the default connection's sync.auto-start is off");
      assertTrue(endpoint(h, "stock-sync-schedule").startsWith("quartz://connector/stock-sync"));

      // the job fired: shop-b's level written to shop-b's shop with shop-b's key
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !squarespaceB.findAll(postRequestedFor(urlPathEqualTo(ADJUST))).isEmpty());
      List<LoggedRequest> adjustments =
          squarespaceB.findAll(postRequestedFor(urlPathEqualTo(ADJUST)));
      assertEquals(1, adjustments.size());
      assertEquals("Bearer key-b", adjustments.get(0).getHeader("Authorization"));
      JsonNode op = JSON.readTree(adjustments.get(0).getBodyAsString()).path("setFiniteOperations");
      assertEquals("v-1", op.get(0).path("variantId").asText());
      assertEquals(5, op.get(0).path("quantity").asInt());
      exactB.verify(
          getRequestedFor(urlPathEqualTo(B + "sync/Inventory/StockPositions"))
              .withHeader("Authorization", equalTo("Bearer AT-B1")));
      assertEquals(0, squarespaceA.findAll(postRequestedFor(urlPathEqualTo(ADJUST))).size());
      assertEquals(0, exactA.findAll(getRequestedFor(urlPathMatching(".*/sync/.*"))).size());

      // its product job fired too: its Exact item became a product in its shop, on its store page
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !squarespaceB
                      .findAll(postRequestedFor(urlPathEqualTo("/v2/commerce/products")))
                      .isEmpty());
      LoggedRequest product =
          squarespaceB.findAll(postRequestedFor(urlPathEqualTo("/v2/commerce/products"))).get(0);
      assertEquals("Bearer key-b", product.getHeader("Authorization"));
      assertTrue(product.getBodyAsString().contains("KOF-B"), product.getBodyAsString());
      assertTrue(product.getBodyAsString().contains("PAGE-B"), product.getBodyAsString());
      assertEquals(
          ServiceStatus.Stopped,
          h.context().getRouteController().getRouteStatus("product-sync-schedule"),
          "the default connection's products are off");

      // Exact notifies a delivery in shop-b's division: shop-b's order-status run, not the
      // default's
      booked(wiring.connection("shop-b").state().ledger(), ORDER_B, clock.instant());
      assertEquals(200, send(h, "/webhooks/exact", exactNotification(654321), null).statusCode());
      String fulfil = "/1.0/commerce/orders/" + ORDER_B + "/fulfillments";
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !squarespaceB.findAll(postRequestedFor(urlPathEqualTo(fulfil))).isEmpty());
      List<LoggedRequest> fulfilments =
          squarespaceB.findAll(
              postRequestedFor(
                  urlPathEqualTo("/1.0/commerce/orders/" + ORDER_B + "/fulfillments")));
      assertEquals(1, fulfilments.size());
      assertEquals("Bearer key-b", fulfilments.get(0).getHeader("Authorization"));
      assertEquals(
          "3SBBBB",
          JSON.readTree(fulfilments.get(0).getBodyAsString())
              .path("shipments")
              .get(0)
              .path("trackingNumber")
              .asText());
      assertEquals(
          "DONE",
          wiring.returnFlows("shop-b").fulfilmentLedger().find(ORDER_B).orElseThrow().state());
      assertTrue(h.bean("fulfilmentLedger", FulfilmentLedger.class).find(ORDER_A).isEmpty());
      assertEquals(0, squarespaceA.findAll(postRequestedFor(urlPathMatching(".*"))).size());
      assertEquals(0, exactA.findAll(getRequestedFor(urlPathMatching(".*/sync/.*"))).size());

      // a Squarespace notification reaches the connection whose secret signed it
      String toB = squarespaceNotification("n-b", ORDER_B);
      assertEquals(
          200, send(h, "/webhooks/squarespace", toB, signature(SECRET_B, toB)).statusCode());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> exchanges(h, "webhook-orders-shop-b") == 1);
      assertTrue(
          wiring.connection("shop-b").state().activity().recent(ORDER_B, 10).stream()
              .anyMatch(e -> "order.create received".equals(e.message())),
          "recorded in shop-b's activity log");
      assertTrue(h.bean("orderLedger", OrderLedger.class).find(ORDER_B).isEmpty());
      String toA = squarespaceNotification("n-a", ORDER_A);
      assertEquals(
          200, send(h, "/webhooks/squarespace", toA, signature(SECRET_A, toA)).statusCode());
      await().atMost(Duration.ofSeconds(20)).until(() -> exchanges(h, "webhook-orders") == 1);
      assertEquals(1, exchanges(h, "webhook-orders-shop-b"), "not shop-b's");
      String forged = squarespaceNotification("n-c", ORDER_B);
      assertEquals(
          401,
          send(h, "/webhooks/squarespace", forged, signature(SECRET_B.replace('0', '1'), forged))
              .statusCode());

      // its division's Exact webhook subscriptions, to the process's callback URL, through its
      // own gateway (its one-shot job is off here: the harness turns connector.startup-checks off)
      String subscriptions = B + "webhooks/WebhookSubscriptions";
      exactB.stubFor(
          get(urlPathEqualTo(subscriptions))
              .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
      exactB.stubFor(
          post(urlPathEqualTo(subscriptions))
              .willReturn(ExactStubs.json(201, "{\"d\":{\"ID\":\"" + G1 + "\"}}")));
      assertTrue(
          endpoint(h, "exact-webhook-subscriptions-shop-b")
              .startsWith("quartz://shop-b/exact-webhook-subscriptions"));
      h.template().requestBody("direct:exact-webhook-subscriptions-shop-b", "");
      List<LoggedRequest> subscribed =
          exactB.findAll(postRequestedFor(urlPathEqualTo(subscriptions)));
      assertEquals(3, subscribed.size(), "StockPositions, Items, GoodsDeliveries");
      assertEquals("Bearer AT-B1", subscribed.get(0).getHeader("Authorization"));
      assertTrue(subscribed.get(0).getBodyAsString().contains(CALLBACK));
      assertEquals(
          0, exactA.findAll(postRequestedFor(urlPathMatching(".*WebhookSubscriptions"))).size());

      // shop-b removed: its routes and its place at the webhooks go
      remove("shop-b");
      assertEquals(List.of("removed shop-b"), registry.reconcile(definitions.scan()));
      assertNull(h.context().getRoute("stock-sync-schedule-shop-b"));
      assertNull(h.context().getRoute("webhook-orders-shop-b"));
      String late = squarespaceNotification("n-d", ORDER_B);
      assertEquals(
          401, send(h, "/webhooks/squarespace", late, signature(SECRET_B, late)).statusCode());
      registry.stopAll();
    }
  }

  /** How many exchanges a route has taken (JMX, as /observe/metrics counts them). */
  private static long exchanges(ConnectorHarness h, String routeId) {
    ManagedCamelContext mcc =
        h.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
    ManagedRouteMBean route = mcc.getManagedRoute(routeId);
    return route == null ? -1 : route.getExchangesTotal();
  }

  /** An order booked as Exact sales order 1234 (as the order flow records it). */
  private static void booked(OrderLedger ledger, String orderId, Instant now) {
    ledger.begin(orderId, "2001", now);
    ledger.markPosting(orderId, "sales-order");
    ledger.markBooked(orderId, "sales-order", "00000000-0000-4000-8000-000000001234", "1234");
  }

  private static String exactNotification(int division) {
    String content =
        "{\"Topic\":\"GoodsDeliveries\",\"ClientId\":\"c1\",\"Division\":"
            + division
            + ",\"Action\":\"Update\",\"Key\":\""
            + G1
            + "\",\"ExactOnlineEndpoint\":\"https://x/api/v1/"
            + division
            + "/salesorder/GoodsDeliveries\",\"EventCreatedOn\":\"2026-12-03T09:00:00\"}";
    String hash =
        HexFormat.of()
            .formatHex(
                WebhookSignatures.hmac(
                    EXACT_SECRET.getBytes(StandardCharsets.UTF_8),
                    content.getBytes(StandardCharsets.UTF_8)))
            .toUpperCase();
    return "{\"Content\":" + content + ",\"HashCode\":\"" + hash + "\"}";
  }

  private static String squarespaceNotification(String id, String orderId) {
    return "{\"id\":\""
        + id
        + "\",\"websiteId\":\"5f3c3d55ac435e1a051f77b3\",\"subscriptionId\":\"s1\","
        + "\"topic\":\"order.create\",\"createdOn\":\"2026-12-03T09:18+00:00\","
        + "\"data\":{\"orderId\":\""
        + orderId
        + "\"}}";
  }

  private static String signature(String secretHex, String body) {
    return HexFormat.of()
        .formatHex(
            WebhookSignatures.hmac(
                HexFormat.of().parseHex(secretHex), body.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> send(ConnectorHarness h, String path, String body, String signature)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(h.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (signature != null) {
      b.header("Squarespace-Signature", signature);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
