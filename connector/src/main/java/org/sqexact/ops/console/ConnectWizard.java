package org.sqexact.ops.console;

import static org.sqexact.ops.console.ConsoleHttp.enc;
import static org.sqexact.ops.console.ConsoleHttp.operatorName;
import static org.sqexact.ops.console.ConsoleHttp.query;
import static org.sqexact.ops.console.ConsoleHttp.redirect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.exact.OData;
import org.sqexact.ops.OperatorAccess;
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.SecretBox;
import org.sqexact.store.TokenStore;

/**
 * The connect wizard: the Squarespace key (checked against Squarespace, kept encrypted in the data
 * directory, used at once), then Exact Online's OAuth consent (notes §1: the browser goes to {@code
 * {EXACT_BASE_URL}/api/oauth2/auth}; the callback checks {@code state}, exchanges the code — valid
 * 3 minutes, single use — for tokens, stores them encrypted and the running connector uses them),
 * then the division from {@code system/Divisions}. Re-authorising after Exact dropped a token is
 * the same wizard, without a restart. Every step is recorded in the activity log with who did it.
 */
public final class ConnectWizard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectWizard.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a consent may take before its state is forgotten. */
  static final Duration STATE_LIFE = Duration.ofMinutes(10);

  /** Where the wizard keeps the Squarespace key it checked (encrypted like the Exact tokens). */
  static final String SQUARESPACE_KEY_FILE = "squarespace.key";

  private record Pending(String operator, Instant started) {}

  private final Map<String, Pending> states = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final SquarespaceGateway squarespace;
  private final String squarespaceUrl;
  private final String userAgent;
  private final SecretBox box;
  private final Path dataDir;
  private final TokenStore tokenStore;
  private final ExactTokenManager tokens;
  private final ExactApi exactApi;
  private final ExactDivisionCheck divisionCheck;
  private final ExactRateGovernor governor;
  private final ProducerTemplate template;
  private final String authUrl;
  private final String tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final String callbackUrl;
  private final ExactDivision division;
  private final ConnectionSetup setup;
  private final Runnable divisionChanged;
  private final boolean keyFromSettings;
  private final ActivityLog activity;
  private final Clock clock;

  public ConnectWizard(
      SquarespaceGateway squarespace,
      String squarespaceUrl,
      String userAgent,
      SecretBox box,
      Path dataDir,
      TokenStore tokenStore,
      ExactTokenManager tokens,
      ExactApi exactApi,
      ExactDivisionCheck divisionCheck,
      ExactRateGovernor governor,
      ProducerTemplate template,
      String authUrl,
      String tokenUrl,
      String clientId,
      String clientSecret,
      String publicUrl,
      ExactDivision division,
      ConnectionSetup setup,
      Runnable divisionChanged,
      boolean keyFromSettings,
      ActivityLog activity,
      Clock clock) {
    this.squarespace = squarespace;
    this.squarespaceUrl = squarespaceUrl;
    this.userAgent = userAgent;
    this.box = box;
    this.dataDir = dataDir;
    this.tokenStore = tokenStore;
    this.tokens = tokens;
    this.exactApi = exactApi;
    this.divisionCheck = divisionCheck;
    this.governor = governor;
    this.template = template;
    this.authUrl = authUrl;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.callbackUrl = publicUrl.replaceAll("/+$", "") + "/console/connect/exact/callback";
    this.division = division;
    this.setup = setup;
    this.divisionChanged = divisionChanged;
    this.keyFromSettings = keyFromSettings;
    this.activity = activity;
    this.clock = clock;
  }

  /**
   * At start: the key the wizard stored earlier, unless SQUARESPACE_API_KEY is set (environment
   * values win; the wizard's key is then used only until the next start).
   */
  public void adoptStoredKey() {
    Path file = dataDir.resolve(SQUARESPACE_KEY_FILE);
    if (Files.exists(file) && keyFromSettings) {
      LOG.info(
          "SQUARESPACE_API_KEY is set and wins over the key the connect wizard stored ({});"
              + " remove the setting to use the wizard's key",
          file);
    } else if (Files.exists(file)) {
      try {
        squarespace.useApiKey(box.decrypt(Files.readString(file).trim()));
        LOG.info("Using the Squarespace API key stored by the connect wizard ({})", file);
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "The Squarespace key stored by the connect wizard cannot be read: {}", e.getMessage());
      }
    }
  }

  /** The address Exact sends the browser back to: register it in the Exact App Center. */
  public String callbackUrl() {
    return callbackUrl;
  }

  /**
   * POST /api/console/connect/squarespace {"apiKey": "…"} — checks the key with Squarespace ({@code
   * GET /1.0/authorization/website}); a key Squarespace accepts is stored encrypted and used from
   * the next call on.
   */
  public Map<String, Object> squarespaceKey(Exchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getMessage().getBody(String.class));
    String key = body == null ? null : body.path("apiKey").asText("").trim();
    if (key == null || key.isEmpty() || key.length() > 200 || !key.matches("[\\x21-\\x7e]+")) {
      return error(
          exchange,
          400,
          "give the API key from Squarespace: Settings → Advanced → Developer API Keys");
    }
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(squarespaceUrl + "/1.0/authorization/website"))
                  .header("Authorization", "Bearer " + key)
                  .header("User-Agent", userAgent)
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(20))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return error(exchange, 502, "Squarespace could not be reached: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(exchange, 503, "interrupted");
    }
    String who = operator(exchange);
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      activity.record(
          null,
          null,
          "connect squarespace",
          "failed",
          "key refused by Squarespace; tried by " + who);
      return error(
          exchange,
          422,
          "Squarespace refused this key (HTTP "
              + r.statusCode()
              + "): copy it again, and give it Orders and Transactions read access");
    }
    if (r.statusCode() != 200) {
      return error(
          exchange, 502, "Squarespace answered HTTP " + r.statusCode() + "; try again later");
    }
    Files.writeString(dataDir.resolve(SQUARESPACE_KEY_FILE), box.encrypt(key));
    squarespace.useApiKey(key);
    activity.record(null, null, "connect squarespace", "ok", "Squarespace key set by " + who);
    JsonNode site = JSON.readTree(r.body());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "connected");
    out.put("siteId", site.path("siteId").asText(null));
    out.put("siteTitle", site.path("title").asText(null));
    if (keyFromSettings) {
      out.put(
          "note",
          "SQUARESPACE_API_KEY is set: it wins again at the next start; remove it to keep this"
              + " key");
    }
    setup.wizardStep();
    return out;
  }

  /** GET /console/connect/exact — sends the browser to Exact's consent page, with a fresh state. */
  public void start(Exchange exchange) {
    states.values().removeIf(p -> clock.instant().isAfter(p.started().plus(STATE_LIFE)));
    String state = ConsoleSessions.randomToken();
    states.put(state, new Pending(operatorName(exchange), clock.instant()));
    String location =
        authUrl
            + "?client_id="
            + enc(clientId)
            + "&redirect_uri="
            + enc(callbackUrl)
            + "&response_type=code&force_login=0&state="
            + enc(state);
    redirect(exchange, location);
  }

  /**
   * GET /console/connect/exact/callback?code=…&state=… — the state must be one this connector
   * handed out to this operator within {@link #STATE_LIFE} (else it is a forged callback: CSRF);
   * the code is exchanged at once, the tokens stored encrypted, and the division check run again.
   */
  public void callback(Exchange exchange) {
    Map<String, String> q =
        query(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
    String state = q.get("state");
    Pending pending = state == null ? null : states.remove(state);
    String who = operator(exchange);
    if (pending == null
        || clock.instant().isAfter(pending.started().plus(STATE_LIFE))
        || !pending.operator().equals(operatorName(exchange))) {
      activity.record(
          null,
          null,
          "connect exact",
          "failed",
          "callback with an unknown state refused (" + who + ")");
      redirect(exchange, "/console/connect?exact=bad-state");
      return;
    }
    if (q.containsKey("error") || q.get("code") == null) {
      activity.record(
          null,
          null,
          "connect exact",
          "failed",
          "consent not given: " + q.getOrDefault("error", "no code") + " (" + who + ")");
      redirect(exchange, "/console/connect?exact=refused");
      return;
    }
    String form =
        "grant_type=authorization_code&code="
            + enc(q.get("code"))
            + "&redirect_uri="
            + enc(callbackUrl)
            + "&client_id="
            + enc(clientId)
            + "&client_secret="
            + enc(clientSecret);
    Exchange ex =
        template.request(
            "direct:exact-token",
            e -> {
              e.setProperty("exactTokenUrl", tokenUrl);
              e.getMessage().setBody(form);
            });
    int status =
        ex.getException() != null
            ? 0
            : ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    JsonNode json = null;
    try {
      String raw = ex.getMessage().getBody(String.class);
      json = raw == null ? null : JSON.readTree(raw);
    } catch (IOException e) {
      json = null;
    }
    String access = json == null ? null : json.path("access_token").asText(null);
    String refresh = json == null ? null : json.path("refresh_token").asText(null);
    if (status != 200 || access == null || refresh == null) {
      String why =
          json == null
              ? "HTTP " + status
              : json.path("error").asText("HTTP " + status)
                  + " "
                  + json.path("error_description").asText("");
      activity.record(
          null,
          null,
          "connect exact",
          "failed",
          "code exchange failed: " + why.trim() + " (" + who + ")");
      redirect(exchange, "/console/connect?exact=exchange-failed");
      return;
    }
    long seconds = json.path("expires_in").asLong(600);
    Instant now = clock.instant();
    tokenStore.seed(null);
    tokenStore.locked(
        row -> {
          row.write(refresh, access, now, now.plusSeconds(seconds));
          return null;
        });
    tokens.forgetCachedToken();
    activity.record(null, null, "connect exact", "ok", "Exact Online authorised by " + who);
    LOG.info("Exact Online authorised in the connect wizard by {}", who);
    setup.wizardStep();
    redirect(exchange, "/console/connect?exact=connected");
  }

  /**
   * GET /api/console/connect/divisions — the divisions the authorised user may open, from {@code
   * system/Divisions}, and which one the connector books in.
   */
  public Map<String, Object> divisions(Exchange exchange) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<JsonNode> rows;
    int current = division.getAsInt();
    try {
      rows = listDivisions(null);
    } catch (RuntimeException e) {
      return error(exchange, 502, "Exact Online did not list the divisions: " + e.getMessage());
    }
    for (JsonNode r : rows) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("code", r.path("Code").asInt());
      d.put("description", r.path("Description").asText(""));
      d.put("country", r.path("Country").asText(""));
      d.put("currency", r.path("Currency").asText(""));
      d.put("chosen", r.path("Code").asInt() == current);
      out.add(d);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("configured", current);
    result.put("fixedBySetting", division.fixed());
    result.put("divisions", out);
    return result;
  }

  /**
   * POST /api/console/connect/division {"division": 123} — books in this division from the next
   * call on (kept in the database, no restart): it must be one the authorised user may open ({@code
   * system/Divisions}). EXACT_DIVISION, when set, wins: then only that one is accepted.
   */
  public Map<String, Object> chooseDivision(Exchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getMessage().getBody(String.class));
    int chosen = body == null ? 0 : body.path("division").asInt(0);
    String who = operator(exchange);
    if (chosen <= 0) {
      return error(exchange, 400, "give the division's number");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (division.fixed() && chosen != division.getAsInt()) {
      activity.record(
          null,
          null,
          "connect division",
          "failed",
          "division "
              + chosen
              + " chosen by "
              + who
              + "; EXACT_DIVISION fixes "
              + division.getAsInt());
      return error(
          exchange,
          409,
          "the connector books in division "
              + division.getAsInt()
              + " because EXACT_DIVISION is set, and the environment wins; to book in "
              + chosen
              + ", set EXACT_DIVISION="
              + chosen
              + " (or remove it and choose here) and restart");
    }
    boolean changed = false;
    if (chosen != division.getAsInt()) {
      List<JsonNode> found;
      try {
        found = listDivisions(chosen);
      } catch (RuntimeException e) {
        return error(exchange, 502, "Exact Online did not list the divisions: " + e.getMessage());
      }
      if (found.isEmpty()) {
        activity.record(
            null,
            null,
            "connect division",
            "failed",
            "division " + chosen + " is not open to the authorised user (" + who + ")");
        return error(
            exchange,
            422,
            "division "
                + chosen
                + " is not among the divisions the authorised Exact Online user may open;"
                + " pick one from the list, or allow it on Exact's consent screen");
      }
      int before = division.getAsInt();
      changed = division.choose(chosen);
      if (changed) {
        LOG.info(
            "Exact Online division {} chosen in the connect wizard by {} (was {})",
            chosen,
            who,
            before == 0 ? "none" : before);
        divisionChanged.run();
      }
    }
    ExactDivisionCheck.Status status = divisionCheck.check();
    activity.record(
        null,
        null,
        "connect division",
        status == ExactDivisionCheck.Status.OK ? "ok" : "failed",
        "division " + chosen + (changed ? " chosen" : " confirmed") + " by " + who + ": " + status);
    setup.wizardStep();
    out.put("division", chosen);
    out.put("changed", changed);
    out.put("check", status.name());
    out.put("detail", divisionCheck.detail());
    out.put("missing", setup.missing());
    return out;
  }

  /**
   * The user's divisions from {@code system/Divisions}, asked in the connector's division or,
   * before one is chosen, in the user's current one ({@code current/Me}, notes §1.3).
   *
   * @param code only this division, or null for all
   */
  private List<JsonNode> listDivisions(Integer code) {
    int in = division.getAsInt();
    if (in <= 0) {
      in = exactApi.me().path("CurrentDivision").asInt(0);
    }
    OData.Query q = OData.select("Code", "Description", "Country", "Currency");
    if (code != null) {
      q = q.filter("Code eq " + code);
    }
    return exactApi.allIn(in, "system/Divisions", q, ExactRateGovernor.Priority.ORDERS);
  }

  private static Map<String, Object> error(Exchange exchange, int status, String message) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    return Map.of("error", message);
  }

  private static String operator(Exchange exchange) {
    String who = exchange.getMessage().getHeader(OperatorAccess.OPERATOR_HEADER, String.class);
    return who == null ? "the operator" : "the operator (" + who + ")";
  }
}
