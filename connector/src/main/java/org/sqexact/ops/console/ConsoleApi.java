package org.sqexact.ops.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.apache.camel.Exchange;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.ops.OperatorApi;
import org.sqexact.ops.Preflight;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.Database;
import org.sqexact.store.StoreException;
import org.sqexact.store.TokenStore;

/**
 * The dashboard's own JSON (behind the login, under {@code /api/console}): an order's trace with
 * what came from Squarespace (ids, numbers, amounts, SKUs — never names, e-mails or addresses), the
 * charts' series from the activity log, and the connection's health with the effective settings.
 */
public final class ConsoleApi {

  /** Exact drops a refresh token that has not been used for 30 days (notes §1). */
  static final Duration REFRESH_TOKEN_LIFE = Duration.ofDays(30);

  private static final int BUDGET_SAMPLES = 24 * 60;

  /** Fields of a Squarespace order the trace shows: no customer, no address. */
  private static final List<String> ORDER_FIELDS =
      List.of(
          "id",
          "orderNumber",
          "createdOn",
          "modifiedOn",
          "channel",
          "testmode",
          "fulfillmentStatus",
          "subtotal",
          "shippingTotal",
          "discountTotal",
          "taxTotal",
          "refundedTotal",
          "grandTotal");

  private static final List<String> LINE_FIELDS =
      List.of("id", "sku", "productName", "quantity", "unitPricePaid", "lineItemType");

  private final OperatorApi operatorApi;
  private final SquarespaceApi squarespace;
  private final Database db;
  private final String connectionId;
  private final TokenStore tokens;
  private final ExactRateGovernor governor;
  private final ExactDivisionCheck divisionCheck;
  private final Preflight preflight;
  private final Function<String, String> properties;
  private final Path mappingsDir;
  private final java.util.function.BooleanSupplier squarespaceKeySet;
  private volatile ConnectionSetup setup;
  private final IntSupplier division;
  private final Clock clock;
  private final Deque<Map<String, Object>> budgetSamples = new ArrayDeque<>();
  private volatile String callbackUrl;

  public ConsoleApi(
      OperatorApi operatorApi,
      SquarespaceApi squarespace,
      Database db,
      String connectionId,
      TokenStore tokens,
      ExactRateGovernor governor,
      ExactDivisionCheck divisionCheck,
      Preflight preflight,
      Function<String, String> properties,
      Path mappingsDir,
      java.util.function.BooleanSupplier squarespaceKeySet,
      IntSupplier division,
      Clock clock) {
    this.operatorApi = operatorApi;
    this.squarespace = squarespace;
    this.db = db;
    this.connectionId = connectionId;
    this.tokens = tokens;
    this.governor = governor;
    this.divisionCheck = divisionCheck;
    this.preflight = preflight;
    this.properties = properties;
    this.mappingsDir = mappingsDir;
    this.squarespaceKeySet = squarespaceKeySet;
    this.division = division;
    this.clock = clock;
  }

  /**
   * GET /api/console/orders/{order}/trace — the order's ledger row and every step and API call,
   * oldest first, and what Squarespace has for it now (fetched live; nothing personal is kept).
   */
  public Map<String, Object> trace(Exchange exchange) {
    // ?connection=<id>: the order of that connection (the console's picker), else the default's
    OperatorApi at = operatorApi.at(exchange);
    if (at == null) {
      return operatorApi.refused(exchange);
    }
    SquarespaceApi squarespace = at == operatorApi ? this.squarespace : at.squarespace();
    Map<String, Object> out = new LinkedHashMap<>(at.order(exchange));
    if (out.containsKey("error")) {
      return out;
    }
    Object activity = out.get("activity");
    if (activity instanceof List<?> lines) {
      List<Object> oldestFirst = new ArrayList<>(lines);
      java.util.Collections.reverse(oldestFirst);
      out.put("activity", oldestFirst);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> order = (Map<String, Object>) out.get("order");
    Object id = order == null ? null : order.get("orderId");
    if (id != null) {
      try {
        out.put("squarespace", squarespaceFacts(squarespace.orderJson(id.toString())));
      } catch (RuntimeException e) {
        out.put("squarespace", Map.of("error", "Squarespace did not answer: " + e.getMessage()));
      }
    }
    return out;
  }

  /** The facts of an order that tell nothing about the person who placed it. */
  static Map<String, Object> squarespaceFacts(JsonNode order) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : ORDER_FIELDS) {
      JsonNode v = order.path(f);
      if (!v.isMissingNode() && !v.isNull()) {
        out.put(f, money(v));
      }
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    for (JsonNode line : order.path("lineItems")) {
      Map<String, Object> l = new LinkedHashMap<>();
      for (String f : LINE_FIELDS) {
        JsonNode v = line.path(f);
        if (!v.isMissingNode() && !v.isNull()) {
          l.put(f, money(v));
        }
      }
      lines.add(l);
    }
    out.put("lineItems", lines);
    return out;
  }

