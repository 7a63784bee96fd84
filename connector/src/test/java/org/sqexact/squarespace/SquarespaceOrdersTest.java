package org.sqexact.squarespace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Watermarks;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/** Squarespace's order list over real HTTP: window then cursor, headers, the 429 pause. */
class SquarespaceOrdersTest extends OrderFlowTestSupport {

  @BeforeEach
  void setUp() {
    settings.put("sync.orders-since", "2026-11-01T00:00:00Z");
  }

  private static String order(String id, String number) {
    return "{\"id\":\""
        + id
        + "\",\"orderNumber\":\""
        + number
        + "\",\"modifiedOn\":\"2026-11-20T10:00:00.000Z\",\"paymentState\":\"PENDING\"}";
  }

  @Test
  void pagesByWindowFirstThenByCursorAloneWithKeyAndUserAgent() {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .withQueryParam("cursor", absent())
            .willReturn(
                okJson(
                    "{\"result\":["
                        + order("585d498fdee9f31a60284a37", "1001")
                        + ","
                        + order("585d498fdee9f31a60284a38", "1002")
                        + "],\"pagination\":{\"hasNextPage\":true,\"nextPageCursor\":\"c1\","
                        + "\"nextPageUrl\":\"/1.0/commerce/orders?cursor=c1\"}}")));
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .withQueryParam("cursor", equalTo("c1"))
            .willReturn(
                okJson(
                    "{\"result\":["
                        + order("585d498fdee9f31a60284a39", "1003")
                        + "],\"pagination\":{\"hasNextPage\":false,\"nextPageCursor\":null,"
                        + "\"nextPageUrl\":null}}")));
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      // the connector's time, not the wall clock's: a slow start must not move the expectation
      Instant before = clock.instant();
      h.template().sendBody("direct:poll-orders", null);
      // every order of both pages reached the eligibility filter (PENDING is not booked)
      ActivityLog log = h.bean("activityLog", ActivityLog.class);
      for (String n : List.of("1001", "1002", "1003")) {
        assertTrue(
            log.recent(n, 5).stream().anyMatch(l -> "ignored".equals(l.outcome())), "order " + n);
      }
      String watermark =
          h.bean("watermarks", Watermarks.class).get(SquarespaceOrderPages.FLOW).orElseThrow();
      assertTrue(Instant.parse(watermark).isAfter(before.minusSeconds(10)));
    }
    List<LoggedRequest> calls =
        squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders")));
    assertEquals(2, calls.size());
    LoggedRequest first = calls.get(0);
    assertEquals("2026-11-01T00:00:00.000Z", first.queryParameter("modifiedAfter").firstValue());
    assertTrue(first.queryParameter("modifiedBefore").isPresent());
    assertEquals("PAID,REFUNDED", first.queryParameter("paymentStates").firstValue());
    assertTrue(!first.queryParameter("cursor").isPresent());
    LoggedRequest second = calls.get(1);
    assertEquals("c1", second.queryParameter("cursor").firstValue());
    assertEquals(1, second.getQueryParams().size(), "the cursor cannot be combined with others");
    squarespace.verify(
        2,
        getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))
            .withHeader("Authorization", equalTo("Bearer test-squarespace-key"))
            .withHeader("User-Agent", matching("squarespace-exact-connector/.+")));
  }

  @Test
  void theNextPollStartsWhereTheLastWindowEnded() {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(okJson("{\"result\":[],\"pagination\":{\"hasNextPage\":false}}")));
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      h.template().sendBody("direct:poll-orders", null);
      String end =
          h.bean("watermarks", Watermarks.class).get(SquarespaceOrderPages.FLOW).orElseThrow();
      clock.advance(Duration.ofMinutes(10));
      h.template().sendBody("direct:poll-orders", null);
      LoggedRequest second =
          squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))).get(1);
      Instant after = Instant.parse(second.queryParameter("modifiedAfter").firstValue());
      // the window reaches back 5 minutes over the previous one, for late writes
      assertEquals(
          Instant.parse(end).minus(Duration.ofMinutes(5)).toEpochMilli(), after.toEpochMilli());
    }
  }

  @Test
  void a429PausesTheApiBeforeTheNextCall() {
    settings.put("squarespace.rate-limit-pause", "2");
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .inScenario("429")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\":\"TOO_MANY_REQUESTS\",\"subtype\":null,\"message\":\"Too many"
                            + " requests\",\"details\":null,\"contextId\":\"ABCDEF\"}"))
            .willSetStateTo("cool"));
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .inScenario("429")
            .whenScenarioStateIs("cool")
            .willReturn(okJson("{\"result\":[],\"pagination\":{\"hasNextPage\":false}}")));
    TestClock clock = new TestClock();
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      h.template().sendBody("direct:poll-orders", null);
    }
    assertEquals(
        2, squarespace.findAll(getRequestedFor(urlPathEqualTo("/1.0/commerce/orders"))).size());
    // the 2 s cool-down passed (on the connector's clock) before the second call, and only once
    assertEquals(List.of(Duration.ofSeconds(2)), clock.waits());
  }

  @Test
  void anAuthorisationErrorNamesTheSetting() {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders/585d498fdee9f31a60284a37"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\":\"AUTHORIZATION_ERROR\",\"subtype\":null,\"message\":\"Unauthorized\","
                            + "\"details\":null,\"contextId\":\"XYZ\"}")));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      SquarespaceException e =
          assertThrows(
              SquarespaceException.class,
              () ->
                  h.bean("squarespaceApi", SquarespaceApi.class).order("585d498fdee9f31a60284a37"));
      assertTrue(e.getMessage().contains("SQUARESPACE_API_KEY"), e.getMessage());
      assertTrue(e.getMessage().contains("contextId XYZ"), e.getMessage());
    }
    squarespace.verify(
        1, getRequestedFor(urlPathEqualTo("/1.0/commerce/orders/585d498fdee9f31a60284a37")));
  }

  @Test
  void readsMoneyFromStringsOrNumbersAndNullListsAsEmpty() throws Exception {
    SquarespaceOrder o =
        SquarespaceJson.mapper()
            .readValue(
                "{\"id\":\"a\",\"orderNumber\":\"7\",\"createdOn\":\"2020-04-22T22:18+00:00\","
                    + "\"modifiedOn\":\"2017-01-28T22:19:26.98Z\",\"grandTotal\":{\"value\":\"57.70\","
                    + "\"currency\":\"EUR\"},\"subtotal\":{\"value\":55.1,\"currency\":\"EUR\"},"
                    + "\"lineItems\":null,\"discountLines\":[],\"formSubmission\":null,"
                    + "\"billingAddress\":{\"address2\":null},\"somethingNew\":{\"x\":1}}",
                SquarespaceOrder.class);
    assertEquals(new BigDecimal("57.70"), o.grandTotal().value());
    assertEquals(new BigDecimal("55.1"), o.subtotal().value());
    assertTrue(
        o.lineItems().isEmpty() && o.discountLines().isEmpty() && o.formSubmission().isEmpty());
    assertEquals(Instant.parse("2020-04-22T22:18:00Z"), o.createdOn());
    assertEquals(Instant.parse("2017-01-28T22:19:26.980Z"), o.modifiedOn());
    assertNull(o.billingAddress().address2());
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(
      String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }
}
