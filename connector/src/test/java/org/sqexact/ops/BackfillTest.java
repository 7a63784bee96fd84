package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.Orders;

/**
 * The backfill, through the operator API: orders modified before SYNC_ORDERS_SINCE are imported
 * since the operator's date, page by page, once each, with progress at GET /api/backfill.
 */
class BackfillTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode oldOrder(String number) {
    ObjectNode o = Orders.order(number).line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    o.put("createdOn", "2025-09-0" + number.charAt(number.length() - 1) + "T10:00:00Z");
    o.put("modifiedOn", "2025-09-0" + number.charAt(number.length() - 1) + "T10:00:00Z");
    return o;
  }

  /** Squarespace lists the orders on two pages (window first, then the cursor). */
  private static void listed(int delayMs, ObjectNode... orders) {
    ObjectNode first = (ObjectNode) read(Orders.page(orders[0], orders[1]));
    ((ObjectNode) first.path("pagination"))
        .put("hasNextPage", true)
        .put("nextPageCursor", "page-2");
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .withQueryParam("cursor", absent())
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withFixedDelay(delayMs)
                    .withHeader("Content-Type", "application/json")
                    .withBody(first.toString())));
    ObjectNode[] rest = java.util.Arrays.copyOfRange(orders, 2, orders.length);
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .withQueryParam("cursor", equalTo("page-2"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Orders.page(rest))));
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<String> startBackfill(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            connector
                .request("/api/backfill")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode status() {
    HttpResponse<String> r = connector.call("GET", "/api/backfill");
    assertEquals(200, r.statusCode(), r.body());
    return read(r.body());
  }

  @Test
  void historicalOrdersAreImportedOnceWithProgress() throws Exception {
    ObjectNode a = oldOrder("1001");
    ObjectNode b = oldOrder("1002");
    ObjectNode c = oldOrder("1003");
    listed(0, a, b, c);
    start();

    JsonNode idle = status();
    assertEquals("idle", idle.path("state").asText());
    assertTrue(idle.path("since").isNull());
    assertTrue(idle.path("etaSeconds").isNull());

    // the live poll does not touch them: they were modified before SYNC_ORDERS_SINCE
    connector.template().sendBody("direct:poll-orders", null);
    assertEquals(0, posts("salesorder/SalesOrders").size());

    assertEquals(400, startBackfill("{\"since\":\"last summer\"}").statusCode());
    assertEquals(400, startBackfill("{}").statusCode());
    HttpResponse<String> started = startBackfill("{\"since\":\"2025-08-01\"}");
    assertEquals(202, started.statusCode(), started.body());
    assertEquals("running", read(started.body()).path("state").asText());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status().path("state").asText().equals("done"));
    JsonNode done = status();
    assertEquals("2025-08-01", done.path("since").asText());
    assertEquals(3, done.path("done").asInt());
    assertEquals(3, done.path("total").asInt());
    assertTrue(done.path("exactCallsUsed").asInt() >= 3, done.toString());
    assertTrue(done.path("etaSeconds").isNull());
    assertEquals(3, posts("salesorder/SalesOrders").size());
    OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
    for (ObjectNode o : List.of(a, b, c)) {
      assertEquals(State.BOOKED, ledger.find(o.path("id").asText()).orElseThrow().state());
    }
    // the window started at the operator's date
    assertEquals(
        1,
        squarespace
            .findAll(
                getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))
                    .withQueryParam("modifiedAfter", equalTo("2025-08-01T00:00:00.000Z")))
            .size());

    // a second backfill over the same dates books nothing again
    assertEquals(202, startBackfill("{\"since\":\"2025-08-01\"}").statusCode());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status().path("state").asText().equals("done"));
    assertEquals(0, status().path("total").asInt());
    assertEquals(3, posts("salesorder/SalesOrders").size());
  }

  @Test
  void aSecondStartWhileOneRunsIsRefused() throws Exception {
    listed(1500, oldOrder("1004"), oldOrder("1005"));
    start();
    assertEquals(202, startBackfill("{\"since\":\"2025-08-01T00:00:00Z\"}").statusCode());
    HttpResponse<String> again = startBackfill("{\"since\":\"2025-01-01\"}");
    assertEquals(409, again.statusCode(), again.body());
    assertEquals("running", read(again.body()).path("state").asText());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status().path("state").asText().equals("done"));
    assertEquals(2, posts("salesorder/SalesOrders").size());
  }

  @Test
  void aBackfillThatCannotReadSquarespaceEndsAsFailedWithItsReason() throws Exception {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"bad key\"}")));
    start();
    assertEquals(202, startBackfill("{\"since\":\"2025-08-01\"}").statusCode());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status().path("state").asText().equals("failed"));
    assertTrue(status().path("error").asText().length() > 0, status().toString());
    assertEquals(0, posts("salesorder/SalesOrders").size());
  }
}
