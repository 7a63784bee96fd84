package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.Orders;

/** The operator API over real HTTP: see parked orders with reasons, fix, retry, skip, poll. */
class OperatorApiTest extends OrderFlowTestSupport {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpResponse<String> call(String method, String path) {
    return connector.call(method, path);
  }

  private JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void aParkedOrderIsShownWithItsReasonAndRetriedOnceTheCauseIsFixed() throws Exception {
    ObjectNode order =
        Orders.order("1053").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    ObjectNode other =
        Orders.order("1054").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    poll(order, other);

    HttpResponse<String> parked = call("GET", "/api/orders?state=parked");
    assertEquals(200, parked.statusCode());
    JsonNode list = json(parked);
    assertEquals(2, list.path("counts").path("parked").asInt());
    JsonNode first = list.path("orders").get(0);
    assertEquals("parked", first.path("state").asText());
    assertTrue(
        first.path("reason").asText().contains("SKU 'POSTER-A2' does not exist as an item"),
        first.toString());

    // the merchant creates the item in Exact, then retries
    itemsInclude("POSTER-A2");
    HttpResponse<String> retried = call("POST", "/api/orders/1053/retry");
    assertEquals(200, retried.statusCode(), retried.body());
    assertEquals("booked", json(retried).path("state").asText());
    assertEquals("1234", json(retried).path("exactDocumentNumber").asText());
    assertEquals(1, posts("salesorder/SalesOrders").size());

    HttpResponse<String> again = call("POST", "/api/orders/1053/retry");
    assertEquals(409, again.statusCode());
    assertTrue(json(again).path("error").asText().contains("booked"));

    HttpResponse<String> story = call("GET", "/api/orders/1053");
    assertEquals(200, story.statusCode());
    JsonNode activity = json(story).path("activity");
    assertTrue(activity.toString().contains("retry asked by the operator"));
    assertTrue(activity.toString().contains("booked in Exact Online as sales order 1234"));
    assertTrue(activity.toString().contains("salesorder/SalesOrders"), "API calls are listed");

    HttpResponse<String> skipped = call("POST", "/api/orders/1054/skip");
    assertEquals(200, skipped.statusCode());
    assertEquals("skipped", json(skipped).path("state").asText());
    assertEquals(1, posts("salesorder/SalesOrders").size());

    // error answers are JSON with their status, written by the REST DSL's binding like the rest
    HttpResponse<String> unknown = call("GET", "/api/orders/9999");
    assertEquals(404, unknown.statusCode());
    assertEquals("{\"error\":\"order 9999 is not known to the connector\"}", unknown.body());
    assertTrue(
        unknown.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    HttpResponse<String> bad = call("GET", "/api/orders?state=nonsense");
    assertEquals(400, bad.statusCode());
    assertEquals(
        "{\"error\":\"unknown state 'nonsense'; use booked, skipped, parked, pending, failed or"
            + " in_progress\"}",
        bad.body());
    // the poll is queued (seda) and answered at once; Camel's NotifyBuilder sees it run
    NotifyBuilder polled =
        new NotifyBuilder(connector.context()).fromRoute("orders-poll-queue").whenDone(1).create();
    HttpResponse<String> queued = call("POST", "/api/poll");
    assertEquals(202, queued.statusCode());
    assertEquals("{\"status\":\"poll queued\"}", queued.body());
    assertTrue(polled.matches(30, TimeUnit.SECONDS), "the queued poll ran");
    assertEquals(
        2, squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))).size());

    JsonNode status = json(call("GET", "/api/status"));
    assertEquals("ok", status.path("exactToken").asText());
    assertEquals(1, status.path("orders").path("booked").asInt());
    assertEquals(1, status.path("orders").path("skipped").asInt());
    assertTrue(status.path("recentAlerts").toString().contains("order-parked"));

    HttpResponse<String> health = call("GET", "/observe/health");
    assertEquals(200, health.statusCode());
    assertEquals("UP", json(health).path("status").asText());
  }
}
