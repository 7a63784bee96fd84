package org.sqexact.squarespace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.store.Database;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;
import org.sqexact.webhook.WebhookSignatures;

/**
 * Squarespace OAuth and webhook subscriptions over HTTP against WireMock stand-ins of Squarespace's
 * login host and API: the consent redirect, the code exchange with HTTP Basic, tokens stored
 * encrypted, the subscription created with the OAuth token right after the consent (its secret then
 * verifies notifications), the refresh before expiry with the rotated refresh token, test and
 * delete, and a reconcile that does not duplicate.
 */
class SquarespaceOAuthTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLIENT_ID = "sq-client-1";
  private static final String CLIENT_SECRET = "sq-client-secret-1";
  private static final String PUBLIC = "https://connector.example.nl";
  private static final String ENDPOINT = PUBLIC + "/webhooks/squarespace";
  private static final String SUB_ID = "7c0d2f8e-1b4a-4b7e-9a51-3f2e0c6d8a11";
  private static final String SUB_SECRET =
      "F3F9B981C78E7A6187E42853F6CE2804177E98206164779423B02DEC981ACD6B";
  private static final String TOKENS = "/api/1/login/oauth/provider/tokens";
  private static final String SUBS = "/1.0/webhook_subscriptions";

  @RegisterExtension
  static WireMockExtension squarespace =
      WireMockExtension.newInstance()
          .options(
              com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig()
                  .dynamicPort())
          .build();

  @RegisterExtension
  static WireMockExtension exact =
      WireMockExtension.newInstance()
          .options(
              com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig()
                  .dynamicPort())
          .build();

  private final TestClock clock = new TestClock();
  private final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
  private Map<String, String> settings;
  private ConnectorHarness connector;

  @BeforeEach
  void setUp() {
    ExactStubs.tokenChain(exact, 6);
    settings = ConnectorHarness.settings(squarespace.baseUrl(), exact.baseUrl());
    settings.put("squarespace.oauth.client-id", CLIENT_ID);
    settings.put("squarespace.oauth.client-secret", CLIENT_SECRET);
    settings.put("squarespace.oauth.login-url", squarespace.baseUrl());
    settings.put("connector.public-url", PUBLIC);
  }

  @AfterEach
  void stop() {
    if (connector != null) {
      connector.close();
    }
  }

  private static String epoch(Instant i) {
    return (i.toEpochMilli() / 1000) + "." + String.format("%03d", i.toEpochMilli() % 1000);
  }

  private String tokenAnswer(String access, String refresh) {
    Instant now = clock.instant();
    return "{\"token_type\":\"bearer\",\"access_token\":\""
        + access
        + "\",\"access_token_expires_at\":\""
        + epoch(now.plus(Duration.ofMinutes(30)))
        + "\",\"refresh_token\":\""
        + refresh
        + "\",\"refresh_token_expires_at\":\""
        + epoch(now.plus(Duration.ofDays(7)))
        + "\",\"session_expires_at\":null}";
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = connector.request(path);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> query(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Runs the consent: start, Squarespace's redirect back with a code; returns the callback. */
  private HttpResponse<String> consent() throws Exception {
    HttpResponse<String> start = send("GET", "/console/connect/squarespace", null);
    assertEquals(302, start.statusCode(), start.body());
    String location = start.headers().firstValue("Location").orElseThrow();
    assertTrue(
        location.startsWith(squarespace.baseUrl() + "/api/1/login/oauth/provider/authorize?"),
        location);
    Map<String, String> q = query(location);
    assertEquals(CLIENT_ID, q.get("client_id"));
    assertEquals(PUBLIC + "/console/connect/squarespace/callback", q.get("redirect_uri"));
    assertEquals("website.orders.read", q.get("scope"));
    assertEquals("offline", q.get("access_type"), "without it there is no refresh token");
    assertTrue(q.get("state").length() >= 20, "a random state");
    return send(
        "GET",
        "/console/connect/squarespace/callback?code=auth-code-1&state=" + q.get("state"),
        null);
  }

  private void stubCodeExchange() {
    squarespace.stubFor(
        post(urlPathEqualTo(TOKENS))
            .withRequestBody(matchingJsonPath("$.grant_type", equalTo("authorization_code")))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(tokenAnswer("access-1", "refresh-1"))));
  }

  private void stubList(String body) {
    squarespace.stubFor(
        get(urlPathEqualTo(SUBS))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private static String listed(String id) {
    return "{\"webhookSubscriptions\":[{\"id\":\""
        + id
        + "\",\"endpointUrl\":\""
        + ENDPOINT
        + "\",\"topics\":[\"order.create\",\"order.update\"],\"clientId\":\""
        + CLIENT_ID
        + "\",\"websiteId\":\"5f3c3d55ac435e1a051f77b3\",\"createdOn\":\"2026-12-03T09:00:00Z\","
        + "\"updatedOn\":\"2026-12-03T09:00:00Z\"}]}";
  }

  @Test
  void consentExchangeSubscribeRefreshTestAndDelete() throws Exception {
    stubCodeExchange();
    stubList("{\"webhookSubscriptions\":[]}");
    squarespace.stubFor(
        post(urlPathEqualTo(SUBS))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":\""
                            + SUB_ID
                            + "\",\"endpointUrl\":\""
                            + ENDPOINT
                            + "\",\"topics\":[\"order.create\",\"order.update\"],\"secret\":\""
                            + SUB_SECRET
                            + "\",\"clientId\":\""
                            + CLIENT_ID
                            + "\",\"websiteId\":\"w1\",\"createdOn\":\"2026-12-03T09:00:00Z\","
                            + "\"updatedOn\":\"2026-12-03T09:00:00Z\"}")));
    connector = ConnectorHarness.start(settings, clock);

    HttpResponse<String> callback = consent();
    assertEquals(302, callback.statusCode(), callback.body());
    assertEquals(
        "/console/connect?squarespace-oauth=connected",
        callback.headers().firstValue("Location").orElseThrow());

    // the code exchange: client credentials as HTTP Basic, JSON body, a User-Agent
    squarespace.verify(
        1,
        postRequestedFor(urlPathEqualTo(TOKENS))
            .withHeader(
                "Authorization",
                equalTo(
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (CLIENT_ID + ":" + CLIENT_SECRET)
                                    .getBytes(StandardCharsets.UTF_8))))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader("User-Agent", equalTo(settingsUserAgent()))
            .withRequestBody(
                equalToJson(
                    "{\"grant_type\":\"authorization_code\",\"code\":\"auth-code-1\","
                        + "\"redirect_uri\":\""
                        + PUBLIC
                        + "/console/connect/squarespace/callback\"}")));

    // stored encrypted: neither token appears in the database
    try (Connection c = connector.bean("connectorDatabase", Database.class).connection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT refresh_token_enc, access_token_enc FROM squarespace_token")) {
      assertTrue(rs.next());
      assertFalse(rs.getString(1).contains("refresh-1"));
      assertFalse(rs.getString(2).contains("access-1"));
      assertTrue(rs.getString(1).startsWith("v1:"));
    }

    // right after the consent: the subscription, with the OAuth token (not the API key)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> squarespace.findAll(postRequestedFor(urlPathEqualTo(SUBS))).size() == 1);
    squarespace.verify(
        postRequestedFor(urlPathEqualTo(SUBS))
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .withHeader("User-Agent", equalTo(settingsUserAgent()))
            .withRequestBody(
                equalToJson(
                    "{\"endpointUrl\":\""
                        + ENDPOINT
                        + "\",\"topics\":[\"order.create\",\"order.update\"]}")));

    // the stored secret verifies notifications; another secret does not
    String note =
        "{\"id\":\"n-1\",\"websiteId\":\"w1\",\"subscriptionId\":\""
            + SUB_ID
            + "\",\"topic\":\"order.update\",\"createdOn\":\"2026-12-03T09:18+00:00\","
            + "\"data\":{\"orderId\":\"not-an-order\",\"update\":\"FULFILLED\"}}";
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> notify(note, SUB_SECRET).statusCode() == 200);
    assertEquals(
        401, notify(note.replace("n-1", "n-2"), "00" + SUB_SECRET.substring(2)).statusCode());

    // 26 minutes on, the access token (30 minutes) is within 5 minutes of its end: refreshed first
    clock.advance(Duration.ofMinutes(26));
    squarespace.stubFor(
        post(urlPathEqualTo(TOKENS))
            .withRequestBody(matchingJsonPath("$.grant_type", equalTo("refresh_token")))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(tokenAnswer("access-2", "refresh-2"))));
    stubList(listed(SUB_ID));
    HttpResponse<String> list = send("GET", "/api/squarespace/webhooks", null);
    assertEquals(200, list.statusCode(), list.body());
    JsonNode subs = JSON.readTree(list.body()).path("subscriptions");
    assertEquals(1, subs.size());
    assertEquals(SUB_ID, subs.get(0).path("id").asText());
    assertTrue(subs.get(0).path("secretStored").asBoolean());
    assertFalse(list.body().contains(SUB_SECRET), "the secret is never shown");
    squarespace.verify(
        1,
        postRequestedFor(urlPathEqualTo(TOKENS))
            .withHeader("Authorization", equalTo(basic()))
            .withRequestBody(
                equalToJson("{\"grant_type\":\"refresh_token\",\"refresh_token\":\"refresh-1\"}")));
    squarespace.verify(
        getRequestedFor(urlPathEqualTo(SUBS))
            .withHeader("Authorization", equalTo("Bearer access-2")));

    // within the new token's life: no further refresh; the rotated refresh token is the one kept
    clock.advance(Duration.ofMinutes(10));
    assertEquals(200, send("GET", "/api/squarespace/webhooks", null).statusCode());
    assertEquals(2, squarespace.findAll(postRequestedFor(urlPathEqualTo(TOKENS))).size());
    clock.advance(Duration.ofMinutes(16));
    squarespace.stubFor(
        post(urlPathEqualTo(TOKENS))
            .withRequestBody(matchingJsonPath("$.refresh_token", equalTo("refresh-2")))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(tokenAnswer("access-3", "refresh-3"))));
    assertEquals(200, send("GET", "/api/squarespace/webhooks", null).statusCode());
    squarespace.verify(
        getRequestedFor(urlPathEqualTo(SUBS))
            .withHeader("Authorization", equalTo("Bearer access-3")));

    // reconcile again (as at the next start): the subscription is in place, none is added
    connector.template().requestBody("seda:squarespace-webhooks-reconcile", "");
    assertEquals(1, squarespace.findAll(postRequestedFor(urlPathEqualTo(SUBS))).size());

    // test notification
    squarespace.stubFor(
        post(urlPathEqualTo(SUBS + "/" + SUB_ID + "/actions/sendTestNotification"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"statusCode\":200}")));
    HttpResponse<String> test =
        send(
            "POST",
            "/api/squarespace/webhooks/" + SUB_ID + "/test",
            "{\"topic\":\"order.update\"}");
    assertEquals(200, test.statusCode(), test.body());
    assertEquals(200, JSON.readTree(test.body()).path("statusCode").asInt());
    squarespace.verify(
        postRequestedFor(urlPathEqualTo(SUBS + "/" + SUB_ID + "/actions/sendTestNotification"))
            .withHeader("Authorization", equalTo("Bearer access-3"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(equalToJson("{\"topic\":\"order.update\"}")));

    // delete: removed in Squarespace, its secret forgotten (its notifications now refused)
    squarespace.stubFor(
        delete(urlPathEqualTo(SUBS + "/" + SUB_ID)).willReturn(aResponse().withStatus(204)));
    HttpResponse<String> deleted = send("DELETE", "/api/squarespace/webhooks/" + SUB_ID, "{}");
    assertEquals(200, deleted.statusCode(), deleted.body());
    squarespace.verify(
        1,
        deleteRequestedFor(urlPathEqualTo(SUBS + "/" + SUB_ID))
            .withHeader("Authorization", equalTo("Bearer access-3")));
    assertEquals(401, notify(note.replace("n-1", "n-3"), SUB_SECRET).statusCode());

    HttpResponse<String> status = send("GET", "/api/squarespace/oauth", null);
    JsonNode s = JSON.readTree(status.body());
    assertTrue(s.path("authorised").asBoolean(), status.body());
    assertEquals(3, s.path("refreshes").asInt(), "the exchange and two refreshes");
    assertFalse(status.body().contains("access-3") || status.body().contains("refresh-3"));
  }

  @Test
  void aSubscriptionMadeByHandIsNotDuplicatedItsSecretIsRotated() throws Exception {
    stubCodeExchange();
    stubList(listed(SUB_ID));
    squarespace.stubFor(
        post(urlPathEqualTo(SUBS + "/" + SUB_ID + "/actions/rotateSecret"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"secret\":\"" + SUB_SECRET + "\"}")));
    connector = ConnectorHarness.start(settings, clock);
    assertEquals(302, consent().statusCode());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                squarespace
                        .findAll(
                            postRequestedFor(
                                urlPathEqualTo(SUBS + "/" + SUB_ID + "/actions/rotateSecret")))
                        .size()
                    == 1);
    assertEquals(0, squarespace.findAll(postRequestedFor(urlPathEqualTo(SUBS))).size());
    String note = "{\"id\":\"n-9\",\"topic\":\"order.create\",\"data\":{\"orderId\":\"x\"}}";
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> notify(note, SUB_SECRET).statusCode() == 200);
  }

  @Test
  void aForgedCallbackIsRefusedAndARefusedRefreshAsksToAuthoriseAgain() throws Exception {
    stubCodeExchange();
    stubList("{\"webhookSubscriptions\":[]}");
    connector = ConnectorHarness.start(settings, clock);
    HttpResponse<String> forged =
        send("GET", "/console/connect/squarespace/callback?code=x&state=made-up", null);
    assertEquals(302, forged.statusCode());
    assertEquals(
        "/console/connect?squarespace-oauth=bad-state",
        forged.headers().firstValue("Location").orElseThrow());
    assertEquals(0, squarespace.findAll(postRequestedFor(urlPathEqualTo(TOKENS))).size());

    squarespace.stubFor(
        post(urlPathEqualTo(SUBS))
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(500)));
    assertEquals(302, consent().statusCode());
    clock.advance(Duration.ofMinutes(40));
    squarespace.stubFor(
        post(urlPathEqualTo(TOKENS))
            .withRequestBody(matchingJsonPath("$.grant_type", equalTo("refresh_token")))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":\"invalid_grant\"}")));
    HttpResponse<String> list = send("GET", "/api/squarespace/webhooks", null);
    assertEquals(409, list.statusCode(), list.body());
    JsonNode s = JSON.readTree(send("GET", "/api/squarespace/oauth", null).body());
    assertFalse(s.path("authorised").asBoolean());
    assertNotNull(s.path("problem").asText(null));
    assertTrue(s.path("problem").asText().contains("invalid_grant"), s.toString());
  }

  private String basic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
  }

  private String settingsUserAgent() {
    return settings.getOrDefault(
        "squarespace.user-agent",
        "squarespace-exact-connector/0.1 (self-hosted; +https://github.com/sqexact/squarespace-exact-connector)");
  }

  private HttpResponse<String> notify(String body, String secretHex) throws Exception {
    String signature =
        HexFormat.of()
            .formatHex(
                WebhookSignatures.hmac(
                    HexFormat.of().parseHex(secretHex), body.getBytes(StandardCharsets.UTF_8)));
    return http.send(
        HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/webhooks/squarespace"))
            .header("Content-Type", "application/json")
            .header("Squarespace-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anIdleRefreshTokenIsKeptAliveBeforeItsSevenDaysEnd() throws Exception {
    stubCodeExchange();
    stubList("{\"webhookSubscriptions\":[]}");
    connector = ConnectorHarness.start(settings, clock);
    assertEquals(302, consent().statusCode());
    SquarespaceOAuth oauth = connector.bean("squarespaceOAuth", SquarespaceOAuth.class);

    clock.advance(Duration.ofDays(4)); // 3 days left: nothing to do
    assertTrue(oauth.keepAlive().startsWith("refresh token valid until"));
    assertEquals(1, squarespace.findAll(postRequestedFor(urlPathEqualTo(TOKENS))).size());

    clock.advance(Duration.ofHours(36)); // 1.5 days left: refreshed, the rotated token kept
    squarespace.stubFor(
        post(urlPathEqualTo(TOKENS))
            .withRequestBody(matchingJsonPath("$.refresh_token", equalTo("refresh-1")))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(tokenAnswer("access-2", "refresh-2"))));
    assertEquals("refreshed", oauth.keepAlive());
    squarespace.verify(
        postRequestedFor(urlPathEqualTo(TOKENS))
            .withHeader("Authorization", equalTo(basic()))
            .withRequestBody(
                equalToJson("{\"grant_type\":\"refresh_token\",\"refresh_token\":\"refresh-1\"}")));
    assertEquals("access-2", oauth.accessToken());
    JsonNode s = JSON.readTree(send("GET", "/api/squarespace/oauth", null).body());
    assertEquals(
        clock.instant().plus(Duration.ofDays(7)).toEpochMilli(),
        Instant.parse(s.path("refreshTokenExpiresAt").asText()).toEpochMilli(),
        "the new refresh token's own expiry, from the answer");
  }
}
