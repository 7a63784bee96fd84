package org.sqexact.squarespace;

import static org.sqexact.ops.console.ConsoleHttp.enc;
import static org.sqexact.ops.console.ConsoleHttp.operatorName;
import static org.sqexact.ops.console.ConsoleHttp.query;
import static org.sqexact.ops.console.ConsoleHttp.redirect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.store.ActivityLog;

/**
 * Squarespace OAuth (squarespace-api.md §1, https://developers.squarespace.com/oauth): needed only
 * for the Webhook Subscriptions API, which refuses API keys; the API key keeps doing everything
 * else.
 *
 * <ul>
 *   <li>Consent: the browser goes to {@code <login>/api/1/login/oauth/provider/authorize} with
 *       {@code client_id}, {@code redirect_uri}, {@code scope} (comma-separated), {@code state} and
 *       {@code access_type=offline} (without it there is no refresh token); Squarespace sends it
 *       back with {@code code} and {@code state}, or {@code error=access_denied}.
 *   <li>Tokens: {@code POST <login>/api/1/login/oauth/provider/tokens}, HTTP Basic with the client
 *       id and secret, JSON {@code {"grant_type":"authorization_code","code","redirect_uri"}},
 *       later {@code {"grant_type":"refresh_token","refresh_token"}}. A User-Agent is required
 *       there too (error {@code SEC-43} without it).
 *   <li>Lifetimes (notes §1): access token 30 minutes, authorisation code 2 minutes and single use,
 *       refresh token 7 days and rotated on every refresh. The answer carries the expiries itself
 *       ({@code access_token_expires_at}, {@code refresh_token_expires_at}: epoch seconds as
 *       strings with a fraction); those are used, the notes' figures only when they are missing.
 * </ul>
 *
 * The access token is refreshed {@link #ACCESS_MARGIN} before it expires; an idle refresh token is
 * refreshed {@link #REFRESH_MARGIN} before its end by the keep-alive route, so a quiet connector
 * never has to ask the merchant again.
 */
public final class SquarespaceOAuth {

  /** Refresh the access token this long before it expires (it lives 30 minutes). */
  static final Duration ACCESS_MARGIN = Duration.ofMinutes(5);

  /** Refresh an unused refresh token this long before it expires (it lives 7 days). */
  static final Duration REFRESH_MARGIN = Duration.ofDays(2);

  /** Used when the token answer has no expiry (notes §1: 30 minutes, 7 days). */
  static final Duration ACCESS_LIFE = Duration.ofMinutes(30);

  static final Duration REFRESH_LIFE = Duration.ofDays(7);

  /** How long a consent may take before its state is forgotten. */
  static final Duration STATE_LIFE = Duration.ofMinutes(10);

  /** Exchange property set by a successful callback: the route then reconciles subscriptions. */
  public static final String CONNECTED = "squarespaceOAuthConnected";