  private static Object money(JsonNode v) {
    if (v.isObject() && v.has("value")) {
      return v.path("value").asText() + " " + v.path("currency").asText("");
    }
    return v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText();
  }

  /**
   * GET /api/console/charts — orders booked, parked and failed per hour over the last 24 hours
   * (from the activity log's outcomes), Exact's minute budget left after each call (the
   * X-RateLimit-Minutely-Remaining the log keeps per call, lowest per 10 minutes) and the day
   * budget sampled every minute while the connector runs.
   */
  public Map<String, Object> charts() {
    Instant now = clock.instant();
    Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
    Map<Instant, int[]> hours = new LinkedHashMap<>();
    for (int i = 0; i < 24; i++) {
      hours.put(from.plus(Duration.ofHours(i)), new int[3]);
    }
    Map<Instant, Integer> minuteBudget = new java.util.TreeMap<>();
    String sql =
        "SELECT at, outcome, step, rate_remaining FROM activity WHERE connection_id = ? AND at >= ?"
            + " AND (outcome IN ('booked', 'parked', 'failed') OR rate_remaining IS NOT NULL)";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, connectionId);
      ps.setTimestamp(2, java.sql.Timestamp.from(from));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Instant at = rs.getTimestamp(1).toInstant();
          String outcome = rs.getString(2);
          String step = rs.getString(3);
          Integer remaining = rs.getObject(4, Integer.class);
          if (remaining != null) {
            Instant slot =
                at.truncatedTo(ChronoUnit.HOURS)
                    .plus(
                        Duration.ofMinutes(
                            at.atZone(java.time.ZoneOffset.UTC).getMinute() / 10 * 10L));
            minuteBudget.merge(slot, remaining, Math::min);
          }
          if (step != null && (step.startsWith("exact ") || step.startsWith("squarespace "))) {
            continue; // an API call's own outcome, not the order's
          }
          int[] counts = hours.get(at.truncatedTo(ChronoUnit.HOURS));
          if (counts != null) {
            switch (outcome) {
              case "booked" -> counts[0]++;
              case "parked" -> counts[1]++;
              case "failed" -> counts[2]++;
              default -> {}
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the activity log", e);
    }
    List<Map<String, Object>> perHour = new ArrayList<>();
    hours.forEach(
        (h, n) ->
            perHour.add(
                Map.of("hour", h.toString(), "booked", n[0], "parked", n[1], "failed", n[2])));
    List<Map<String, Object>> minute = new ArrayList<>();
    minuteBudget.forEach((t, v) -> minute.add(Map.of("at", t.toString(), "remaining", v)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ordersPerHour", perHour);
    out.put("minuteBudget", minute);
    synchronized (budgetSamples) {
      out.put("dayBudget", new ArrayList<>(budgetSamples));
    }
    ExactRateGovernor.Budget b = governor.budget(division.getAsInt());
    out.put("minutelyLimit", b.minutelyLimit());
    out.put("dailyLimit", b.dailyLimit());
    return out;
  }

  /** The wizard's OAuth redirect URI, shown so the operator can register it with Exact. */
  public void useCallbackUrl(String url) {
    this.callbackUrl = url;
  }

  /** Keeps the day budget as Exact last told it (called every minute). */
  public void sampleBudget() {
    ExactRateGovernor.Budget b = governor.budget(division.getAsInt());
    if (b.dailyRemaining() < 0) {
      return; // no call yet: Exact has told nothing
    }
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("at", clock.instant().toString());
    sample.put("remaining", b.dailyRemaining());
    sample.put("minuteRemaining", b.minutelyRemaining() < 0 ? null : b.minutelyRemaining());
    synchronized (budgetSamples) {
      budgetSamples.addLast(sample);
      while (budgetSamples.size() > BUDGET_SAMPLES) {
        budgetSamples.removeFirst();
      }
    }
  }

  /** What is still missing of the connection (shown on the health and connect pages). */
  public void useConnectionSetup(ConnectionSetup setup) {
    this.setup = setup;
  }

  /**
   * GET /api/console/health — the Squarespace key (set or not, and the last call's status), Exact's
   * token (age, refresh-token expiry, problem), the division, the effective settings (secrets
   * hidden), the mapping files' versions and the last pre-flight result.
   */
  public Map<String, Object> health() {
    Instant now = clock.instant();
    Map<String, Object> out = new LinkedHashMap<>();
    ConnectionSetup s = setup;
    if (s != null) {
      // a fresh install: what the connect wizard still needs, in its order
      List<String> missing = s.missing();
      out.put("connected", missing.isEmpty());
      out.put("missing", missing);
    }
    Map<String, Object> sq = new LinkedHashMap<>();
    sq.put("keySet", squarespaceKeySet.getAsBoolean());
    sq.put("lastCall", lastCall("squarespace %"));
    out.put("squarespace", sq);
    out.put("callbackUrl", callbackUrl);
    Map<String, Object> exact = new LinkedHashMap<>();
    TokenStore.Tokens t = tokens.read();
    if (t == null || t.refreshToken() == null) {
      exact.put("connected", false);
    } else {
      exact.put("connected", t.problem() == null);
      exact.put("problem", t.problem());
      exact.put("refreshCount", t.refreshCount());
      if (t.accessIssuedAt() != null) {
        exact.put("accessTokenIssued", t.accessIssuedAt().toString());
        exact.put("accessTokenAgeSeconds", Duration.between(t.accessIssuedAt(), now).toSeconds());
      }
      if (t.accessExpiresAt() != null) {
        exact.put("accessTokenExpires", t.accessExpiresAt().toString());
      }
      if (t.refreshIssuedAt() != null) {
        Instant expires = t.refreshIssuedAt().plus(REFRESH_TOKEN_LIFE);
        exact.put("refreshTokenIssued", t.refreshIssuedAt().toString());
        exact.put("refreshTokenExpires", expires.toString());
        exact.put("refreshTokenDaysLeft", Duration.between(now, expires).toDays());
      }
    }
    exact.put("lastCall", lastCall("exact %"));
    out.put("exact", exact);
    Map<String, Object> div = new LinkedHashMap<>();
    div.put("number", division.getAsInt());
    div.put("check", divisionCheck.status().name());
    div.put("detail", divisionCheck.detail());
    out.put("division", div);
    out.put("settings", effectiveSettings());
    List<Map<String, Object>> files = new ArrayList<>();
    for (String name : List.of("exact-online.yaml", "settings.yaml")) {
      files.add(fileVersion(mappingsDir.resolve(name)));
    }
    out.put("mappings", files);
    Preflight.Report last = preflight.last();
    out.put("preflight", last == null ? null : preflight.view(last));
    return out;
  }

  private Map<String, Object> lastCall(String stepPattern) {
    String sql =
        "SELECT at, endpoint, http_status, duration_ms FROM activity WHERE connection_id = ? AND"
            + " step LIKE ? AND http_status IS NOT NULL ORDER BY id DESC";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setMaxRows(1);
      ps.setString(1, connectionId);
      ps.setString(2, stepPattern);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", rs.getTimestamp(1).toInstant().toString());
        out.put("endpoint", rs.getString(2));
        out.put("httpStatus", rs.getInt(3));
        out.put("durationMs", rs.getInt(4));
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the activity log", e);
    }
  }

  /** Every setting of application.properties as the connector resolved it; secrets hidden. */
  Map<String, Object> effectiveSettings() {
    Properties defaults = new Properties();
    try (InputStream in =
        ConsoleApi.class.getClassLoader().getResourceAsStream("application.properties")) {
      if (in != null) {
        defaults.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return Map.of("error", "cannot read application.properties");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : new TreeSet<>(defaults.stringPropertyNames())) {
      if (key.startsWith("camel.")) {
        continue;
      }
      String value;
      try {
        value = properties.apply(key);
      } catch (RuntimeException e) {
        value = null;
      }
      out.put(
          key, secret(key) ? (value == null || value.isBlank() ? "(not set)" : "(set)") : value);
    }
    return out;
  }

  static boolean secret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("key")
        || k.contains("secret")
        || k.contains("password")
        || k.contains("token")
        || k.contains("users")
        || k.contains("webhook-url")
        || k.contains("db-url")
        || k.contains("user") // SMTP and database logins, operators
        || k.contains("email.to"); // people's addresses
  }

  private static Map<String, Object> fileVersion(Path file) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", file.getFileName().toString());
    try {
      byte[] bytes = Files.readAllBytes(file);
      out.put(
          "version",
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6));
      out.put("modified", Files.getLastModifiedTime(file).toInstant().toString());
    } catch (IOException | NoSuchAlgorithmException e) {
      out.put("version", "cannot be read: " + e.getMessage());
    }
    return out;
  }
}
