package org.sqexact.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * Webhooks through the routes, over HTTP: a signed Squarespace notification books the order without
 * a poll; a wrong signature gets 401 and nothing is processed; a repeated notification id is
 * dropped; Exact's validation request is answered and a signed Exact notification wakes the stock
 * run.
 */
class WebhookTest extends OrderFlowTestSupport {

  private static final String SQ_SECRET =
      "F3F9B981C78E7A6187E42853F6CE2804177E98206164779423B02DEC981ACD6B";
  private static final String EXACT_SECRET = "exact-app-webhook-secret";
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void secrets() {
    settings.put("squarespace.webhook-secret", SQ_SECRET);
    settings.put("exact.webhook-secret", EXACT_SECRET);
  }

  private HttpResponse<String> post(String path, String body, String header, String value)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(connector.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (header != null) {
      b.header(header, value);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String squarespaceSignature(String secretHex, String body) {
    return HexFormat.of()
        .formatHex(
            WebhookSignatures.hmac(
                HexFormat.of().parseHex(secretHex), body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String notification(String id, String orderId) {
    // spaced as Squarespace might send it: the signature covers the raw bytes, not re-serialised
    // JSON
    return "{\"id\": \""
        + id
        + "\", \"websiteId\":\"5f3c3d55ac435e1a051f77b3\",\"subscriptionId\":\"s1\","
        + "\"topic\":\"order.create\",\"createdOn\":\"2026-12-03T09:18+00:00\","
        + "\"data\":{\"orderId\":\""
        + orderId
        + "\"}}";
  }

  private long rejectedCount() {
    ManagedCamelContext mcc =
        connector.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
    ManagedRouteMBean route = mcc.getManagedRoute("webhook-signature-rejected");
    return route.getExchangesTotal();
  }

  private Optional<OrderLedger.Entry> ledgerEntry(ObjectNode order) {
    return connector.bean("orderLedger", OrderLedger.class).find(order.path("id").asText());
  }

  @Test
  void aSignedOrderNotificationBooksTheOrderWithoutAPollAndARepeatIsDropped() throws Exception {
    ObjectNode order = Orders.order("2001").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    stubOrder(order);
    start();
    String body = notification("5c2ba184b63ed3cb411ce2b1", order.path("id").asText());

    HttpResponse<String> r =
        post(
            "/webhooks/squarespace",
            body,
            "Squarespace-Signature",
            squarespaceSignature(SQ_SECRET, body));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Squarespace-Signature").isEmpty(), "no header echoed");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> ledgerEntry(order).map(e -> e.state() == OrderLedger.State.BOOKED).orElse(false));
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(
        0,
        squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))).size(),
        "no poll was needed");

    // Squarespace delivers at least once: the same notification id again is dropped
    r =
        post(
            "/webhooks/squarespace",
            body,
            "Squarespace-Signature",
            squarespaceSignature(SQ_SECRET, body).toUpperCase());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("duplicate"), r.body());
    assertEquals(
        1,
        squarespace
            .findAll(
                getRequestedFor(
                    urlPathEqualTo("/1.0/commerce/orders/" + order.path("id").asText())))
            .size(),
        "the repeated notification fetched nothing");
  }

  @Test
  void aWrongSignatureIs401AndNothingIsProcessed() throws Exception {
    ObjectNode order = Orders.order("2002").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    stubOrder(order);
    start();
    String body = notification("5c2ba184b63ed3cb411ce2b2", order.path("id").asText());
    String wrongKey = "00" + SQ_SECRET.substring(2);

    assertEquals(
        401,
        post(
                "/webhooks/squarespace",
                body,
                "Squarespace-Signature",
                squarespaceSignature(wrongKey, body))
            .statusCode());
    // the signature of another body (re-serialised JSON) does not fit either
    assertEquals(
        401,
        post(
                "/webhooks/squarespace",
                body,
                "Squarespace-Signature",
                squarespaceSignature(SQ_SECRET, body.replace(" ", "")))
            .statusCode());
    assertEquals(401, post("/webhooks/squarespace", body, null, null).statusCode());
    // the hex secret used as text instead of decoded bytes (a common mistake) does not fit
    String textKeyed =
        HexFormat.of()
            .formatHex(
                WebhookSignatures.hmac(
                    SQ_SECRET.getBytes(StandardCharsets.UTF_8),
                    body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        401, post("/webhooks/squarespace", body, "Squarespace-Signature", textKeyed).statusCode());

    assertEquals(4, rejectedCount());
    assertEquals(
        0,
        squarespace
            .findAll(
                getRequestedFor(
                    urlPathEqualTo("/1.0/commerce/orders/" + order.path("id").asText())))
            .size());
    assertTrue(ledgerEntry(order).isEmpty());
    // a later notification with the right signature and the same id is still processed
    assertEquals(
        200,
        post(
                "/webhooks/squarespace",
                body,
                "Squarespace-Signature",
                squarespaceSignature(SQ_SECRET, body))
            .statusCode());
  }

  @Test
  void exactValidationIsAnsweredAndASignedStockNotificationWakesTheStockRun() throws Exception {
    stubGet("sync/Inventory/StockPositions", "");
    squarespace.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                urlPathEqualTo("/1.0/commerce/inventory"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"inventory\":[],\"pagination\":{\"hasNextPage\":false}}")));
    start();

    assertEquals(200, post("/webhooks/exact", "", null, null).statusCode(), "validation request");

    String content =
        "{\"Topic\":\"StockPositions\",\"ClientId\":\"c1\",\"Division\":123456,\"Action\":\"Update\","
            + "\"Key\":\"8cb6203d-d935-5aeb-b024-cfcabc8e8700\",\"ExactOnlineEndpoint\":\"https://x/api/v1/123456/inventory/StockPositions\","
            + "\"EventCreatedOn\":\"2026-12-03T09:00:00\"}";
    String hash =
        HexFormat.of()
            .formatHex(
                WebhookSignatures.hmac(
                    EXACT_SECRET.getBytes(StandardCharsets.UTF_8),
                    content.getBytes(StandardCharsets.UTF_8)))
            .toUpperCase();
    String wrong = "{\"Content\":" + content + ",\"HashCode\":\"" + hash.replace('A', 'B') + "1\"}";
    assertEquals(401, post("/webhooks/exact", wrong, null, null).statusCode());
    assertEquals(0, gets("sync/Inventory/StockPositions").size());

    String right = "{\"Content\":" + content + ",\"HashCode\":\"" + hash + "\"}";
    assertEquals(200, post("/webhooks/exact", right, null, null).statusCode());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> gets("sync/Inventory/StockPositions").size() == 1);
    assertEquals(1, rejectedCount());
    Route stock = connector.context().getRoute("stock-sync-schedule");
    assertTrue(stock != null, "the stock schedule exists (not started: sync.auto-start=false)");
  }

  @Test
  void theMissingExactSubscriptionsAreCreatedOnce() throws Exception {
    String callback = "https://connector.example.nl/webhooks/exact";
    settings.put("exact.webhook-callback-url", callback);
    stubGet(
        "webhooks/WebhookSubscriptions",
        "{\"ID\":\"11111111-0000-4000-8000-000000000001\",\"CallbackURL\":\""
            + callback
            + "\",\"Topic\":\"StockPositions\"},"
            + "{\"ID\":\"11111111-0000-4000-8000-000000000002\",\"CallbackURL\":\"https://other\","
            + "\"Topic\":\"Items\"}");
    exact.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                urlPathEqualTo(ExactStubs.REST + "webhooks/WebhookSubscriptions"))
            .willReturn(
                ExactStubs.json(201, "{\"d\":{\"ID\":\"11111111-0000-4000-8000-000000000003\"}}")));
    start();

    connector.template().sendBody("direct:exact-webhook-subscriptions", null);

    java.util.List<String> topics = new java.util.ArrayList<>();
    for (var r : posts("webhooks/WebhookSubscriptions")) {
      var b = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBodyAsString());
      assertEquals(callback, b.path("CallbackURL").asText());
      topics.add(b.path("Topic").asText());
    }
    assertEquals(java.util.List.of("Items", "GoodsDeliveries"), topics);
  }

  private static void stubOrder(ObjectNode order) {
    squarespace.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                urlPathEqualTo("/1.0/commerce/orders/" + order.path("id").asText()))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(order.toString())));
    ExactStubs.me(exact, 123456);
  }
}