  private static final Logger LOG = LoggerFactory.getLogger(SquarespaceOAuth.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Pending(String operator, Instant started) {}

  private final Map<String, Pending> states = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final SquarespaceTokenStore store;
  private final String loginUrl;
  private final String clientId;
  private final String clientSecret;
  private final String scope;
  private final String callbackUrl;
  private final String userAgent;
  private final ActivityLog activity;
  private final Clock clock;

  public SquarespaceOAuth(
      SquarespaceTokenStore store,
      String loginUrl,
      String clientId,
      String clientSecret,
      String scope,
      String publicUrl,
      String userAgent,
      ActivityLog activity,
      Clock clock) {
    this.store = store;
    this.loginUrl = loginUrl.replaceAll("/+$", "");
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.scope = scope;
    this.callbackUrl = publicUrl.replaceAll("/+$", "") + "/console/connect/squarespace/callback";
    this.userAgent = userAgent;
    this.activity = activity;
    this.clock = clock;
  }

  /** True when the OAuth client's id and secret are set. */
  public boolean configured() {
    return clientId != null && clientSecret != null;
  }

  /** True when tokens are stored and Squarespace has not refused them. */
  public boolean connected() {
    SquarespaceTokenStore.Tokens t = store.read();
    return t != null && t.refreshToken() != null && t.problem() == null;
  }

  /** The redirect URI to register with the OAuth client at account.squarespace.com. */
  public String callbackUrl() {
    return callbackUrl;
  }

  /** GET /console/connect/squarespace — sends the browser to Squarespace's consent page. */
  public void start(Exchange exchange) {
    if (!configured()) {
      redirect(exchange, "/console/connect?squarespace-oauth=not-configured");
      return;
    }
    states.values().removeIf(p -> clock.instant().isAfter(p.started().plus(STATE_LIFE)));
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    states.put(state, new Pending(operatorName(exchange), clock.instant()));
    redirect(exchange, authorizeUrl(state));
  }

  /** The consent page's address for this state. */
  String authorizeUrl(String state) {
    return loginUrl
        + "/api/1/login/oauth/provider/authorize?client_id="
        + enc(clientId)
        + "&redirect_uri="
        + enc(callbackUrl)
        + "&scope="
        + enc(scope)
        + "&state="
        + enc(state)
        + "&access_type=offline";
  }

  /**
   * GET /console/connect/squarespace/callback?code=…&state=… — the state must be one handed out to
   * this operator within {@link #STATE_LIFE} (else it is a forged callback); the code is exchanged
   * at once (it lives 2 minutes) and the tokens stored encrypted.
   */
  public void callback(Exchange exchange) {
    Map<String, String> q =
        query(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
    String state = q.get("state");
    Pending pending = state == null ? null : states.remove(state);
    String who = operatorName(exchange);
    if (pending == null
        || clock.instant().isAfter(pending.started().plus(STATE_LIFE))
        || !pending.operator().equals(who)) {
      record("failed", "callback with an unknown state refused (" + who + ")");
      redirect(exchange, "/console/connect?squarespace-oauth=bad-state");
      return;
    }
    if (q.containsKey("error") || q.get("code") == null) {
      record(
          "failed", "consent not given: " + q.getOrDefault("error", "no code") + " (" + who + ")");
      redirect(exchange, "/console/connect?squarespace-oauth=refused");
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("grant_type", "authorization_code");
    body.put("code", q.get("code"));
    body.put("redirect_uri", callbackUrl);
    TokenAnswer answer;
    try {
      answer = tokenCall(body);
    } catch (SquarespaceException e) {
      record("failed", "code exchange failed: " + e.getMessage() + " (" + who + ")");
      redirect(exchange, "/console/connect?squarespace-oauth=exchange-failed");
      return;
    }
    store.locked(
        row -> {
          row.write(
              answer.refresh(), answer.access(), answer.accessExpires(), answer.refreshExpires());
          return null;
        });
    record("ok", "Squarespace OAuth authorised by " + who);
    LOG.info("Squarespace OAuth authorised by {}", who);
    exchange.setProperty(CONNECTED, true);
    redirect(exchange, "/console/connect?squarespace-oauth=connected");
  }

  /**
   * A valid access token, refreshed first when it expires within {@link #ACCESS_MARGIN}; a
   * SquarespaceException (401) when OAuth was never authorised or Squarespace refused the refresh.
   */
  public String accessToken() {
    SquarespaceTokenStore.Tokens t = store.read();
    if (t == null || t.refreshToken() == null) {
      throw notAuthorised("Squarespace OAuth is not authorised");
    }
    if (fresh(t)) {
      return t.accessToken();
    }
    return store.locked(
        row -> {
          SquarespaceTokenStore.Tokens now = row.read();
          if (fresh(now)) {
            return now.accessToken(); // another caller refreshed while this one waited
          }
          return refresh(row).access();
        });
  }

  /**
   * The keep-alive route: refreshes when the refresh token ends within {@link #REFRESH_MARGIN} (or
   * the access token is due); returns what it did.
   */
  public String keepAlive() {
    SquarespaceTokenStore.Tokens t = store.read();
    if (t == null || t.refreshToken() == null || t.problem() != null) {
      return "not authorised";
    }
    Instant end = t.refreshExpiresAt();
    if (end != null && clock.instant().plus(REFRESH_MARGIN).isBefore(end)) {
      return "refresh token valid until " + end;
    }
    store.locked(row -> refresh(row));
    return "refreshed";
  }

  /** GET /api/squarespace/oauth — whether OAuth is set up and authorised (no tokens shown). */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    SquarespaceTokenStore.Tokens t = store.read();
    out.put("configured", configured());
    out.put("authorised", t != null && t.refreshToken() != null && t.problem() == null);
    out.put("scope", scope);
    out.put("redirectUri", callbackUrl);
    out.put("accessTokenExpiresAt", t == null ? null : str(t.accessExpiresAt()));
    out.put("refreshTokenExpiresAt", t == null ? null : str(t.refreshExpiresAt()));
    out.put("refreshes", t == null ? 0 : t.refreshCount());
    out.put("problem", t == null ? null : t.problem());
    return out;
  }

  private boolean fresh(SquarespaceTokenStore.Tokens t) {
    return t.accessToken() != null
        && t.accessExpiresAt() != null
        && clock.instant().plus(ACCESS_MARGIN).isBefore(t.accessExpiresAt());
  }

  private TokenAnswer refresh(SquarespaceTokenStore.Locked row) {
    SquarespaceTokenStore.Tokens t = row.read();
    if (t.refreshToken() == null) {
      throw notAuthorised("Squarespace OAuth is not authorised");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("grant_type", "refresh_token");
    body.put("refresh_token", t.refreshToken());
    TokenAnswer answer;
    try {
      answer = tokenCall(body);
    } catch (SquarespaceException e) {
      if (!e.isTransient()) {
        row.markProblem(
            "Squarespace refused the refresh token (" + e.getMessage() + "): authorise again");
        record("failed", "refresh refused: " + e.getMessage() + "; authorise again in the console");
        throw notAuthorised("Squarespace refused the refresh token (" + e.getMessage() + ")");
      }
      throw e;
    }
    // rotated: the old refresh token is dead once the new one is used, so keep the new one now
    row.write(
        answer.refresh() != null ? answer.refresh() : t.refreshToken(),
        answer.access(),
        answer.accessExpires(),
        answer.refresh() != null ? answer.refreshExpires() : t.refreshExpiresAt());
    LOG.debug("Squarespace OAuth token refreshed, valid until {}", answer.accessExpires());
    return answer;
  }

  private record TokenAnswer(
      String access, String refresh, Instant accessExpires, Instant refreshExpires) {}

  private TokenAnswer tokenCall(ObjectNode body) {
    if (!configured()) {
      throw notAuthorised("SQUARESPACE_OAUTH_CLIENT_ID and _SECRET are not set");
    }
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(loginUrl + "/api/1/login/oauth/provider/tokens"))
                  .header("Authorization", "Basic " + basic)
                  .header("User-Agent", userAgent)
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(20))
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SquarespaceException(
          "Squarespace's token endpoint could not be reached: " + e.getMessage(), 0, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SquarespaceException("interrupted", 0, true, e);
    }
    JsonNode json;
    try {
      json = JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
    } catch (IOException e) {
      json = JSON.createObjectNode();
    }
    String access = json.path("access_token").asText(null);
    if (r.statusCode() != 200 || access == null) {
      String why =
          json.path("error").asText(json.path("message").asText("HTTP " + r.statusCode()))
              + (json.hasNonNull("error_description")
                  ? " " + json.path("error_description").asText()
                  : "");
      throw new SquarespaceException(
          "Squarespace's token endpoint answered " + r.statusCode() + ": " + why.trim(),
          r.statusCode(),
          r.statusCode() == 429 || r.statusCode() >= 500,
          null);
    }
    Instant now = clock.instant();
    Instant accessExpires = epoch(json.path("access_token_expires_at"));
    if (accessExpires == null && json.has("expires_in")) {
      accessExpires = now.plusSeconds(json.path("expires_in").asLong());
    }
    Instant refreshExpires = epoch(json.path("refresh_token_expires_at"));
    String refresh = json.path("refresh_token").asText(null);
    return new TokenAnswer(
        access,
        refresh,
        accessExpires != null ? accessExpires : now.plus(ACCESS_LIFE),
        refreshExpires != null || refresh == null ? refreshExpires : now.plus(REFRESH_LIFE));
  }

  /** Squarespace's expiries: epoch seconds, as a string with a fraction ("1553532363.542"). */
  static Instant epoch(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode() || n.asText("").isBlank()) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(n.asText().trim());
      return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static SquarespaceException notAuthorised(String why) {
    return new SquarespaceException(
        why + ": authorise it in the console (Connect → Squarespace OAuth)", 401, false, null);
  }

  private void record(String outcome, String detail) {
    activity.record(null, null, "connect squarespace oauth", outcome, detail);
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
