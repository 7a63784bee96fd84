package org.sqexact.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/**
 * The operator port as an outsider meets it: nothing but the health status answers without the API
 * token (checked on every route the connector registers, so a new endpoint cannot be added open),
 * no cross-site POSTs, request headers never reach the routes nor come back, bad parameters get 400
 * with a reason.
 */
class OperatorSecurityTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder anonymous(String path) {
    return HttpRequest.newBuilder(URI.create(connector.baseUrl() + path));
  }

  @Test
  void everyRouteTheConnectorRegistersAnswers401WithoutTheToken() throws Exception {
    start();
    PlatformHttpComponent platform =
        connector.context().getComponent("platform-http", PlatformHttpComponent.class);
    Set<String> calls = new TreeSet<>();
    for (Set<HttpEndpointModel> models :
        java.util.List.of(platform.getHttpEndpoints(), platform.getHttpManagementEndpoints())) {
      for (HttpEndpointModel m : models) {
        String verbs = m.getVerbs() == null ? "GET" : m.getVerbs();
        for (String verb : verbs.split(",")) {
          calls.add(verb.trim() + " " + m.getUri());
        }
      }
    }
    assertTrue(calls.contains("POST /api/orders/{order}/retry"), calls.toString());
    assertTrue(calls.contains("POST /api/orders/{order}/unskip"), calls.toString());
    assertTrue(calls.contains("GET /observe/metrics"), calls.toString());
    calls.add("GET /no/such/path");
    int checked = 0;
    for (String call : calls) {
      String method = call.substring(0, call.indexOf(' '));
      String path =
          call.substring(call.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1053").replace("*", "x");
      HttpRequest.Builder noToken =
          anonymous(path)
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString("{}"));
      HttpRequest.Builder wrongToken =
          anonymous(path)
              .header("Authorization", "Bearer " + ConnectorHarness.API_TOKEN + "x")
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString("{}"));
      if (path.startsWith("/observe/health")) {
        HttpResponse<String> r = send(noToken);
        assertEquals(200, r.statusCode(), call);
        assertEquals("{\"status\":\"UP\"}", r.body(), "health tells nothing but the status");
        continue;
      }
      boolean signed = OperatorAccess.SIGNED_PATHS.contains(path);
      for (HttpRequest.Builder b : java.util.List.of(noToken, wrongToken)) {
        HttpResponse<String> r = send(b);
        assertEquals(401, r.statusCode(), call + ": " + r.body());
        if (!signed) { // webhooks: no login, their signature is missing here
          assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
        checked++;
      }
    }
    assertTrue(checked >= 24, "checked " + checked + " calls: " + calls);

    HttpResponse<String> info = connector.call("GET", "/observe/info");
    assertEquals(200, info.statusCode());
    JsonNode infoJson = MAPPER.readTree(info.body());
    assertEquals(1, infoJson.size(), "info tells only the version: " + info.body());
    assertTrue(infoJson.has("version"));
    assertEquals(200, connector.call("GET", "/observe/metrics").statusCode());
  }

  @Test
  void crossSitePostsAreRefusedAndASkipCanBeUndone() throws Exception {
    ObjectNode order =
        Orders.order("1053").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    poll(order);
    assertEquals(OrderLedger.State.PARKED, ledger(order).state());

    // a web page the operator visits: another origin, a "simple" content type
    HttpResponse<String> evil =
        send(
            connector
                .request("/api/orders/1053/skip")
                .header("Origin", "http://evil.example")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(403, evil.statusCode(), evil.body());
    HttpResponse<String> plain =
        send(
            connector
                .request("/api/orders/1053/skip")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(415, plain.statusCode(), plain.body());
    HttpResponse<String> anonymousEvil =
        send(
            anonymous("/api/orders/1053/skip")
                .header("Origin", "http://evil.example")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(401, anonymousEvil.statusCode());
    assertEquals(OrderLedger.State.PARKED, ledger(order).state(), "nothing was skipped");

    HttpResponse<String> skipped = connector.call("POST", "/api/orders/1053/skip");
    assertEquals(200, skipped.statusCode(), skipped.body());
    assertEquals("skipped", MAPPER.readTree(skipped.body()).path("state").asText());
    assertTrue(
        connector.bean("alerts", Alerts.class).recent().stream()
            .anyMatch(
                a ->
                    a.code().equals("order-skipped")
                        && a.message().contains("#1053")
                        && a.message().contains("the API token from 127.0.0.1")),
        "the skip raised an alert naming who skipped");
    assertEquals(409, connector.call("POST", "/api/orders/1053/skip").statusCode());

    HttpResponse<String> unskipped = connector.call("POST", "/api/orders/1053/unskip");
    assertEquals(200, unskipped.statusCode(), unskipped.body());
    assertEquals("parked", MAPPER.readTree(unskipped.body()).path("state").asText());
    assertEquals(409, connector.call("POST", "/api/orders/1053/unskip").statusCode());

    itemsInclude("POSTER-A2");
    HttpResponse<String> retried = connector.call("POST", "/api/orders/1053/retry");
    assertEquals(200, retried.statusCode(), retried.body());
    assertEquals("booked", MAPPER.readTree(retried.body()).path("state").asText());
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(409, connector.call("POST", "/api/orders/1053/unskip").statusCode());
  }

  @Test
  void requestHeadersNeverReachTheRoutesAndBadParametersGet400() throws Exception {
    ObjectNode parked =
        Orders.order("1053").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    ObjectNode booked = Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(parked, booked);

    HttpResponse<String> one =
        send(
            connector
                .request("/api/orders/1053")
                .header("order", "1042")
                .header("X-Probe", "echo-me")
                .GET());
    assertEquals(200, one.statusCode(), one.body());
    assertEquals(
        "1053", MAPPER.readTree(one.body()).path("order").path("orderNumber").asText(), one.body());
    for (String name : one.headers().map().keySet()) {
      assertFalse(
          name.equalsIgnoreCase("order") || name.equalsIgnoreCase("x-probe"),
          "request header echoed: " + name);
    }
    assertFalse(one.headers().map().toString().contains("echo-me"));

    HttpResponse<String> both = connector.call("GET", "/api/orders?state=parked&state=booked");
    assertEquals(200, both.statusCode(), both.body());
    assertEquals(2, MAPPER.readTree(both.body()).path("orders").size());

    HttpResponse<String> headerLimit =
        send(connector.request("/api/orders").header("limit", "abc").GET());
    assertEquals(200, headerLimit.statusCode(), "a header is not a parameter");

    for (String bad :
        new String[] {
          "/api/orders?limit=abc",
          "/api/orders?limit=0",
          "/api/orders?limit=5000",
          "/api/orders?limit=1&limit=2",
          "/api/orders?state=nonsense",
          "/api/orders?color=red",
          "/api/orders/10%2053",
          "/api/orders/%27or%201=1/dry-run"
        }) {
      HttpResponse<String> r = connector.call("GET", bad);
      assertEquals(400, r.statusCode(), bad + ": " + r.body());
      assertFalse(MAPPER.readTree(r.body()).path("error").asText().isBlank(), bad);
    }
  }
}
