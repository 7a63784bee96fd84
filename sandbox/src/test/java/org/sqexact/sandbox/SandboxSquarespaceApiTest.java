package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.TestClock;

/** The fake Squarespace Commerce API over real HTTP. */
class SandboxSquarespaceApiTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:15:00Z");
  private final TestClock clock = new TestClock(NOW);
  private DemoSandbox sandbox;
  private SandboxClient client;

  @BeforeEach
  void start() {
    sandbox = DemoSandbox.start(0, clock);
    client = new SandboxClient(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private static void assertError(SandboxClient.Reply r, int status, String type) {
    assertEquals(status, r.status(), r.raw().body());
    JsonNode b = r.json();
    assertEquals(type, b.get("type").asText());
    assertTrue(
        b.has("subtype") && b.has("message") && b.has("details") && b.has("contextId"),
        b.toString());
    assertTrue(b.get("details").isNull());
    assertTrue(b.get("contextId").asText().matches("[A-Z]{9}"));
  }

  private String window(Instant after, Instant before) {
    return "/1.0/commerce/orders?modifiedAfter=" + after + "&modifiedBefore=" + before;
  }

  @Test
  void windowThenCursorPaging() {
    sandbox.shop().pageSize(2);
    SandboxClient.Reply page = client.squarespace(window(NOW.minus(Duration.ofDays(4)), NOW));
    List<String> numbers = new ArrayList<>();
    List<String> modified = new ArrayList<>();
    int pages = 0;
    while (true) {
      assertEquals(200, page.status(), page.raw().body());
      pages++;
      JsonNode result = page.json().get("result");
      assertTrue(result.size() <= 2);
      result.forEach(
          o -> {
            numbers.add(o.get("orderNumber").asText());
            modified.add(o.get("modifiedOn").asText());
          });
      JsonNode pagination = page.json().get("pagination");
      if (!pagination.get("hasNextPage").asBoolean()) {
        assertTrue(pagination.get("nextPageCursor").isNull());
        assertTrue(pagination.get("nextPageUrl").isNull());
        break;
      }
      String cursor = pagination.get("nextPageCursor").asText();
      assertEquals(
          sandbox.squarespaceBaseUrl() + "/1.0/commerce/orders?cursor=" + cursor,
          pagination.get("nextPageUrl").asText());
      page = client.squarespace("/1.0/commerce/orders?cursor=" + cursor);
    }
    // default paymentStates hide the PENDING order 1052; everything else is in the window
    assertEquals(14, numbers.size());
    assertEquals(7, pages);
    assertFalse(numbers.contains(SquarespaceShop.SEED_PENDING_ORDER_NUMBER));
    assertEquals(new HashSet<>(numbers).size(), numbers.size());
    List<String> sorted = new ArrayList<>(modified);
    sorted.sort(String::compareTo);
    assertEquals(sorted, modified, "ascending modifiedOn");
    assertTrue(modified.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
  }

  @Test
  void windowIsExclusiveAfterInclusiveBefore() {
    JsonNode order = sandbox.shop().orderByNumber("1055").get();
    Instant modified = Instant.parse(order.get("modifiedOn").asText());
    SandboxClient.Reply upTo = client.squarespace(window(modified.minusMillis(1), modified));
    assertEquals(1, upTo.json().get("result").size());
    SandboxClient.Reply after = client.squarespace(window(modified, modified.plusSeconds(1)));
    assertEquals(0, after.json().get("result").size());
  }

  @Test
  void paymentStatesFilterAndMarkPaid() {
    String pending =
        sandbox
            .shop()
            .orderByNumber(SquarespaceShop.SEED_PENDING_ORDER_NUMBER)
            .get()
            .get("id")
            .asText();
    SandboxClient.Reply onlyPending =
        client.squarespace(window(NOW.minus(Duration.ofDays(4)), NOW) + "&paymentStates=PENDING");
    assertEquals(1, onlyPending.json().get("result").size());
    assertError(
        client.squarespace(
            window(NOW.minus(Duration.ofDays(4)), NOW) + "&paymentStates=PAID,BOGUS"),
        400,
        "INVALID_REQUEST_ERROR");
    clock.advance(Duration.ofMinutes(5));
    sandbox.shop().markPaid(pending);
    SandboxClient.Reply recent = client.squarespace(window(NOW, clock.instant()));
    assertEquals(1, recent.json().get("result").size());
    JsonNode paid = recent.json().get("result").get(0);
    assertEquals("PAID", paid.get("paymentState").asText());
    assertEquals(Http.iso(clock.instant()), paid.get("modifiedOn").asText());
    SandboxClient.Reply tx = client.squarespace("/1.0/commerce/transactions?orderId=" + pending);
    assertEquals(1, tx.json().at("/documents/0/payments").size());
  }

  @Test
  void windowAndCursorRules() {
    String base = "/1.0/commerce/orders";
    assertError(client.squarespace(base + "?modifiedAfter=" + NOW), 400, "INVALID_REQUEST_ERROR");
    assertError(client.squarespace(base + "?modifiedBefore=" + NOW), 400, "INVALID_REQUEST_ERROR");
    assertError(client.squarespace(window(NOW, NOW)), 400, "INVALID_REQUEST_ERROR");
    assertError(client.squarespace(window(NOW, NOW.minusSeconds(1))), 400, "INVALID_REQUEST_ERROR");
    assertError(
        client.squarespace(base + "?modifiedAfter=yesterday&modifiedBefore=" + NOW),
        400,
        "INVALID_REQUEST_ERROR");
    sandbox.shop().pageSize(1);
    String cursor =
        client
            .squarespace(window(NOW.minus(Duration.ofDays(4)), NOW))
            .json()
            .at("/pagination/nextPageCursor")
            .asText();
    SandboxClient.Reply combined =
        client.squarespace(base + "?cursor=" + cursor + "&modifiedAfter=" + NOW.minusSeconds(9));
    assertError(combined, 400, "INVALID_REQUEST_ERROR");
    assertEquals("INVALID_ARGUMENT", combined.json().get("subtype").asText());
    assertError(
        client.squarespace(base + "?cursor=" + cursor + "&paymentStates=PAID"),
        400,
        "INVALID_REQUEST_ERROR");
    assertError(client.squarespace(base + "?cursor=garbage!!"), 400, "INVALID_REQUEST_ERROR");
    assertEquals(200, client.squarespace(base + "?cursor=" + cursor).status());
  }

  @Test
  void missingUserAgentIs400AndMissingKeyIs401() throws IOException {
    String raw =
        rawGet("/squarespace/1.0/commerce/orders", "Authorization: Bearer " + DemoSandbox.API_KEY);
    assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
    assertTrue(raw.contains("\"type\":\"INVALID_REQUEST_ERROR\""), raw);
    assertTrue(raw.contains("User-Agent"), raw);
    SandboxClient.Reply noKey =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(sandbox.squarespaceBaseUrl() + "/1.0/commerce/orders"))
                .header("User-Agent", "tests")
                .build());
    assertError(noKey, 401, "AUTHORIZATION_ERROR");
    SandboxClient.Reply wrongKey =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(sandbox.squarespaceBaseUrl() + "/1.0/commerce/orders"))
                .header("User-Agent", "tests")
                .header("Authorization", "Bearer nope")
                .build());
    assertError(wrongKey, 401, "AUTHORIZATION_ERROR");
  }

  /** A GET without any User-Agent (java.net.http always adds one). */
  private String rawGet(String path, String... headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", sandbox.port())) {
      StringBuilder req =
          new StringBuilder(
              "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void singleOrderAndNotFound() {
    String id = sandbox.shop().orderByNumber("1049").get().get("id").asText();
    SandboxClient.Reply pos = client.squarespace("/1.0/commerce/orders/" + id);
    assertEquals(200, pos.status());
    assertEquals("pos", pos.json().get("channel").asText());
    assertTrue(pos.json().get("customerEmail").isNull());
    assertTrue(pos.json().get("billingAddress").isNull());
    assertError(
        client.squarespace("/1.0/commerce/orders/ffffffffffffffffffffffff"),
        404,
        "INVALID_REQUEST_ERROR");
    assertError(client.squarespace("/1.0/commerce/orders/not-an-id"), 400, "INVALID_REQUEST_ERROR");
  }

  @Test
  void tooManyRequests() {
    sandbox.shop().forceTooManyRequests(2);
    assertError(client.squarespace("/1.0/authorization/website"), 429, "TOO_MANY_REQUESTS");
    assertError(client.squarespace("/1.0/authorization/website"), 429, "TOO_MANY_REQUESTS");
    SandboxClient.Reply ok = client.squarespace("/1.0/authorization/website");
    assertEquals(200, ok.status());
    assertEquals("Demo Koffiebranderij", ok.json().get("title").asText());
    assertEquals("EUR", ok.json().get("currency").asText());
    assertEquals("Europe/Amsterdam", ok.json().get("timeZone").asText());
    assertTrue(ok.raw().headers().firstValue("X-RateLimit-Limit").isEmpty());

    sandbox.shop().rateLimit(5);
    for (int i = 0; i < 4; i++) {
      assertEquals(200, client.squarespace("/1.0/authorization/website").status());
    }
    assertError(client.squarespace("/1.0/authorization/website"), 429, "TOO_MANY_REQUESTS");
    clock.advance(Duration.ofSeconds(59));
    assertEquals(429, client.squarespace("/1.0/authorization/website").status(), "cool-down");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(200, client.squarespace("/1.0/authorization/website").status());
  }

  @Test
  void transactionsShowPaymentMethods() {
    SandboxClient.Reply all = client.squarespace("/1.0/commerce/transactions");
    assertEquals(200, all.status());
    Set<String> providers = new HashSet<>();
    boolean giftCard = false;
    boolean partialRefund = false;
    for (JsonNode doc : all.json().get("documents")) {
      assertNotNull(doc.get("salesOrderId").asText(null));
      for (JsonNode p : doc.get("payments")) {
        providers.add(p.get("provider").asText());
        giftCard |= p.get("giftCardId").isTextual();
        partialRefund |=
            p.get("refunds").size() > 0
                && !p.get("refundedAmount")
                    .get("value")
                    .asText()
                    .equals(p.get("amount").get("value").asText());
      }
    }
    assertTrue(
        providers.containsAll(Set.of("STRIPE", "PAYPAL", "SQUARESPACE", "SQUARE")),
        providers.toString());
    assertTrue(giftCard);
    assertTrue(partialRefund);
    assertEquals(14, all.json().get("documents").size(), "no document for the PENDING order");
  }

  @Test
  void inventoryProductsAndAdjustments() throws Exception {
    sandbox.shop().pageSize(5);
    List<JsonNode> items = new ArrayList<>();
    SandboxClient.Reply page = client.squarespace("/1.0/commerce/inventory");
    while (true) {
      page.json().get("inventory").forEach(items::add);
      if (!page.json().at("/pagination/hasNextPage").asBoolean()) {
        break;
      }
      page = client.squarespaceUrl(page.json().at("/pagination/nextPageUrl").asText());
    }
    assertEquals(15, items.size());
    JsonNode mug =
        items.stream().filter(i -> i.get("sku").asText().equals("MOK-WIT")).findFirst().get();
    String variant = mug.get("variantId").asText();
    String body = "{\"decrementOperations\":[{\"variantId\":\"" + variant + "\",\"quantity\":3}]}";
    assertEquals(204, adjust("key-1", body).status());
    assertEquals(204, adjust("key-1", body).status(), "replay answers the same");
    assertEquals(21, sandbox.shop().stock("MOK-WIT"), "applied once");
    assertEquals(
        400,
        adjust(
                "key-1",
                "{\"setFiniteOperations\":[{\"variantId\":\"" + variant + "\",\"quantity\":1}]}")
            .status());
    assertEquals(400, adjust(null, body).status());
    assertEquals(
        409,
        adjust(
                "key-2",
                "{\"decrementOperations\":[{\"variantId\":\"" + variant + "\",\"quantity\":99}]}")
            .status());
    StringBuilder many = new StringBuilder("{\"setFiniteOperations\":[");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",")
          .append("{\"variantId\":\"")
          .append(java.util.UUID.randomUUID())
          .append("\",\"quantity\":1}");
    }
    assertEquals(400, adjust("key-3", many.append("]}").toString()).status());
    assertEquals(
        204,
        adjust(
                "key-2",
                "{\"setFiniteOperations\":[{\"variantId\":\"" + variant + "\",\"quantity\":40}]}")
            .status());
    assertEquals(40, sandbox.shop().stock("MOK-WIT"));

    SandboxClient.Reply products = client.squarespace("/v2/commerce/products?type=PHYSICAL");
    JsonNode first = products.json().at("/products/0");
    assertEquals("PHYSICAL", first.get("type").asText());
    JsonNode v = first.at("/variants/0");
    assertTrue(v.at("/pricing/basePrice/value").isTextual());
    assertEquals("EUR", v.at("/pricing/basePrice/currency").asText());
    assertTrue(v.at("/stock/quantity").isInt());
    assertTrue(products.json().at("/pagination/hasNextPage").asBoolean());
  }

  private SandboxClient.Reply adjust(String key, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(sandbox.squarespaceBaseUrl() + "/1.0/commerce/inventory/adjustments"))
            .header("Authorization", "Bearer " + DemoSandbox.API_KEY)
            .header("User-Agent", "tests")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    return client.send(b.build());
  }

  @Test
  void updateOrderBumpsModifiedOnAndDrippingAddsOrders() throws Exception {
    String id = sandbox.shop().orderByNumber("1043").get().get("id").asText();
    clock.advance(Duration.ofMinutes(1));
    sandbox.shop().updateOrder(id, o -> o.put("fulfillmentStatus", "FULFILLED"));
    assertEquals(
        Http.iso(clock.instant()), sandbox.shop().order(id).get().get("modifiedOn").asText());

    int before = sandbox.shop().orders().size();
    JsonNode generated = sandbox.shop().placeRandomOrder();
    assertEquals("1056", generated.get("orderNumber").asText());
    assertEquals("PAID", generated.get("paymentState").asText());
    assertEquals(
        ShopDocuments.amount(generated.get("grandTotal")),
        ShopDocuments.expectedGrandTotal(generated));
    sandbox.shop().startDripping(Duration.ofMillis(50));
    // dripping runs on a real timer
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> sandbox.shop().orders().size() >= before + 3);
    sandbox.shop().stopDripping();
    assertTrue(sandbox.shop().orders().size() >= before + 3);
  }
}
