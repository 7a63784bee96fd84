package org.sqexact.exact;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.ops.Alerts;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;
import org.sqexact.testing.WhileServing;

/**
 * The rate governor, fed by Exact's X-RateLimit-* headers over real HTTP, on the test clock: a wait
 * for a reset moves the clock, and WireMock notes the clock when each call arrives.
 */
class ExactRateGovernorTest {

  private static final WhileServing serving = new WhileServing();

  @RegisterExtension
  static WireMockExtension exact =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(serving))
          .build();

  /** The connector's time: waits for a reset move it, so no test here sleeps. */
  private final TestClock clock = new TestClock();

  private Map<String, String> settings;

  @BeforeEach
  void stubs() {
    settings = ConnectorHarness.settings("http://localhost:1", exact.baseUrl());
    ExactStubs.tokenChain(exact, 3);
    serving.reset();
  }

  /** The connector's time at which each call to {@code path} reached Exact. */
  private List<Instant> arrivals(String path) {
    List<Instant> at = new CopyOnWriteArrayList<>();
    serving.onEach(
        e -> {
          if (e.getRequest().getUrl().startsWith(ExactStubs.REST + path)) {
            at.add(clock.instant());
          }
        });
    return at;
  }

  private static ExactApi.Page read(ConnectorHarness h, String path, Priority priority) {
    return h.bean("exactApi", ExactApi.class).page(path, OData.select("ID"), priority);
  }

  private static List<LoggedRequest> requests(String path) {
    return exact.findAll(getRequestedFor(urlPathEqualTo(ExactStubs.REST + path)));
  }

  @Test
  void waitsForTheMinutesResetWhenTheHeadersSayItIsUsedUp() {
    Instant start = clock.instant();
    long reset = start.plusMillis(1500).toEpochMilli();
    List<Instant> arrivals = arrivals("crm/Accounts");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-RateLimit-Minutely-Limit", "60")
                    .withHeader("X-RateLimit-Minutely-Remaining", "0")
                    .withHeader("X-RateLimit-Minutely-Reset", Long.toString(reset))
                    .withHeader("X-RateLimit-Limit", "5000")
                    .withHeader("X-RateLimit-Remaining", "4000")
                    .withHeader("X-RateLimit-Reset", Long.toString(reset + 3_600_000))
                    .withBody(ExactStubs.page("", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      read(h, "crm/Accounts", Priority.ORDERS);
      read(h, "crm/Accounts", Priority.ORDERS);
      ExactRateGovernor.Budget budget =
          h.bean("exactRateGovernor", ExactRateGovernor.class).budget(123456);
      assertEquals(4000, budget.dailyRemaining());
      assertEquals(Instant.ofEpochMilli(reset), budget.minutelyReset());
    }
    assertEquals(2, requests("crm/Accounts").size());
    assertEquals(List.of(start, arrivals.get(1)), arrivals, "the first call is sent at once");
    assertFalse(
        arrivals.get(1).isBefore(Instant.ofEpochMilli(reset)),
        "the second call must wait for the minute's reset, was sent at " + arrivals.get(1));
    assertEquals(1, clock.waits().size(), "one wait: " + clock.waits());
  }

  @Test
  void a429WithOnlyTheMinutelyHeadersWaitsForTheResetThenSendsOnce() {
    long reset = clock.instant().plusMillis(1500).toEpochMilli();
    List<Instant> arrivals = arrivals("logistics/Items");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))
            .inScenario("429")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-RateLimit-Minutely-Limit", "60")
                    .withHeader("X-RateLimit-Minutely-Remaining", "0")
                    .withHeader("X-RateLimit-Minutely-Reset", Long.toString(reset))
                    .withBody(ExactStubs.error("Too many requests")))
            .willSetStateTo("after"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))
            .inScenario("429")
            .whenScenarioStateIs("after")
            .willReturn(ExactStubs.json(200, ExactStubs.page("{\"ID\":\"1\"}", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      assertEquals(1, read(h, "logistics/Items", Priority.ORDERS).rows().size());
    }
    assertEquals(
        2,
        requests("logistics/Items").size(),
        "one 429, then one call after the reset: no blind retry");
    assertTrue(arrivals.get(0).isBefore(Instant.ofEpochMilli(reset)));
    assertFalse(
        arrivals.get(1).isBefore(Instant.ofEpochMilli(reset)),
        "the call after the 429 must wait for the reset, was sent at " + arrivals.get(1));
  }

  @Test
  void stopsAnEndpointBeforeItsClientErrorBudgetIsBreachedAndAlerts() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .willReturn(ExactStubs.json(404, ExactStubs.error("Not found"))));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      for (int i = 0; i < 8; i++) {
        assertThrows(
            ExactFunctionalException.class, () -> read(h, "crm/Contacts", Priority.ORDERS));
      }
      ExactBudgetException stopped =
          assertThrows(ExactBudgetException.class, () -> read(h, "crm/Contacts", Priority.ORDERS));
      assertTrue(stopped.getMessage().contains("crm/Contacts"), stopped.getMessage());
      // other endpoints are not affected
      read(h, "crm/Accounts", Priority.ORDERS);
      Alerts alerts = h.bean("alerts", Alerts.class);
      assertTrue(
          alerts.recent().stream().anyMatch(a -> a.code().equals("exact-client-error-budget")));
    }
    assertEquals(8, requests("crm/Contacts").size(), "the 9th call is never sent");
  }

  @Test
  void keepsTheRestOfTheDailyBudgetForOrders() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(
                ExactStubs.withRateHeaders(
                    aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(ExactStubs.page("", null)),
                    50,
                    1500)));
    settings.put("exact.rate.order-share-percent", "40"); // 2,000 of 5,000 kept for orders
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      read(h, "crm/Accounts", Priority.ORDERS);
      assertThrows(ExactBudgetException.class, () -> read(h, "crm/Accounts", Priority.BACKGROUND));
      read(h, "crm/Accounts", Priority.ORDERS);
    }
    assertEquals(2, requests("crm/Accounts").size());
  }

  private static long alerts(ConnectorHarness h, String code) {
    return h.bean("alerts", Alerts.class).recent().stream()
        .filter(a -> a.code().equals(code))
        .count();
  }

  @Test
  void aStormOf429sIsOneAlertPerEpisode() {
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      ExactRateGovernor governor = h.bean("exactRateGovernor", ExactRateGovernor.class);
      int division = Integer.parseInt(ExactStubs.DIVISION);
      governor.record(division, "crm/Accounts", 429, name -> null);
      governor.record(division, "crm/Accounts", 429, name -> null);
      assertEquals(0, alerts(h, "exact-rate-limit-storm"), "two 429s are no storm yet");
      for (int i = 0; i < 5; i++) {
        governor.record(division, "crm/Accounts", 429, name -> null);
      }
      assertEquals(1, alerts(h, "exact-rate-limit-storm"), "one alert for the storm, not five");
      // calm for longer than the window, then a new storm: a new alert
      clock.advance(ExactRateGovernor.STORM_WINDOW.plusMinutes(1));
      governor.record(division, "crm/Accounts", 200, name -> null);
      for (int i = 0; i < 3; i++) {
        governor.record(division, "crm/Accounts", 429, name -> null);
      }
      assertEquals(2, alerts(h, "exact-rate-limit-storm"));
    }
  }

  @Test
  void aNearlySpentDailyBudgetIsOneAlertPerDay() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(
                ExactStubs.withRateHeaders(
                    aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(ExactStubs.page("", null)),
                    50,
                    450))); // of 5,000: under 10 % left
    settings.put("exact.rate.order-share-percent", "5");
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      for (int i = 0; i < 3; i++) {
        read(h, "crm/Accounts", Priority.ORDERS);
      }
      assertEquals(1, alerts(h, "exact-daily-budget-low"));
      String message =
          h.bean("alerts", Alerts.class).recent().stream()
              .filter(a -> a.code().equals("exact-daily-budget-low"))
              .findFirst()
              .orElseThrow()
              .message();
      assertTrue(message.contains("450 of 5000"), message);
    }
  }

  @Test
  void aFailingTokenEndpointIsOneAlertUntilARefreshSucceeds() {
    exact.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/oauth2/token"))
            .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      for (int i = 0; i < 3; i++) {
        assertThrows(RuntimeException.class, () -> read(h, "crm/Accounts", Priority.ORDERS));
      }
      assertEquals(1, alerts(h, "exact-token-refresh-failing"));
      assertEquals(0, requests("crm/Accounts").size());
    }
  }
}
