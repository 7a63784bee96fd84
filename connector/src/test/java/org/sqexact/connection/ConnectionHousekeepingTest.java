package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.sqexact.ops.PersonalDataRequests;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;

/**
 * Housekeeping and data-subject requests per connection: the connector as production starts it (the
 * default connection) plus shop-b from a connections/ directory with its own Exact (a second
 * WireMock). Shop-b's start checks ask its own Exact; its own daily Quartz job (fired here as
 * Quartz fires it at 03:17, with the controlled clock 11 days on) keeps its own refresh token alive
 * and purges its activity lines older than its own retention while the default connection's stay; a
 * personal-data export and erasure find an order of shop-b.
 */
class ConnectionHousekeepingTest extends ConnectionTestSupport {

  @Test
  void aConnectionsOwnHousekeepingKeepsItsTokenAliveAndPurgesItsOldActivityLines()
      throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    shopBTokens();
    ExactStubs.me(exactB, 654321);
    // whatever else its pre-flight reads: nothing configured, nothing to find
    exactB.stubFor(
        any(urlPathMatching("/api/v1/654321/.*"))
            .atPriority(10)
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    squarespaceB.stubFor(
        any(urlPathMatching(".*")).atPriority(10).willReturn(aResponse().withStatus(404)));

    Map<String, String> settings = settingsA();
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      ConnectionRegistry registry = registry(h, settings);
      write(
          "shop-b",
          shopB(
              // its checks and housekeeping on (the harness turns the default's off), its own
              // retention
              "connector.startup-checks = true",
              "connector.activity-retention-days = 10",
              "sync.auto-start = false"));
      ConnectionDefinitions definitions = definitions(settings);
      assertEquals(List.of("started shop-b"), registry.reconcile(definitions.scan()));

      // its own routes: a one-shot start check and a daily Quartz job in its own group
      assertTrue(endpoint(h, "housekeeping-shop-b").startsWith("quartz://shop-b/housekeeping"));
      assertTrue(endpoint(h, "startup-checks-shop-b").startsWith("timer://startup-checks-shop-b"));
      assertEquals(
          ServiceStatus.Started,
          h.context().getRouteController().getRouteStatus("housekeeping-shop-b"));
      assertTrue(
          endpoint(h, "housekeeping").startsWith("quartz://connector/housekeeping"),
          "the default connection keeps its job");
      assertEquals(
          ServiceStatus.Stopped,
          h.context().getRouteController().getRouteStatus("housekeeping"),
          "the default's checks are off in the harness");

      // its start checks asked its own Exact, with its own token
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !exactB
                      .findAll(
                          getRequestedFor(urlPathEqualTo("/api/v1/current/Me"))
                              .withHeader("Authorization", equalTo("Bearer AT-B1")))
                      .isEmpty());
      assertTrue(exactA.findAll(getRequestedFor(urlPathEqualTo("/api/v1/current/Me"))).isEmpty());

      // lines of both connections, 11 and 3 days old when the job runs
      ActivityLog a = h.bean("activityLog", ActivityLog.class);
      ActivityLog b = wiring.connection("shop-b").state().activity();
      a.record("a-old", "1001", "received", "ok", "payment PAID");
      b.record("b-old", "2001", "received", "ok", "payment PAID");
      clock.advance(Duration.ofDays(8));
      a.record("a-new", "1002", "received", "ok", "payment PAID");
      b.record("b-new", "2002", "received", "ok", "payment PAID");
      clock.advance(Duration.ofDays(3));
      int defaultTokenCalls =
          exactA.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size();

      // 03:17: Quartz fires shop-b's job (its trigger, fired now rather than waiting for the night)
      h.context()
          .getComponent("quartz", QuartzComponent.class)
          .getScheduler()
          .triggerJob(JobKey.jobKey("housekeeping", "shop-b"));

