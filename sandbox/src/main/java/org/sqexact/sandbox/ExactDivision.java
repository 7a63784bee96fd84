package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * In-memory state of a fake Exact Online division (the demo's is {@value DemoSandbox#DIVISION}): a
 * generic OData store over the official EDMX (every entity set exists, initially empty unless
 * seeded), the OAuth token chain, the rate-limit counters and the controls tests and the demo use.
 *
 * <p>All methods are thread-safe. Methods returning entities return copies; change state through
 * {@link #put}, {@link #update}, {@link #delete} or the HTTP API.
 */
public final class ExactDivision {

  /** One call as the fake Exact saw it. {@code status} 0 means the response was dropped. */
  public record LoggedRequest(String method, String pathAndQuery, int status) {}

  /** A 4xx/5xx answer with Exact's error body. */
  static final class ExactException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ExactException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  static final String DEMO_USER_ID = "5e2f3e0c-7a47-4f1a-9a7e-1d0c6b1f0a01";
  static final String DEMO_USER_NAME = "Demo User";
  static final long FIRST_TIMESTAMP = 9_000_000_000L;

  /** Entity types used in {@code sync/Deleted}. */
  private static final Map<String, Integer> DELETED_ENTITY_TYPES =
      Map.ofEntries(
          Map.entry("crm/accounts", 2),
          Map.entry("crm/addresses", 3),
          Map.entry("crm/contacts", 5),
          Map.entry("financial/glaccounts", 7),
          Map.entry("logistics/salesitemprices", 8),
          Map.entry("logistics/items", 9),
          Map.entry("crm/quotations", 11),
          Map.entry("salesinvoice/salesinvoices", 13),
          Map.entry("salesorder/goodsdeliveries", 16),
          Map.entry("inventory/itemwarehouses", 19),
          Map.entry("salesorder/salesorders", 32),
          Map.entry("salesorder/salesorderlines", 33));

  /** Sets where Exact applies "mandatory filtering" (they have a sync API). */
  private static final Set<String> MANDATORY_FILTER_SETS =
      Set.of(
          "crm/accounts",
          "crm/contacts",
          "crm/addresses",
          "logistics/items",
          "salesorder/salesorders",
          "salesinvoice/salesinvoices",
          "salesorder/goodsdeliveries",
          "inventory/itemwarehouses");

  private static final Map<String, String> STOCK_POSITION_PROPERTIES = stockPositionProperties();

  private final Clock clock;
  private final int number;
  private final SandboxEdmx edmx;
  private final Map<String, List<ObjectNode>> store = new HashMap<>();
  private final List<ObjectNode> deleted = new ArrayList<>();
  private final Map<String, Long> counters = new HashMap<>();
  private long timestamp = FIRST_TIMESTAMP;
  private String baseUrl = "http://127.0.0.1/exact";

  // OAuth
  private String refreshToken = DemoSandbox.FIRST_REFRESH_TOKEN;
  private final Set<String> oldRefreshTokens = new HashSet<>();
  private final Map<String, Map.Entry<String, Instant>> authorizationCodes = new HashMap<>();
  private Instant lastIssued;
  private final Map<String, Instant> accessTokens = new HashMap<>();
  private int refreshSequence;
  private int tokenRefreshCount;

  // rate limits
  private int minutelyLimit = 60;
  private int dailyLimit = 5000;
  private long currentMinute = Long.MIN_VALUE;
  private int callsThisMinute;
  private LocalDate currentDay;
  private int callsToday;

  // controls and logging
  private final List<LoggedRequest> log = new ArrayList<>();
  private int requestCount;
  private long handlingNanos;
  private final List<String[]> failRules = new ArrayList<>();
  private final List<String> dropPosts = new ArrayList<>();
  private boolean mandatoryFiltering = true;

  /** A division numbered {@code number}: the demo's, or one of several a benchmark starts. */
  ExactDivision(Clock clock, int number) {
    this.clock = clock;
    this.number = number;
    this.edmx = SandboxEdmx.shared();
  }

  // =====================================================================================
  // Public controls
  // =====================================================================================

  /** The division's number (Exact's {@code Code}), the one in {@code /api/v1/<division>/}. */
  public int number() {
    return number;
  }

  /**
   * Copies of the entities of an entity set, e.g. {@code "crm/Accounts"}, {@code
   * "salesorder/SalesOrders"} (with their stored {@code SalesOrderLines}), {@code
   * "salesorder/SalesOrderLines"}, {@code "sync/CRM/Accounts"} or {@code
   * "sync/Inventory/StockPositions"}. Stored values are canonical: guids lower-case, dates {@code
   * /Date(ms)/}; every stored entity carries its sync {@code Timestamp}.
   */
  public synchronized List<ObjectNode> entities(String entitySet) {
    ExactSet def = resolveOrThrow(entitySet);
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode row : rows(def)) {
      out.add(row.deepCopy());
    }
    return out;
  }

  /** The entity with the given key (guid) in a stored set, as a copy. */
  public synchronized Optional<ObjectNode> find(String entitySet, String key) {
    ExactSet def = resolveOrThrow(entitySet);
    ObjectNode row = findByKey(def, key);
    return Optional.ofNullable(row == null ? null : row.deepCopy());
  }

  /**
   * Inserts an entity as if it had been POSTed, without Exact's business rules (so tests and the
   * demo can set up anything): unknown properties are still rejected, the key ({@code ID}, {@code
   * OrderID}, …) is generated when absent, numbers ({@code OrderNumber}, account {@code Code}, …),
   * {@code Created}/{@code Modified} and the sync {@code Timestamp} are assigned.
   *
   * @return a copy of the stored entity
   * @throws IllegalArgumentException for unknown sets/properties or a duplicate key
   */
  public synchronized ObjectNode put(String entitySet, ObjectNode entity) {
    ExactSet def = resolveOrThrow(entitySet);
    try {
      return insert(def, entity, false).deepCopy();
    } catch (ExactException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Changes a stored entity in place (bumping {@code Modified} and {@code Timestamp}), e.g. {@code
   * exact().update("logistics/Items", id, i -> i.put("StandardSalesPrice", 12.5))}.
   */
  public synchronized ObjectNode update(String entitySet, String key, Consumer<ObjectNode> change) {
    ExactSet def = resolveOrThrow(entitySet);
    ObjectNode row = findByKey(def, key);
    if (row == null) {
      throw new IllegalArgumentException("No entity " + key + " in " + entitySet);
    }
    change.accept(row);
    touch(row);
    return row.deepCopy();
  }

  /** Deletes a stored entity and records it for {@code sync/Deleted}. */
  public synchronized boolean delete(String entitySet, String key) {
    ExactSet def = resolveOrThrow(entitySet);
    try {
      remove(def, key);
      return true;
    } catch (ExactException e) {
      return false;
    }
  }

  /** Convenience for the demo: adds a sales item (e.g. the missing {@code POSTER-A2}). */
  public synchronized ObjectNode addItem(
      String code, String description, String salesVatCode, double price, double stock) {
    ObjectNode item = Http.object();
    item.put("Code", code);
    item.put("Description", description);
    item.put("IsSalesItem", true);
    item.put("IsStockItem", stock > 0);
    item.put("SalesVatCode", salesVatCode);
    item.put("StandardSalesPrice", price);
    item.put("Stock", stock);
    return put("logistics/Items", item);
  }

  /** Sets the stock of an item in the main warehouse (drives the Exact → shop stock sync). */
  public synchronized void setStock(String itemCode, double quantity) {
    ObjectNode item =
        findFirst("logistics/items", "Code", itemCode)
            .orElseThrow(() -> new IllegalArgumentException("No item " + itemCode));
    ObjectNode iw = itemWarehouse(item.get("ID").asText(), mainWarehouseId(), true);
    BigDecimal q = BigDecimal.valueOf(quantity);
    iw.put("CurrentStock", q);
    recalcProjected(iw);
    touch(iw);
    item.put("Stock", q);
    touch(item);
  }

  /** Total HTTP requests received by the Exact side (token, Me and division calls). */
  public synchronized int requestCount() {
    return requestCount;
  }

  /**
   * Time the fake Exact spent answering, summed over every request so far (request read to response
   * written): Exact's own share of a call's duration, for benchmarks whose connector runs on a
   * clock that stands still.
   */
  public synchronized Duration handlingTime() {
    return Duration.ofNanos(handlingNanos);
  }

  synchronized void handled(long nanos) {
    handlingNanos += nanos;
  }

  /** Successful refresh-token grants. */
  public synchronized int tokenRefreshCount() {
    return tokenRefreshCount;
  }

  /** Every call in arrival order (method, path with query, status; 0 = response dropped). */
  public synchronized List<LoggedRequest> requestLog() {
    return new ArrayList<>(log);
  }

  public synchronized void clearRequestLog() {
    log.clear();
  }

  /**
   * The next call whose path+query contains {@code pathFragment} answers {@code status} with an
   * Exact error body carrying {@code message} (a 429 carries only minutely rate headers).
   */
  public synchronized void failNext(String pathFragment, int status, String message) {
    failRules.add(new String[] {pathFragment, Integer.toString(status), message});
  }

  /**
   * The next POST to {@code entitySet} (e.g. {@code "salesorder/SalesOrders"}) is committed, then
   * the connection is closed without any response: a lost response.
   */
  public synchronized void dropResponseOfNextPost(String entitySet) {
    dropPosts.add(entitySet.toLowerCase(Locale.ROOT));
  }

  /** The refresh token that currently works. */
  public synchronized String currentRefreshToken() {
    return refreshToken;
  }

  /** Makes every issued access token expire now (the next API call answers 401). */
  public synchronized void expireAccessTokens() {
    accessTokens.replaceAll((k, v) -> clock.instant().minusMillis(1));
  }

  /**
   * Starts a new token chain with {@code token} as the valid refresh token and no "too early"
   * restriction (e.g. after restarting the demo with a persisted token store).
   */
  public synchronized void resetRefreshToken(String token) {
    if (!token.equals(refreshToken)) {
      oldRefreshTokens.add(refreshToken);
    }
    oldRefreshTokens.remove(token);
    refreshToken = token;
    lastIssued = null;
  }

  /** Calls counted in the current fixed clock minute / UTC day (calls with a division). */
  public synchronized int callsThisMinute() {
    rollWindows();
    return callsThisMinute;
  }

  public synchronized int callsToday() {
    rollWindows();
    return callsToday;
  }

  /** Overrides the limits (defaults 60 per minute, 5000 per day). */
  public synchronized void rateLimits(int perMinute, int perDay) {
    this.minutelyLimit = perMinute;
    this.dailyLimit = perDay;
  }

  /** Forgets the calls counted so far this minute and today. */
  public synchronized void resetRateCounters() {
    callsThisMinute = 0;
    callsToday = 0;
  }

  /**
   * Whether GET lists of sets with a sync API ({@code crm/Accounts}, {@code logistics/Items}, …)
   * require a {@code $filter}, as Exact does since 2021 (default true).
   */
  public synchronized void mandatoryFiltering(boolean on) {
    this.mandatoryFiltering = on;
  }

  /** The highest sync {@code Timestamp} handed out so far. */
  public synchronized long lastTimestamp() {
    return timestamp;
  }

  // =====================================================================================
  // Package-private API used by SandboxExactApi, ExactRules and the seed loader
  // =====================================================================================

  Clock clock() {
    return clock;
  }

  SandboxEdmx edmx() {
    return edmx;
  }

  void baseUrl(String url) {
    this.baseUrl = url;
  }

  String baseUrl() {
    return baseUrl;
  }

  boolean mandatoryFilteringFor(ExactSet def) {
    return mandatoryFiltering
        && def.kind == ExactSet.Kind.STORED
        && MANDATORY_FILTER_SETS.contains(def.storePath());
  }

  void countRequest() {
    requestCount++;
  }

  void log(String method, String pathAndQuery, int status) {
    log.add(new LoggedRequest(method, pathAndQuery, status));
  }

  /** Removes and returns a matching failNext rule ({fragment, status, message}) or null. */
  String[] takeFailRule(String pathAndQuery) {
    for (Iterator<String[]> it = failRules.iterator(); it.hasNext(); ) {
      String[] rule = it.next();
      if (pathAndQuery.contains(rule[0])) {
        it.remove();
        return rule;
      }
    }
    return null;
  }

  boolean takeDropPost(ExactSet def) {
    String path = def.urlPath.toLowerCase(Locale.ROOT);
    String store = def.storePath();
    for (Iterator<String> it = dropPosts.iterator(); it.hasNext(); ) {
      String p = it.next();
      if (p.equals(path) || p.equals(store)) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  // ----------------------------------------------------------------------------- OAuth

  /** Result of a token request: status, JSON body, optional Reason header. */
  record TokenResult(int status, ObjectNode body, String reason) {}

  TokenResult refresh(Map<String, String> form) {
    String grant = form.get("grant_type");
    if (!DemoSandbox.CLIENT_ID.equals(form.get("client_id"))
        || !DemoSandbox.CLIENT_SECRET.equals(form.get("client_secret"))) {
      return tokenError(400, "invalid_client", "Client authentication failed.", null);
    }
    if ("authorization_code".equals(grant)) {
      return exchangeCode(form);
    }
    if (!"refresh_token".equals(grant)) {
      return tokenError(
          400,
          "unsupported_grant_type",
          "The demo sandbox supports grant_type=refresh_token and authorization_code.",
          null);
    }
    String presented = form.get("refresh_token");
    Instant now = clock.instant();
    if (presented == null || presented.isEmpty()) {
      return tokenError(400, "invalid_request", "The refresh_token parameter is missing.", null);
    }
    if (oldRefreshTokens.contains(presented)) {
      return tokenError(401, "unauthorized_client", "Old refresh token used.", null);
    }
    if (!presented.equals(refreshToken)) {
      return tokenError(400, "invalid_grant", "Invalid refresh token.", null);
    }
    if (lastIssued != null && now.isAfter(lastIssued.plus(Duration.ofDays(30)))) {
      return tokenError(
          400,
          "invalid_request",
          "The refresh token expired at "
              + lastIssued.plus(Duration.ofDays(30))
              + " and it is now "
              + now
              + ".",
          null);
    }
    if (lastIssued != null && now.isBefore(lastIssued.plusSeconds(570))) {
      return tokenError(
          400,
          "access_denied",
          "Rate limit exceeded: access_token not expired",
          "TooEarlyToRefreshTokens");
    }
    oldRefreshTokens.add(refreshToken);
    refreshSequence++;
    refreshToken = "demo-refresh-token-" + refreshSequence;
    String access = "AAEAA" + Http.randomToken(48);
    accessTokens.put(access, now.plusSeconds(600));
    accessTokens.values().removeIf(expiry -> expiry.isBefore(now.minus(Duration.ofHours(1))));
    lastIssued = now;
    tokenRefreshCount++;
    ObjectNode body = Http.object();
    body.put("access_token", access);
    body.put("token_type", "bearer");
    body.put("expires_in", "600");
    body.put("refresh_token", refreshToken);
    return new TokenResult(200, body, null);
  }

  /** A one-time code for the consent's redirect; valid 3 minutes (notes §1). */
  String issueAuthorizationCode(String redirectUri) {
    String code = "demo-code!" + Http.randomToken(24);
    authorizationCodes.put(code, Map.entry(redirectUri, clock.instant().plusSeconds(180)));
    return code;
  }

  /** The code flow's token request: a new token chain; the old refresh token is spent. */
  private TokenResult exchangeCode(Map<String, String> form) {
    String code = form.get("code");
    Map.Entry<String, Instant> issued = code == null ? null : authorizationCodes.remove(code);
    Instant now = clock.instant();
    if (issued == null || now.isAfter(issued.getValue())) {
      return tokenError(
          400, "invalid_grant", "The authorization code is invalid or expired.", null);
    }
    if (!issued.getKey().equals(form.get("redirect_uri"))) {
      return tokenError(400, "invalid_grant", "The redirect_uri does not match.", null);
    }
    oldRefreshTokens.add(refreshToken);
    refreshSequence++;
    refreshToken = "demo-refresh-token-" + refreshSequence;
    String access = "AAEAA" + Http.randomToken(48);
    accessTokens.put(access, now.plusSeconds(600));
    lastIssued = now;
    tokenRefreshCount++;
    ObjectNode body = Http.object();
    body.put("access_token", access);
    body.put("token_type", "bearer");
    body.put("expires_in", "600");
    body.put("refresh_token", refreshToken);
    return new TokenResult(200, body, null);
  }

  private static TokenResult tokenError(
      int status, String error, String description, String reason) {
    ObjectNode body = Http.object();
    body.put("error", error);
    body.put("error_description", description);
    return new TokenResult(status, body, reason);
  }

  /** Null when the bearer token is valid, else the 401 message. */
  String checkAccessToken(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "Unauthorized: no access token (Authorization: Bearer <token> expected).";
    }
    String token = authorization.substring(7).trim();
    Instant expiry = accessTokens.get(token);
    if (expiry == null) {
      return "Unauthorized: unknown access token.";
    }
    if (!clock.instant().isBefore(expiry)) {
      return "Unauthorized: the access token has expired.";
    }
    return null;
  }

  // ----------------------------------------------------------------------------- rate limits

  /** Rate-limit verdict for one call with a division in the URL. */
  record RateResult(boolean allowed, Map<String, String> headers) {}

  RateResult countCall() {
    rollWindows();
    long minuteReset = (currentMinute + 1) * 60_000L;
    long dayReset = currentDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    Map<String, String> headers = new LinkedHashMap<>();
    if (callsThisMinute >= minutelyLimit) {
      headers.put("X-RateLimit-Minutely-Limit", Integer.toString(minutelyLimit));
      headers.put("X-RateLimit-Minutely-Remaining", "0");
      headers.put("X-RateLimit-Minutely-Reset", Long.toString(minuteReset));
      return new RateResult(false, headers);
    }
    if (callsToday >= dailyLimit) {
      headers.put("X-RateLimit-Limit", Integer.toString(dailyLimit));
      headers.put("X-RateLimit-Remaining", "0");
      headers.put("X-RateLimit-Reset", Long.toString(dayReset));
      return new RateResult(false, headers);
    }
    callsThisMinute++;
    callsToday++;
    headers.put("X-RateLimit-Limit", Integer.toString(dailyLimit));
    headers.put("X-RateLimit-Remaining", Integer.toString(dailyLimit - callsToday));
    headers.put("X-RateLimit-Reset", Long.toString(dayReset));
    headers.put("X-RateLimit-Minutely-Limit", Integer.toString(minutelyLimit));
    headers.put(
        "X-RateLimit-Minutely-Remaining", Integer.toString(minutelyLimit - callsThisMinute));
    headers.put("X-RateLimit-Minutely-Reset", Long.toString(minuteReset));
    return new RateResult(true, headers);
  }

  /** Headers of an exhausted minute, for a forced 429. */
  Map<String, String> exhaustedMinuteHeaders() {
    rollWindows();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-RateLimit-Minutely-Limit", Integer.toString(minutelyLimit));
    headers.put("X-RateLimit-Minutely-Remaining", "0");
    headers.put("X-RateLimit-Minutely-Reset", Long.toString((currentMinute + 1) * 60_000L));
    return headers;
  }

  private void rollWindows() {
    Instant now = clock.instant();
    long minute = Math.floorDiv(now.toEpochMilli(), 60_000L);
    if (minute != currentMinute) {
      currentMinute = minute;
      callsThisMinute = 0;
    }
    LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
    if (!day.equals(currentDay)) {
      currentDay = day;
      callsToday = 0;
    }
  }

  // ----------------------------------------------------------------------------- set resolution

  ExactSet resolveOrThrow(String path) {
    ExactSet def = resolve(path);
    if (def == null) {
      throw new IllegalArgumentException("Unknown Exact entity set: " + path);
    }
    return def;
  }

  /**
   * Maps a path after {@code /api/v1/{division}/} (e.g. {@code crm/Accounts}, {@code
   * sync/CRM/Accounts}, {@code bulk/Logistics/Items}) to a set; null when unknown.
   */
  ExactSet resolve(String path) {
    String[] parts = path.split("/");
    String first = parts[0].toLowerCase(Locale.ROOT);
    if (parts.length == 2 && first.equals("sync") && parts[1].equalsIgnoreCase("Deleted")) {
      SandboxEdmx.EntitySet set = edmx.set("sync", "Deleted");
      return new ExactSet(
          ExactSet.Kind.DELETED,
          path,
          null,
          null,
          null,
          set.type.properties,
          "Timestamp",
          set.type.fullName,
          1000);
    }
    if (parts.length == 3 && (first.equals("sync") || first.equals("bulk"))) {
      if (first.equals("sync")
          && parts[1].equalsIgnoreCase("Inventory")
          && parts[2].equalsIgnoreCase("StockPositions")) {
        return new ExactSet(
            ExactSet.Kind.STOCK_POSITIONS,
            path,
            null,
            null,
            null,
            STOCK_POSITION_PROPERTIES,
            "Timestamp",
            "Exact.Web.Api.Models.Sync.Inventory.StockPosition",
            1000);
      }
      String setName = parts[2];
      boolean headers = parts[2].equalsIgnoreCase("SalesOrderHeaders");
      if (headers) {
        setName = "SalesOrders";
      }
      SandboxEdmx.EntitySet set = edmx.set(parts[1], setName);
      if (set == null) {
        return null;
      }
      if (first.equals("bulk")) {
        return new ExactSet(
            ExactSet.Kind.BULK,
            path,
            set,
            null,
            null,
            set.type.properties,
            set.type.key,
            set.type.fullName,
            1000);
      }
      Map<String, String> props = new LinkedHashMap<>();
      props.put("Timestamp", "Edm.Int64");
      if (headers) {
        props.put("ID", "Edm.Guid");
      }
      props.putAll(set.type.properties);
      String[] ns = set.type.fullName.split("\\.");
      return new ExactSet(
          ExactSet.Kind.SYNC,
          path,
          set,
          null,
          null,
          props,
          "Timestamp",
          "Exact.Web.Api.Models.Sync." + parts[1] + "." + ns[ns.length - 1],
          1000);
    }
    if (parts.length != 2) {
      return null;
    }
    SandboxEdmx.EntitySet set = edmx.set(parts[0], parts[1]);
    if (set == null) {
      return null;
    }
    for (SandboxEdmx.EntitySet candidate : edmx.sets()) {
      if (!candidate.service.equals(set.service) || candidate == set) {
        continue;
      }
      for (Map.Entry<String, String> nav : candidate.type.navigations.entrySet()) {
        String parentKey = candidate.type.key;
        if (nav.getValue().equals(set.type.fullName)
            && set.type.properties.containsKey(parentKey)
            && !parentKey.equals(set.type.key)) {
          return new ExactSet(
              ExactSet.Kind.CHILD,
              path,
              set,
              candidate,
              nav.getKey(),
              set.type.properties,
              set.type.key,
              set.type.fullName,
              60);
        }
      }
    }
    return new ExactSet(
        ExactSet.Kind.STORED,
        path,
        set,
        null,
        null,
        set.type.properties,
        set.type.key,
        set.type.fullName,
        60);
  }

  // ----------------------------------------------------------------------------- reading

  /** Live stored rows (STORED/CHILD/BULK) or computed copies (views), unordered. */
  List<ObjectNode> rows(ExactSet def) {
    switch (def.kind) {
      case STORED:
      case BULK:
        return stored(def.storePath());
      case CHILD:
        {
          List<ObjectNode> out = new ArrayList<>();
          for (ObjectNode header : stored(def.parent.path().toLowerCase(Locale.ROOT))) {
            JsonNode lines = header.get(def.navigation);
            if (lines != null && lines.isArray()) {
              for (JsonNode line : lines) {
                out.add((ObjectNode) line);
              }
            }
          }
          return out;
        }
      case SYNC:
        {
          List<ObjectNode> out = new ArrayList<>();
          ExactSet source = resolve(def.edmxSet.path());
          for (ObjectNode row : rows(source)) {
            ObjectNode copy = row.deepCopy();
            if (def.properties.containsKey("ID") && !copy.has("ID")) {
              copy.set("ID", copy.get(def.edmxSet.type.key));
            }
            out.add(copy);
          }
          return out;
        }
      case STOCK_POSITIONS:
        return stockPositions();
      case DELETED:
        return new ArrayList<>(deleted);
      default:
        throw new IllegalStateException(def.kind.toString());
    }
  }

  List<ObjectNode> stored(String storePath) {
    return store.computeIfAbsent(storePath, k -> new ArrayList<>());
  }

  ObjectNode findByKey(ExactSet def, String key) {
    for (ObjectNode row : rows(def)) {
      JsonNode k = row.get(def.key);
      if (k != null && k.asText().equalsIgnoreCase(key)) {
        return row;
      }
    }
    return null;
  }

  /** First stored row of {@code storePath} whose property equals the value (case-insensitive). */
  Optional<ObjectNode> findFirst(String storePath, String property, String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (ObjectNode row : stored(storePath.toLowerCase(Locale.ROOT))) {
      JsonNode v = row.get(property);
      if (v != null && !v.isNull() && v.asText().trim().equalsIgnoreCase(value.trim())) {
        return Optional.of(row);
      }
    }
    return Optional.empty();
  }

  Optional<ObjectNode> byId(String storePath, String id) {
    return findFirst(storePath, "ID", id);
  }

  String mainWarehouseId() {
    for (ObjectNode w : stored("inventory/warehouses")) {
      if (w.path("Main").asInt() == 1) {
        return w.get("ID").asText();
      }
    }
    List<ObjectNode> all = stored("inventory/warehouses");
    return all.isEmpty() ? null : all.get(0).get("ID").asText();
  }

  // ----------------------------------------------------------------------------- writing

  long nextTimestamp() {
    return ++timestamp;
  }

  long nextNumber(String counter, long first) {
    long next = counters.getOrDefault(counter, first - 1) + 1;
    counters.put(counter, next);
    return next;
  }

  /** Bumps Modified and the sync Timestamp of a stored row. */
  void touch(ObjectNode row) {
    row.put("Modified", ODataValues.date(clock.instant()));
    row.put("Timestamp", nextTimestamp());
  }

  ObjectNode insert(ExactSet def, ObjectNode body, boolean rules) {
    if (!def.writable()) {
      throw new ExactException(405, "Method not allowed: " + def.urlPath + " is read-only.");
    }
    SandboxEdmx.EntityType type = def.edmxSet.type;
    ObjectNode entity =
        coerceEntity(def.edmxSet.service, type, body, def.kind == ExactSet.Kind.STORED);
    ObjectNode parent = null;
    if (def.kind == ExactSet.Kind.CHILD) {
      String parentKey = def.parent.type.key;
      JsonNode ref = entity.get(parentKey);
      if (ref == null || ref.isNull()) {
        throw new ExactException(400, "Mandatory: " + parentKey);
      }
      parent = byKeyIn(def.parent, ref.asText());
      if (parent == null) {
        throw new ExactException(400, "Invalid reference: " + parentKey);
      }
    }
    String key = type.key;
    JsonNode keyValue = entity.get(key);
    if (keyValue == null || keyValue.isNull()) {
      entity.put(key, UUID.randomUUID().toString());
    } else if (findByKey(def, keyValue.asText()) != null) {
      throw new ExactException(400, "Duplicate key: " + key + " " + keyValue.asText());
    }
    if (rules) {
      ExactRules.validate(this, def, entity, null);
    }
    Instant now = clock.instant();
    stamp(type, entity, now);
    ExactRules.derive(this, def, entity, parent);
    for (Map.Entry<String, String> nav : type.navigations.entrySet()) {
      JsonNode lines = entity.get(nav.getKey());
      if (lines != null && lines.isArray()) {
        SandboxEdmx.EntityType lineType = edmx.type(def.edmxSet.service, nav.getValue());
        for (JsonNode line : lines) {
          stamp(lineType, (ObjectNode) line, now);
        }
      }
    }
    if (def.kind == ExactSet.Kind.CHILD) {
      JsonNode existing = parent.get(def.navigation);
      ArrayNode lines =
          existing != null && existing.isArray()
              ? (ArrayNode) existing
              : parent.putArray(def.navigation);
      lines.add(entity);
      ExactRules.recalcHeader(this, def.parent, parent);
      touch(parent);
    } else {
      stored(def.storePath()).add(entity);
    }
    ExactRules.afterInsert(this, def, entity);
    return entity;
  }

  private ObjectNode byKeyIn(SandboxEdmx.EntitySet set, String key) {
    return findFirst(set.path(), set.type.key, key).orElse(null);
  }

  private void stamp(SandboxEdmx.EntityType type, ObjectNode entity, Instant now) {
    if (type.key != null && !entity.hasNonNull(type.key)) {
      entity.put(type.key, UUID.randomUUID().toString());
    }
    if (type.properties.containsKey("Division")) {
      entity.put("Division", number);
    }
    if (type.properties.containsKey("Created") && !entity.hasNonNull("Created")) {
      entity.put("Created", ODataValues.date(now));
    }
    if (type.properties.containsKey("Modified") && !entity.hasNonNull("Modified")) {
      entity.put("Modified", ODataValues.date(now));
    }
    if (type.properties.containsKey("Creator") && !entity.hasNonNull("Creator")) {
      entity.put("Creator", DEMO_USER_ID);
      if (type.properties.containsKey("CreatorFullName")) {
        entity.put("CreatorFullName", DEMO_USER_NAME);
      }
    }
    if (type.properties.containsKey("Modifier")) {
      entity.put("Modifier", DEMO_USER_ID);
      if (type.properties.containsKey("ModifierFullName")) {
        entity.put("ModifierFullName", DEMO_USER_NAME);
      }
    }
    entity.put("Timestamp", nextTimestamp());
  }

  ObjectNode updateFromBody(ExactSet def, String key, ObjectNode body) {
    if (!def.writable()) {
      throw new ExactException(405, "Method not allowed: " + def.urlPath + " is read-only.");
    }
    ObjectNode row = findByKey(def, key);
    if (row == null) {
      throw new ExactException(
          404, "Resource not found for the segment '" + def.edmxSet.name + "'.");
    }
    SandboxEdmx.EntityType type = def.edmxSet.type;
    ObjectNode changes = coerceEntity(def.edmxSet.service, type, body, false);
    JsonNode newKey = changes.get(type.key);
    if (newKey != null && !newKey.asText().equalsIgnoreCase(key)) {
      throw new ExactException(400, "The key property '" + type.key + "' cannot be changed.");
    }
    ExactRules.validate(this, def, changes, row);
    row.setAll(changes);
    touch(row);
    ExactRules.derive(this, def, row, null);
    return row;
  }

  void remove(ExactSet def, String key) {
    if (!def.writable()) {
      throw new ExactException(405, "Method not allowed: " + def.urlPath + " is read-only.");
    }
    ObjectNode row = findByKey(def, key);
    if (row == null) {
      throw new ExactException(
          404, "Resource not found for the segment '" + def.edmxSet.name + "'.");
    }
    if (def.kind == ExactSet.Kind.CHILD) {
      for (ObjectNode header : stored(def.parent.path().toLowerCase(Locale.ROOT))) {
        JsonNode lines = header.get(def.navigation);
        if (lines != null && lines.isArray()) {
          ArrayNode arr = (ArrayNode) lines;
          for (int i = 0; i < arr.size(); i++) {
            if (arr.get(i) == row) {
              arr.remove(i);
              ExactRules.recalcHeader(this, def.parent, header);
              touch(header);
              break;
            }
          }
        }
      }
    } else {
      stored(def.storePath()).remove(row);
    }
    ObjectNode d = Http.object();
    d.put("ID", UUID.randomUUID().toString());
    d.put("Timestamp", nextTimestamp());
    d.put("EntityKey", row.get(def.key).asText());
    d.put("Division", number);
    d.put(
        "EntityType",
        DELETED_ENTITY_TYPES.getOrDefault(def.edmxSet.path().toLowerCase(Locale.ROOT), 0));
    d.put("DeletedDate", ODataValues.date(clock.instant()));
    d.put("DeletedBy", DEMO_USER_ID);
    deleted.add(d);
  }

  /**
   * Validates property names against the EDMX type and converts values to their stored form.
   * Navigation collections (lines) are accepted as an array or {@code {"results":[…]}} when {@code
   * allowLines}.
   */
  ObjectNode coerceEntity(
      String service, SandboxEdmx.EntityType type, ObjectNode body, boolean allowLines) {
    ObjectNode out = Http.object();
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      String name = field.getKey();
      if (name.equals("__metadata")) {
        continue;
      }
      String edmType = type.properties.get(name);
      if (edmType != null) {
        try {
          out.set(name, ODataValues.coerce(edmType, field.getValue()));
        } catch (IllegalArgumentException e) {
          throw new ExactException(
              400,
              "Error processing request stream. Error encountered in converting the value from"
                  + " request payload for property '"
                  + name
                  + "' to type '"
                  + edmType.replace("Edm.", "System.")
                  + "', which is the property's expected type. See inner exception for more"
                  + " detail.");
        }
        continue;
      }
      String target = type.navigations.get(name);
      if (target != null && allowLines) {
        JsonNode value = field.getValue();
        if (value.isObject() && value.has("results")) {
          value = value.get("results");
        }
        if (value.isNull()) {
          continue;
        }
        if (!value.isArray()) {
          throw new ExactException(
              400,
              "Error processing request stream. The navigation property '"
                  + name
                  + "' expects an array of entries.");
        }
        SandboxEdmx.EntityType lineType = edmx.type(service, target);
        ArrayNode lines = out.putArray(name);
        for (JsonNode line : value) {
          if (!line.isObject()) {
            throw new ExactException(
                400, "Error processing request stream. Entries of '" + name + "' must be objects.");
          }
          lines.add(coerceEntity(service, lineType, (ObjectNode) line, false));
        }
        continue;
      }
      throw new ExactException(
          400,
          "Error processing request stream. The property name '"
              + name
              + "' specified for type '"
              + type.fullName
              + "' is not valid.");
    }
    return out;
  }

  // ----------------------------------------------------------------------------- stock

  ObjectNode itemWarehouse(String itemId, String warehouseId, boolean create) {
    for (ObjectNode iw : stored("inventory/itemwarehouses")) {
      if (iw.path("Item").asText().equalsIgnoreCase(itemId)
          && (warehouseId == null || iw.path("Warehouse").asText().equalsIgnoreCase(warehouseId))) {
        return iw;
      }
    }
    if (!create) {
      return null;
    }
    ObjectNode iw = Http.object();
    iw.put("Item", itemId);
    iw.put("Warehouse", warehouseId);
    iw.put("CurrentStock", BigDecimal.ZERO);
    return insert(resolve("inventory/ItemWarehouses"), iw, false);
  }

  static void recalcProjected(ObjectNode iw) {
    BigDecimal current = dec(iw, "CurrentStock");
    BigDecimal projected =
        current.add(dec(iw, "PlannedStockIn")).subtract(dec(iw, "PlannedStockOut"));
    iw.put("ProjectedStock", projected);
  }

  static BigDecimal dec(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return BigDecimal.ZERO;
    }
    return ODataValues.decimal(v);
  }

  private List<ObjectNode> stockPositions() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode iw : stored("inventory/itemwarehouses")) {
      ObjectNode sp = Http.object();
      sp.set("Timestamp", iw.get("Timestamp"));
      sp.set("CurrentStock", iw.get("CurrentStock"));
      sp.put("Division", number);
      BigDecimal reserved = dec(iw, "ReservedStock");
      sp.put("FreeStock", dec(iw, "CurrentStock").subtract(reserved));
      sp.set("ID", iw.get("ID"));
      sp.set("ItemCode", iw.get("ItemCode"));
      sp.set("ItemDescription", iw.get("ItemDescription"));
      sp.set("ItemId", iw.get("Item"));
      sp.put("PlanningIn", dec(iw, "PlannedStockIn"));
      sp.put("PlanningOut", dec(iw, "PlannedStockOut"));
      sp.put("ProjectedStock", dec(iw, "ProjectedStock"));
      sp.put("ReorderPoint", dec(iw, "ReorderPoint"));
      sp.put("ReservedStock", reserved);
      sp.put("UnitCode", "pc");
      sp.put("UnitDescription", "Stuk");
      sp.set("Warehouse", iw.get("Warehouse"));
      sp.set("WarehouseCode", iw.get("WarehouseCode"));
      sp.set("WarehouseDescription", iw.get("WarehouseDescription"));
      out.add(sp);
    }
    return out;
  }

  private static Map<String, String> stockPositionProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Timestamp", "Edm.Int64");
    p.put("CurrentStock", "Edm.Double");
    p.put("Division", "Edm.Int32");
    p.put("FreeStock", "Edm.Double");
    p.put("ID", "Edm.Guid");
    p.put("ItemCode", "Edm.String");
    p.put("ItemDescription", "Edm.String");
    p.put("ItemId", "Edm.Guid");
    p.put("PlanningIn", "Edm.Double");
    p.put("PlanningOut", "Edm.Double");
    p.put("ProjectedStock", "Edm.Double");
    p.put("ReorderPoint", "Edm.Double");
    p.put("ReservedStock", "Edm.Double");
    p.put("UnitCode", "Edm.String");
    p.put("UnitDescription", "Edm.String");
    p.put("Warehouse", "Edm.Guid");
    p.put("WarehouseCode", "Edm.String");
    p.put("WarehouseDescription", "Edm.String");
    return p;
  }
}
