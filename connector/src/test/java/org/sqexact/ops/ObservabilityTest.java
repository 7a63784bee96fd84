package org.sqexact.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.camel.spi.BacklogTracer;
import org.junit.jupiter.api.Test;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;

/** Health split into live and ready, Jolokia behind the API token, activity purged by age. */
class ObservabilityTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<String> anonymous(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(connector.baseUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void liveSaysTheProcessRunsAndReadySaysWhetherExactCanBeUsed() throws Exception {
    start();
    HttpResponse<String> live = anonymous("/observe/health/live");
    assertEquals(200, live.statusCode(), live.body());
    assertEquals("{\"status\":\"UP\"}", live.body());
    assertEquals(200, anonymous("/observe/health/ready").statusCode());

    // the authorised user cannot use the configured division
    ExactStubs.me(exact, 999);
    stubGet("system/Divisions", "");
    assertEquals(
        ExactDivisionCheck.Status.FAILED,
        connector.bean("exactDivisionCheck", ExactDivisionCheck.class).check());

    HttpResponse<String> ready = anonymous("/observe/health/ready");
    assertEquals(503, ready.statusCode());
    assertEquals("{\"status\":\"DOWN\"}", ready.body(), "no detail without a login");
    assertEquals(503, anonymous("/observe/health").statusCode());
    assertEquals(200, anonymous("/observe/health/live").statusCode(), "the process still runs");
  }

  @Test
  void jolokiaAnswersOnlyWithTheApiTokenAndOnlyWhatThePolicyAllows() throws Exception {
    start();
    String jolokia = connector.baseUrl() + "/observe/jolokia";
    assertEquals(401, anonymous("/observe/jolokia/version").statusCode());
    HttpResponse<String> version = send(connector.request("/observe/jolokia/version").GET());
    assertEquals(200, version.statusCode(), version.body());
    assertEquals(200, MAPPER.readTree(version.body()).path("status").asInt(), version.body());

    // Hawtio's connection dialog: any user name, the API token as password
    HttpResponse<String> withBasic =
        send(
            HttpRequest.newBuilder(URI.create(jolokia + "/search/org.apache.camel:type=routes,*"))
                .header("Authorization", basic("hawtio", ConnectorHarness.API_TOKEN)));
    assertEquals(200, withBasic.statusCode(), withBasic.body());
    assertTrue(withBasic.body().contains("orders-fetch"), withBasic.body());
    assertEquals(
        401,
        send(HttpRequest.newBuilder(URI.create(jolokia + "/version"))
                .header("Authorization", basic("hawtio", "wrong")))
            .statusCode());
    // basic credentials open Jolokia only, not the operator API
    assertEquals(
        401,
        send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/api/status"))
                .header("Authorization", basic("hawtio", ConnectorHarness.API_TOKEN)))
            .statusCode());

    // the backlog tracer can be switched on at run time (as Hawtio does) …
    String tracer =
        "org.apache.camel:context=squarespace-exact-connector,type=tracer,name=BacklogTracer";
    JsonNode write =
        post(
            jolokia,
            "{\"type\":\"write\",\"mbean\":\""
                + tracer
                + "\",\"attribute\":\"Enabled\",\"value\":true}");
    assertEquals(200, write.path("status").asInt(), write.toString());
    assertTrue(
        connector
            .context()
            .getCamelContextExtension()
            .getContextPlugin(BacklogTracer.class)
            .isEnabled());
    // … but a heap dump (customers' data) or a JVM operation is refused by the policy
    JsonNode gc =
        post(
            jolokia,
            "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}");
    assertEquals(403, gc.path("status").asInt(), gc.toString());
    JsonNode dump =
        post(
            jolokia,
            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/x.hprof\",true]}");
    assertEquals(403, dump.path("status").asInt(), dump.toString());
  }

  private JsonNode post(String jolokia, String body) throws Exception {
    HttpResponse<String> r =
        send(
            connector
                .request("/observe/jolokia")
                .header("Content-Type", "text/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    // Jolokia answers 200 with the request's own status in the JSON
    assertTrue(r.statusCode() == 200 || r.statusCode() == 403, r.statusCode() + " " + r.body());
    return MAPPER.readTree(r.body());
  }

  @Test
  void activityOlderThanTheRetentionIsPurgedAndNewerLinesStay() {
    settings.put("connector.activity-retention-days", "30");
    start();
    ActivityLog activity = connector.bean("activityLog", ActivityLog.class);
    activity.record("old-order", "1001", "received", "ok", "payment PAID");
    clock.advance(Duration.ofDays(20));
    activity.record("new-order", "1002", "received", "ok", "payment PAID");
    clock.advance(Duration.ofDays(11));
    // what the daily housekeeping route calls
    assertEquals(1, activity.purgeExpired());
    assertTrue(activity.recent("1001", 10).isEmpty());
    assertFalse(activity.recent("1002", 10).isEmpty());
  }

  @Test
  void aRouteTraceSwitchedOnAtRunTimeHoldsNoPersonalDataNorCredentials() {
    settings.put("camel.trace.backlog-size", "1000");
    start();
    // a first order loads Exact's reference data, untraced
    poll(
        org.sqexact.testing.Orders.order("1041")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10"));
    BacklogTracer tracer =
        connector.context().getCamelContextExtension().getContextPlugin(BacklogTracer.class);
    assertFalse(tracer.isEnabled(), "standby until switched on");
    tracer.setEnabled(true);
    poll(
        org.sqexact.testing.Orders.order("1042")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10"));
    String xml = tracer.dumpAllTracedMessagesAsXml();
    assertTrue(xml.contains("<routeId>order-sync</routeId>"), "the order's steps are traced");
    assertTrue(xml.contains("<routeId>exact-call</routeId>"), "the calls to Exact are traced");
    for (String value :
        java.util.List.of(
            "Jansen", "Keizersgracht", "Amsterdam", "jan.jansen@example.nl", "Bearer", "AT1")) {
      assertFalse(xml.contains(value), "the trace holds " + value);
    }
  }
}
