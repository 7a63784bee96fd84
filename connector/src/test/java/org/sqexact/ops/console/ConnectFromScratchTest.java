package org.sqexact.ops.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * A newcomer's first start: no Squarespace key, no Exact token, no division. The connector starts
 * anyway (dashboard and wizard up, flows waiting, readiness saying what is missing); the wizard's
 * three steps over HTTP connect it, and an order is booked without a restart. Another division
 * chosen later is used from the next call on, and the choice survives a restart.
 */
class ConnectFromScratchTest extends OrderFlowTestSupport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OTHER = "654321";

  private void freshInstall() {
    settings.remove("squarespace.api-key");
    settings.remove("exact.refresh-token");
    settings.remove("exact.division");
    // the console's own stubs: the wizard's checks
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/authorization/website"))
            .withHeader("Authorization", containing("Bearer sq-wizard-key"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"siteId\":\"s1\",\"title\":\"Koffie\"}")));
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("grant_type=authorization_code"))
            .withRequestBody(containing("code=CODE1"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"AT0\",\"token_type\":\"bearer\",\"expires_in\":\"600\","
                            + "\"refresh_token\":\"RT1\"}")));
    ExactStubs.me(exact, 123456);
    String divisions =
        "{\"Code\":123456,\"Description\":\"Koffie BV\",\"Country\":\"NL\",\"Currency\":\"EUR\"},"
            + "{\"Code\":"
            + OTHER
            + ",\"Description\":\"Koffie Belgie\",\"Country\":\"BE\",\"Currency\":\"EUR\"}";
    exact.stubFor(
        get(urlPathMatching("/api/v1/[0-9]+/system/Divisions"))
            .willReturn(ExactStubs.json(200, ExactStubs.page(divisions, null))));
  }

  @Test
  void aFreshInstallStartsWaitsAndIsConnectedInTheWizardWithoutARestart() throws Exception {
    freshInstall();
    start();

    // not connected: ready says so, the pre-flight names what is missing, nothing is polled
    HttpResponse<String> ready =
        send(connector.request("/observe/health/ready?exposureLevel=full").GET());
    assertEquals(503, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("not connected: missing"), ready.body());
    assertTrue(ready.body().contains("Squarespace API key"), ready.body());
    assertTrue(ready.body().contains("EXACT_DIVISION"), ready.body());
    JsonNode health = json(connector.call("GET", "/api/console/health"));
    assertFalse(health.path("connected").asBoolean(true), health.toString());
    assertEquals(3, health.path("missing").size(), health.toString());
    HttpResponse<String> page = send(connector.request("/console/connect").GET());
    assertEquals(200, page.statusCode(), "the wizard is up");

    ObjectNode order =
        Orders.order("1042").line("ESPRESSO", "Espresso bonen 1 kg", 2, "12.10").total("4.20");
    listOrders(order);
    connector.template().sendBody("direct:poll-orders", null);
    assertEquals(
        0,
        squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))).size(),
        "no poll while not connected");
    JsonNode preflight = json(connector.call("GET", "/api/preflight"));
    assertTrue(preflight.toString().contains("not connected: missing"), preflight.toString());
    assertEquals(0, exact.findAll(getRequestedFor(urlPathMatching("/api/v1/.*"))).size());

    // step 1: the Squarespace key
    HttpResponse<String> key =
        postJson("/api/console/connect/squarespace", "{\"apiKey\":\"sq-wizard-key\"}");
    assertEquals(200, key.statusCode(), key.body());

    // step 2: Exact's consent, then the callback with the code
    HttpResponse<String> consent = send(connector.request("/console/connect/exact").GET());
    assertEquals(302, consent.statusCode(), consent.body());
    String location = consent.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith(exact.baseUrl() + "/api/oauth2/auth?"), location);
    Matcher state = Pattern.compile("state=([^&]+)").matcher(location);
    assertTrue(state.find());
    HttpResponse<String> back =
        send(
            connector
                .request("/console/connect/exact/callback?code=CODE1&state=" + state.group(1))
                .GET());
    assertEquals(302, back.statusCode(), back.body());
    assertEquals(
        "/console/connect?exact=connected", back.headers().firstValue("Location").orElse(""));

    // step 3: the divisions (asked in the user's current division) and the choice
    JsonNode list = json(connector.call("GET", "/api/console/connect/divisions"));
    assertEquals(2, list.path("divisions").size(), list.toString());
    assertEquals(0, list.path("configured").asInt());
    HttpResponse<String> chosen =
        postJson("/api/console/connect/division", "{\"division\":123456}");
    assertEquals(200, chosen.statusCode(), chosen.body());
    assertEquals(0, json(chosen).path("missing").size(), chosen.body());

    // the flows start by themselves: the order is booked in the chosen division
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                connector
                    .bean("orderLedger", OrderLedger.class)
                    .find(order.path("id").asText())
                    .map(e -> e.state() == OrderLedger.State.BOOKED)
                    .orElse(false));
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(200, send(connector.request("/observe/health/ready").GET()).statusCode());

    // another division later: the next call goes there, without a restart
    HttpResponse<String> switched =
        postJson("/api/console/connect/division", "{\"division\":" + OTHER + "}");
    assertEquals(200, switched.statusCode(), switched.body());
    assertTrue(json(switched).path("changed").asBoolean(), switched.body());
    exact.resetRequests();
    HttpResponse<String> check = connector.call("GET", "/api/preflight");
    // the new division has none of the codes yet (not stubbed): the check says so
    assertEquals(409, check.statusCode(), check.body());
    assertFalse(
        exact.findAll(getRequestedFor(urlPathMatching("/api/v1/" + OTHER + "/.*"))).isEmpty(),
        "calls go to the new division");
    assertTrue(
        exact.findAll(getRequestedFor(urlPathMatching("/api/v1/123456/.*"))).isEmpty(),
        "and no longer to the old one");

    // the choices survive a restart: the key (encrypted), the tokens and the division
    connector.close();
    connector = ConnectorHarness.start(settings, clock);
    JsonNode after = json(connector.call("GET", "/api/console/health"));
    assertTrue(after.path("connected").asBoolean(), after.toString());
    assertEquals(Integer.parseInt(OTHER), after.path("division").path("number").asInt());
  }

  @Test
  void theEnvironmentsDivisionWinsOverTheWizard() throws Exception {
    freshInstall();
    settings.put("exact.division", ExactStubs.DIVISION);
    settings.put("exact.refresh-token", "RT1");
    settings.put("squarespace.api-key", "test-squarespace-key");
    start();
    HttpResponse<String> refused =
        postJson("/api/console/connect/division", "{\"division\":" + OTHER + "}");
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("EXACT_DIVISION"), refused.body());
    assertEquals(
        Integer.parseInt(ExactStubs.DIVISION),
        json(connector.call("GET", "/api/console/health")).path("division").path("number").asInt());
  }

  private void listOrders(ObjectNode... orders) {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Orders.page(orders))));
    for (ObjectNode o : orders) {
      squarespace.stubFor(
          get(urlPathEqualTo("/1.0/commerce/orders/" + o.path("id").asText()))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/json")
                      .withBody(o.toString())));
    }
  }

  private HttpResponse<String> postJson(String path, String body) {
    return send(
        connector
            .request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(r.body(), e);
    }
  }
}