      // its refresh token, 11 days idle (keep-alive after 7), was refreshed at its own Exact
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !exactB
                      .findAll(
                          postRequestedFor(urlPathEqualTo("/api/oauth2/token"))
                              .withRequestBody(containing("refresh_token=RT-B2&")))
                      .isEmpty());
      // its 11-day-old line is gone (10 days kept), its 3-day-old line stays
      await().atMost(Duration.ofSeconds(30)).until(() -> b.recent("2001", 10).isEmpty());
      assertFalse(b.recent("2002", 10).isEmpty());
      // the default connection's lines are its own housekeeping's business (30 days)
      assertFalse(a.recent("1001", 10).isEmpty());
      assertFalse(a.recent("1002", 10).isEmpty());
      assertEquals(
          defaultTokenCalls,
          exactA.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size(),
          "the default's token is not touched by shop-b's job");

      // shop-b's file is removed: its rows stay, its housekeeping is gone; the process's job for
      // stopped connections purges its lines after the default's 30 days, never the default's own
      remove("shop-b");
      assertEquals(List.of("removed shop-b"), registry.reconcile(definitions.scan()));
      assertTrue(h.context().getRoute("housekeeping-shop-b") == null);
      clock.advance(Duration.ofDays(28));
      h.context().getRouteController().startRoute("housekeeping-stopped-connections");
      assertTrue(
          endpoint(h, "housekeeping-stopped-connections")
              .startsWith("quartz://connector/housekeeping-stopped-connections"));
      h.context()
          .getComponent("quartz", QuartzComponent.class)
          .getScheduler()
          .triggerJob(JobKey.jobKey("housekeeping-stopped-connections", "connector"));
      await().atMost(Duration.ofSeconds(30)).until(() -> b.recent("2002", 10).isEmpty());
      assertFalse(a.recent("1001", 10).isEmpty(), "39 days old, but the default's own business");
      assertFalse(a.recent("1002", 10).isEmpty());
    }
  }

  @Test
  void aDataSubjectRequestFindsAnOrderOfAnyConnectionEvenAfterItsFileIsRemoved() throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    Map<String, String> settings = settingsA();
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      ConnectionRegistry registry = registry(h, settings);
      write("shop-b", shopB("sync.auto-start = false"));
      ConnectionDefinitions definitions = definitions(settings);
      assertEquals(List.of("started shop-b"), registry.reconcile(definitions.scan()));
      // both shops have an order #1001 (numbers are per shop); only shop-b has #2001
      OrderLedger a = h.bean("orderLedger", OrderLedger.class);
      ConnectionWiring.Built b = wiring.connection("shop-b");
      a.begin("a-1001", "1001", clock.instant());
      a.markFailed("a-1001", "SKU X unknown", true, 3);
      b.state().ledger().begin("b-1001", "1001", clock.instant());
      b.state().ledger().begin("b-2001", "2001", clock.instant());
      b.state().ledger().markFailed("b-2001", "VAT code 9 unknown", true, 3);
      b.state().activity().record("b-2001", "2001", "received", "ok", "payment PAID");
      a.begin("a-9", "9", clock.instant());
      a.markFailed("a-9", "kept", true, 3);

      // without ?connection: the default's order, else the one connection that knows it
      JsonNode own = JSON.readTree(h.call("GET", "/api/orders/1001/personal-data").body());
      assertEquals("default", own.path("connection").asText());
      assertEquals("a-1001", own.path("order").path("orderId").asText(), own.toString());
      HttpResponse<String> found = h.call("GET", "/api/orders/2001/personal-data");
      assertEquals(200, found.statusCode(), found.body());
      JsonNode b2001 = JSON.readTree(found.body());
      assertEquals("shop-b", b2001.path("connection").asText());
      assertEquals("b-2001", b2001.path("order").path("orderId").asText(), b2001.toString());
      assertEquals(1, b2001.path("activity").size());
      // with it: that connection's, or 404 for a connection the database never served
      JsonNode b1001 =
          JSON.readTree(h.call("GET", "/api/orders/1001/personal-data?connection=shop-b").body());
      assertEquals("b-1001", b1001.path("order").path("orderId").asText(), b1001.toString());
      assertEquals(
          404, h.call("GET", "/api/orders/2001/personal-data?connection=default").statusCode());
      assertEquals(
          404, h.call("GET", "/api/orders/2001/personal-data?connection=shop-x").statusCode());
      assertEquals(400, h.call("GET", "/api/orders/2001/personal-data?shop=shop-b").statusCode());

      // shop-b's file is removed: its rows stay, and so do its data subjects' rights
      remove("shop-b");
      assertEquals(List.of("removed shop-b"), registry.reconcile(definitions.scan()));
      HttpResponse<String> erased = h.call("DELETE", "/api/orders/2001/personal-data");
      assertEquals(200, erased.statusCode(), erased.body());
      JsonNode e = JSON.readTree(erased.body());
      assertEquals("shop-b", e.path("connection").asText());
      assertEquals(1, e.path("activityLinesDeleted").asInt());
      OrderLedger bLedger =
          new OrderLedger(h.bean("connectorDatabase", Database.class), "shop-b", clock);
      assertEquals(PersonalDataRequests.ERASED, bLedger.find("b-2001").orElseThrow().lastError());
      assertEquals("kept", a.find("a-9").orElseThrow().lastError(), "the default's untouched");
      assertEquals(
          "SKU X unknown", a.find("a-1001").orElseThrow().lastError(), "the default's untouched");
    }
  }

  @Test
  void theDefaultConnectionKeepsItsRouteIdsJobAndChecksFromTheTemplates() throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    ExactStubs.me(exactA, 123456);
    exactA.stubFor(
        any(urlPathMatching("/api/v1/123456/.*"))
            .atPriority(10)
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    Map<String, String> settings = settingsA();
    settings.put("connector.startup-checks", "true");
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      assertTrue(endpoint(h, "startup-checks").startsWith("timer://startup-checks"));
      assertEquals(
          ServiceStatus.Started, h.context().getRouteController().getRouteStatus("housekeeping"));
      // its start checks ran against its Exact
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !exactA.findAll(getRequestedFor(urlPathEqualTo("/api/v1/current/Me"))).isEmpty());
      ActivityLog a = h.bean("activityLog", ActivityLog.class);
      a.record("a-old", "1001", "received", "ok", "payment PAID");
      clock.advance(Duration.ofDays(20));
      a.record("a-new", "1002", "received", "ok", "payment PAID");
      clock.advance(Duration.ofDays(11));
      h.context()
          .getComponent("quartz", QuartzComponent.class)
          .getScheduler()
          .triggerJob(JobKey.jobKey("housekeeping", "connector"));
      await().atMost(Duration.ofSeconds(30)).until(() -> a.recent("1001", 10).isEmpty());
      assertFalse(a.recent("1002", 10).isEmpty());
    }
  }
}
