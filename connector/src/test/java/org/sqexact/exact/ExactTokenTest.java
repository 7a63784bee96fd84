package org.sqexact.exact;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.ops.Alerts;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;
import org.sqexact.testing.WhileServing;

/** The Exact Online token rules, through the routes, against WireMock and a real database. */
class ExactTokenTest {

  private static final WhileServing serving = new WhileServing();

  @RegisterExtension
  static WireMockExtension exact =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(serving))
          .build();

  private final TestClock clock = new TestClock();
  private Map<String, String> settings;

  @BeforeEach
  void stubs() {
    settings = ConnectorHarness.settings("http://localhost:1", exact.baseUrl());
    serving.reset();
    ExactStubs.tokenChain(exact, 5);
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
  }

  private static void readAccounts(ConnectorHarness h) {
    h.bean("exactApi", ExactApi.class)
        .page("crm/Accounts", OData.select("ID").top(1), Priority.ORDERS);
  }

  private static int tokenCalls(String refreshToken) {
    return exact
        .findAll(
            postRequestedFor(urlPathEqualTo("/api/oauth2/token"))
                .withRequestBody(containing("refresh_token=" + refreshToken + "&")))
        .size();
  }

  @Test
  void rotatedRefreshTokenSurvivesARestartAndIsStoredEncrypted() throws Exception {
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      exact.verify(
          getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
              .withHeader("Authorization", equalTo("Bearer AT1"))
              .withHeader("Accept", equalTo("application/json")));
      DataSource ds = h.bean("connectorDataSource", DataSource.class);
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT refresh_token_enc, access_token_enc FROM exact_token")) {
        assertTrue(rs.next());
        assertFalse(rs.getString(1).contains("RT2"), "refresh token must be encrypted at rest");
        assertFalse(rs.getString(2).contains("AT1"), "access token must be encrypted at rest");
      }
    }
    clock.advance(Duration.ofSeconds(600));
    // EXACT_REFRESH_TOKEN is still RT1, but the store is not empty: RT2 is used
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
    }
    assertEquals(1, tokenCalls("RT1"));
    assertEquals(1, tokenCalls("RT2"));
    exact.verify(
        getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .withHeader("Authorization", equalTo("Bearer AT2")));
  }

  @Test
  void noRefreshBefore570SecondsThenExactlyOne() {
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      clock.advance(Duration.ofSeconds(300));
      readAccounts(h);
      clock.advance(Duration.ofSeconds(269));
      readAccounts(h);
      assertEquals(1, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
      clock.advance(Duration.ofSeconds(2)); // 571 s after the first token
      readAccounts(h);
      readAccounts(h);
      assertEquals(2, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
    }
  }

  @Test
  void concurrentCallersShareOneRefreshInProcessAndAcrossProcesses() throws Exception {
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT1&"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withFixedDelay(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"AT1\",\"token_type\":\"bearer\",\"expires_in\":\"600\","
                            + "\"refresh_token\":\"RT2\"}")));
    Map<String, String> other = new java.util.HashMap<>(settings);
    other.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    // two connectors (as two processes would) on one database
    try (ConnectorHarness a = ConnectorHarness.start(settings, clock);
        ConnectorHarness b = ConnectorHarness.start(other, clock)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ConnectorHarness h = i % 2 == 0 ? a : b;
        Callable<Void> call =
            () -> {
              go.await();
              readAccounts(h);
              return null;
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      for (Future<?> f : results) {
        f.get();
      }
      pool.shutdown();
    }
    assertEquals(1, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
    assertEquals(
        8,
        exact
            .findAll(
                getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
                    .withHeader("Authorization", equalTo("Bearer AT1")))
            .size());
  }

  /** crm/Contacts answers 401 to {@code rejected} and a row to any other token. */
  private static void contactsRefuse(String rejected) {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("{\"ID\":\"x\"}", null))));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .withHeader("Authorization", equalTo("Bearer " + rejected))
            .willReturn(ExactStubs.json(401, ExactStubs.error("Unauthorized"))));
  }

  private static int calls(String path, String token) {
    return exact
        .findAll(
            getRequestedFor(urlPathEqualTo(ExactStubs.REST + path))
                .withHeader("Authorization", equalTo("Bearer " + token)))
        .size();
  }

  private static ExactApi.Page readContacts(ConnectorHarness h) {
    return h.bean("exactApi", ExactApi.class)
        .page("crm/Contacts", OData.select("ID"), Priority.ORDERS);
  }

  @Test
  void aTokenRejectedEarlyIsNeverUsedAgainAndReplacedAtOnceByOneRefresh() {
    contactsRefuse("AT1");
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h); // AT1 issued now
      clock.advance(Duration.ofSeconds(60)); // Exact revokes AT1 long before its 570 s
      assertEquals(1, readContacts(h).rows().size());
      readAccounts(h);
      readContacts(h);
      ExactRateGovernor governor = h.bean("exactRateGovernor", ExactRateGovernor.class);
      // the one 401 is the only client error counted (Exact blocks the key after ten an hour)
      assertEquals(1, governor.clientErrors(123456).getOrDefault("crm/Contacts", 0));
      assertEquals(0, governor.clientErrors(123456).getOrDefault("crm/Accounts", 0));
    }
    assertEquals(1, tokenCalls("RT1"));
    assertEquals(1, tokenCalls("RT2"), "one refresh at once after the early 401");
    assertEquals(1, calls("crm/Contacts", "AT1"), "no second call with the rejected token");
    assertEquals(1, calls("crm/Accounts", "AT1"));
    assertEquals(2, calls("crm/Contacts", "AT2"));
    assertEquals(1, calls("crm/Accounts", "AT2"), "the next call uses the new token");
  }

  @Test
  void concurrentCallersRejectedTogetherShareOneRefresh() throws Exception {
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      clock.advance(Duration.ofSeconds(30));
      contactsRefuse("AT1");
      ExecutorService pool = Executors.newFixedThreadPool(6);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ExactApi.Page>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return readContacts(h);
                }));
      }
      go.countDown();
      for (Future<ExactApi.Page> f : results) {
        assertEquals(1, f.get().rows().size());
      }
      pool.shutdown();
    }
    assertEquals(1, tokenCalls("RT2"), "one refresh for all callers");
    assertEquals(0, tokenCalls("RT3"));
    assertEquals(6, calls("crm/Contacts", "AT2"));
    assertTrue(calls("crm/Contacts", "AT1") <= 6);
  }

  @Test
  void tooEarlyForExactMeansNoCallsUntilTheTimeItAllowsThenOneRefresh() {
    contactsRefuse("AT1");
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT2&"))
            .inScenario("too-early")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Reason", "TooEarlyToRefreshTokens")
                    .withBody(
                        "{\"error\":\"access_denied\",\"error_description\":\"Rate limit"
                            + " exceeded: access_token not expired\"}"))
            .willSetStateTo("allowed"));
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT2&"))
            .inScenario("too-early")
            .whenScenarioStateIs("allowed")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"AT2\",\"token_type\":\"bearer\",\"expires_in\":\"600\","
                            + "\"refresh_token\":\"RT3\"}")));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h); // AT1 issued now: Exact allows the next token 570 s later
      java.time.Instant allowed = clock.instant().plusSeconds(570);
      clock.advance(Duration.ofSeconds(60));
      ExactRateLimitedException paused =
          assertThrows(ExactRateLimitedException.class, () -> readContacts(h));
      assertEquals(allowed, paused.getRetryAt());
      ExactTokenManager tokens = h.bean("exactTokenManager", ExactTokenManager.class);
      assertEquals(allowed, tokens.pausedUntil());
      // meanwhile: no call to Exact at all, neither with the dead token nor to the token endpoint
      clock.advance(Duration.ofSeconds(200));
      assertThrows(ExactRateLimitedException.class, () -> readAccounts(h));
      assertThrows(ExactRateLimitedException.class, () -> readContacts(h));
      assertEquals(1, calls("crm/Contacts", "AT1"));
      assertEquals(1, calls("crm/Accounts", "AT1"));
      assertEquals(1, tokenCalls("RT2"));
      // 570 s after AT1: the pause is over, one refresh, calls go on with the new token
      clock.set(allowed);
      assertEquals(1, readContacts(h).rows().size());
      readAccounts(h);
      ExactRateGovernor governor = h.bean("exactRateGovernor", ExactRateGovernor.class);
      assertEquals(1, governor.clientErrors(123456).getOrDefault("crm/Contacts", 0));
    }
    assertEquals(2, tokenCalls("RT2"));
    assertEquals(0, tokenCalls("RT3"));
    assertEquals(1, calls("crm/Contacts", "AT1"));
    assertEquals(1, calls("crm/Contacts", "AT2"));
    assertEquals(1, calls("crm/Accounts", "AT2"));
  }

  @Test
  void aShortTooEarlyPauseIsWaitedOutWithinTheCall() {
    settings.put("exact.rate.max-wait", "600");
    contactsRefuse("AT1");
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT2&"))
            .inScenario("too-early")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Reason", "TooEarlyToRefreshTokens")
                    .withBody("{\"error\":\"access_denied\"}"))
            .willSetStateTo("allowed"));
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT2&"))
            .inScenario("too-early")
            .whenScenarioStateIs("allowed")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"AT2\",\"expires_in\":\"600\",\"refresh_token\":\"RT3\"}")));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      clock.advance(Duration.ofSeconds(500));
      assertEquals(1, readContacts(h).rows().size());
      assertTrue(clock.waits().contains(Duration.ofSeconds(70)), clock.waits().toString());
    }
    assertEquals(2, tokenCalls("RT2"));
    assertEquals(1, calls("crm/Contacts", "AT1"));
    assertEquals(1, calls("crm/Contacts", "AT2"));
  }

  @Test
  void aTokenRejectedRightAfterAnEarlyRefreshIsAClearErrorWithoutASecondRefresh() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .willReturn(ExactStubs.json(401, ExactStubs.error("Unauthorized"))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      ExactUnauthorizedException e =
          assertThrows(ExactUnauthorizedException.class, () -> readContacts(h));
      assertTrue(e.getMessage().contains("not the cause"), e.getMessage());
      // no further call until Exact allows a new token: no more client errors
      assertThrows(ExactRateLimitedException.class, () -> readContacts(h));
    }
    assertEquals(2, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
    assertEquals(
        2, exact.findAll(getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))).size());
  }

  @Test
  void unauthorizedAfter570SecondsLeadsToOneRefreshAndOneRetry() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .inScenario("401")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(ExactStubs.json(401, ExactStubs.error("Unauthorized")))
            .willSetStateTo("refused"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .inScenario("401")
            .whenScenarioStateIs("refused")
            .willReturn(ExactStubs.json(200, ExactStubs.page("{\"ID\":\"x\"}", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h); // AT1 issued now
      clock.advance(Duration.ofSeconds(560));
      // while Exact answers the call (sent 560 s after AT1), 15 s pass: the 401 arrives 575 s
      // after AT1, when a refresh is allowed
      serving.onEach(
          e -> {
            if (e.getResponseDefinition().getStatus() == 401) {
              clock.advance(Duration.ofSeconds(15));
            }
          });
      ExactApi.Page page =
          h.bean("exactApi", ExactApi.class)
              .page("crm/Contacts", OData.select("ID"), Priority.ORDERS);
      assertEquals(1, page.rows().size());
    }
    assertEquals(1, tokenCalls("RT2"));
    exact.verify(
        getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .withHeader("Authorization", equalTo("Bearer AT1")));
    exact.verify(
        getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .withHeader("Authorization", equalTo("Bearer AT2")));
  }

  @Test
  void oldRefreshTokenUsedIsADistinctErrorThatAsksForReauthorisation() {
    exact.resetAll();
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":\"unauthorized_client\",\"error_description\":\"Old refresh token"
                            + " used.\"}")));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      ExactReauthorizationRequiredException e =
          assertThrows(ExactReauthorizationRequiredException.class, () -> readAccounts(h));
      assertEquals(
          ExactReauthorizationRequiredException.Reason.OLD_REFRESH_TOKEN_USED, e.getReason());
      assertTrue(e.getMessage().contains("Re-authorisation is needed"), e.getMessage());
      // the problem is remembered: no more token calls until someone re-authorises
      assertThrows(ExactReauthorizationRequiredException.class, () -> readAccounts(h));
      assertEquals(1, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
      Alerts alerts = h.bean("alerts", Alerts.class);
      assertTrue(
          alerts.recent().stream()
              .anyMatch(a -> a.code().equals("exact-reauthorization-required")));
      assertNotNull(h.bean("exactTokenManager", ExactTokenManager.class).problem());
    }
    // the operator re-authorised and set a new EXACT_REFRESH_TOKEN: it replaces the rejected one
    ExactStubs.token(exact, "NEW1", "NEW2", "ATNEW");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    settings.put("exact.refresh-token", "NEW1");
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
    }
    assertEquals(1, tokenCalls("NEW1"));
  }

  @Test
  void expiredRefreshTokenIsADistinctError() {
    exact.resetAll();
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":\"invalid_request\",\"error_description\":\"The refresh token"
                            + " expired at 10/11/2026 9:18:20 PM and it is now 11/11/2026 9:00:00"
                            + " AM\"}")));
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      ExactReauthorizationRequiredException e =
          assertThrows(ExactReauthorizationRequiredException.class, () -> readAccounts(h));
      assertEquals(
          ExactReauthorizationRequiredException.Reason.REFRESH_TOKEN_EXPIRED, e.getReason());
      assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }
  }

  @Test
  void warnsWhenTheRefreshTokenIdles25Days() {
    settings.put("exact.token.keep-alive-days", "29");
    try (ConnectorHarness h = ConnectorHarness.start(settings, clock)) {
      readAccounts(h);
      ExactTokenManager tokens = h.bean("exactTokenManager", ExactTokenManager.class);
      clock.advance(Duration.ofDays(24));
      tokens.checkRefreshTokenAge();
      Alerts alerts = h.bean("alerts", Alerts.class);
      assertFalse(
          alerts.recent().stream().anyMatch(a -> a.code().equals("exact-refresh-token-idle")));
      clock.advance(Duration.ofDays(1).plusMinutes(1));
      tokens.checkRefreshTokenAge();
      assertTrue(
          alerts.recent().stream().anyMatch(a -> a.code().equals("exact-refresh-token-idle")));
    }
  }
}
