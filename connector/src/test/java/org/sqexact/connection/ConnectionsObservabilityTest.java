package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;

/**
 * Metrics and health per connection, scraped as Prometheus and a load balancer do: shop-b from
 * connections/ has its own series at /observe/metrics (label connection="shop-b") next to the
 * default's, gone when its file goes; its dead refresh token is named by its id in the health
 * details while the process stays ready (the default shop is served).
 */
class ConnectionsObservabilityTest extends ConnectionTestSupport {

  @Test
  void aConnectionHasItsOwnSeriesAndItsDeadTokenIsNamedWithoutTakingTheProcessOut()
      throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    // shop-b's refresh token is dead: Exact answers as it does for an expired one
    exactB.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":\"invalid_request\",\"error_description\":\"The refresh token"
                            + " expired at 10/11/2026 9:18:20 PM and it is now 11/11/2026 9:00:00"
                            + " AM\"}")));
    // one Squarespace for both shops (shop-b's file points at the default's)
    squarespaceA.stubFor(
        any(urlPathMatching(".*")).atPriority(10).willReturn(aResponse().withStatus(404)));
    write(
        "shop-b",
        shopB(
            squarespaceA,
            exactB,
            // its start checks ask its Exact (the harness turns the default's off)
            "connector.startup-checks = true",
            "sync.auto-start = false"));
    Map<String, String> settings = scanningSettings();
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      String defaultId = settings.getOrDefault("connector.connection-id", "default");

      // its own series, the default's unchanged
      String metrics = h.call("GET", "/observe/metrics").body();
      for (String id : new String[] {defaultId, "shop-b"}) {
        assertTrue(
            metrics.contains("connector_orders{connection=\"" + id + "\",state=\"booked\"}"),
            id + ": " + metrics);
        assertTrue(metrics.contains("connector_orders_backlog{connection=\"" + id + "\"}"), id);
        assertTrue(
            metrics.contains(
                "connector_exact_budget_remaining{connection=\"" + id + "\",window=\"minute\"}"),
            id);
        assertTrue(
            metrics.contains(
                "connector_exact_token_seconds_left{connection=\"" + id + "\",token=\"refresh\"}"),
            id);
      }

      // its dead token: named by id in the health details; the process stays ready
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.call("GET", "/observe/health?exposureLevel=full")
                      .body()
                      .contains("cannot reach Exact Online: shop-b: "));
      String health = h.call("GET", "/observe/health?exposureLevel=full").body();
      assertTrue(health.contains("expired"), health);
      assertEquals(200, h.call("GET", "/observe/health/ready").statusCode(), health);
      // its calls (here one to its Squarespace, through its gateway) count under its label
      try {
        h.bean("connectionWiring", ConnectionWiring.class)
            .connection("shop-b")
            .squarespace()
            .api()
            .get("/1.0/commerce/orders/abc", null);
      } catch (RuntimeException e) {
        // the stub answers 404: still a call, counted with its status
      }
      String calls = h.call("GET", "/observe/metrics").body();
      assertTrue(
          calls
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("connector_api_calls_total{")
                          && l.contains("api=\"squarespace\"")
                          && l.contains("connection=\"shop-b\"")),
          calls);

      // its file goes: it stops and its series end
      remove("shop-b");
      await()
          .atMost(Duration.ofSeconds(20))
          // released after its routes are gone
          .until(
              () ->
                  h.bean("connectionWiring", ConnectionWiring.class).connection("shop-b") == null);
      metrics = h.call("GET", "/observe/metrics").body();
      assertFalse(metrics.contains("connection=\"shop-b\""), metrics);
      assertTrue(
          metrics.contains("connector_orders{connection=\"" + defaultId + "\",state=\"booked\"}"));
      assertFalse(
          h.call("GET", "/observe/health?exposureLevel=full").body().contains("shop-b"),
          "a stopped connection is no longer named");
    }
  }
}
