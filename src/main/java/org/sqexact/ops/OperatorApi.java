package org.sqexact.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.IdempotentRepository;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.order.OrderEligibility;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.store.Watermarks;

/**
 * What the operator API ({@code routes/operator-api.camel.yaml}) answers: orders by state with
 * their reasons, one order's story, retry and skip, and the connector's status. Answers are maps
 * that the route writes as JSON; the HTTP status is set in {@code CamelHttpResponseCode}.
 */
public final class OperatorApi {

  private final OrderLedger ledger;
  private final ActivityLog activity;
  private final Alerts alerts;
  private final SquarespaceApi squarespace;
  private final OrderEligibility eligibility;
  private final IdempotentRepository idempotent;
  private final ExactTokenManager tokens;
  private final ExactDivisionCheck division;
  private final ExactRateGovernor governor;
  private final Watermarks watermarks;
  private final int divisionNumber;
  private final ProducerTemplate template;
  private final Runnable cachesStale;
  private Preflight preflight;

  public OperatorApi(
      OrderLedger ledger,
      ActivityLog activity,
      Alerts alerts,
      SquarespaceApi squarespace,
      OrderEligibility eligibility,
      IdempotentRepository idempotent,
      ExactTokenManager tokens,
      ExactDivisionCheck division,
      ExactRateGovernor governor,
      Watermarks watermarks,
      int divisionNumber,
      ProducerTemplate template,
      Runnable cachesStale) {
    this.ledger = ledger;
    this.activity = activity;
    this.alerts = alerts;
    this.squarespace = squarespace;
    this.eligibility = eligibility;
    this.idempotent = idempotent;
    this.tokens = tokens;
    this.division = division;
    this.governor = governor;
    this.watermarks = watermarks;
    this.divisionNumber = divisionNumber;
    this.template = template;
    this.cachesStale = cachesStale;
  }

  /** GET /api/orders?state=parked,failed&limit=100 — pending = in progress or failed. */
  public Map<String, Object> orders(Exchange exchange) {
    String states = exchange.getMessage().getHeader("state", String.class);
    int limit = exchange.getMessage().getHeader("limit", 200, Integer.class);
    EnumSet<State> wanted = EnumSet.noneOf(State.class);
    if (states != null && !states.isBlank()) {
      for (String s : states.split(",")) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        if (v.equals("PENDING")) {
          wanted.add(State.IN_PROGRESS);
          wanted.add(State.FAILED);
        } else {
          try {
            wanted.add(State.valueOf(v));
          } catch (IllegalArgumentException e) {
            return error(
                exchange,
                400,
                "unknown state '"
                    + s.trim()
                    + "'; use booked, skipped, parked, pending, failed or in_progress");
          }
        }
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Entry e : ledger.list(wanted, Math.max(1, Math.min(limit, 1000)))) {
      rows.add(view(e));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("counts", counts());
    out.put("orders", rows);
    return out;
  }

  /** GET /api/orders/{order} — by id or number: the ledger row and its activity. */
  public Map<String, Object> order(Exchange exchange) {
    String key = exchange.getMessage().getHeader("order", String.class);
    Optional<Entry> e = ledger.findByIdOrNumber(key);
    List<Map<String, Object>> lines = new ArrayList<>();
    for (ActivityLog.Entry a : activity.recent(key, 200)) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("at", a.at().toString());
      line.put("step", a.step());
      line.put("outcome", a.outcome());
      line.put("message", a.message());
      if (a.endpoint() != null) {
        line.put("endpoint", a.endpoint());
        line.put("httpStatus", a.httpStatus());
        line.put("durationMs", a.durationMs());
        line.put("minuteBudgetLeft", a.rateRemaining());
      }
      lines.add(line);
    }
    if (e.isEmpty() && lines.isEmpty()) {
      return error(exchange, 404, "order " + key + " is not known to the connector");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("order", e.map(this::view).orElse(null));
    out.put("activity", lines);
    return out;
  }

  /**
   * POST /api/orders/{order}/retry — a parked or failed order is fetched again from Squarespace and
   * booked now (payloads are not stored).
   */
  public Map<String, Object> retry(Exchange exchange) {
    String key = exchange.getMessage().getHeader("order", String.class);
    Optional<Entry> found = ledger.findByIdOrNumber(key);
    if (found.isEmpty()) {
      return error(exchange, 404, "order " + key + " is not known to the connector");
    }
    Entry e = found.get();
    if (e.state() != State.PARKED && e.state() != State.FAILED) {
      return error(
          exchange,
          409,
          "order #"
              + e.orderNumber()
              + " is "
              + e.state().name().toLowerCase(Locale.ROOT)
              + "; only parked or failed orders can be retried");
    }
    JsonNode order;
    try {
      order = squarespace.orderJson(e.orderId());
    } catch (SquarespaceException ex) {
      return error(
          exchange,
          502,
          "cannot fetch order #" + e.orderNumber() + " from Squarespace: " + ex.getMessage());
    }
    String reason = eligibility.reasonNotEligible(order);
    if (reason != null) {
      return error(exchange, 409, "order #" + e.orderNumber() + " is no longer booked: " + reason);
    }
    cachesStale.run(); // the operator may have fixed something in Exact: look again
    ledger.resetForRetry(e.orderId());
    idempotent.remove(e.orderId());
    activity.record(e.orderId(), e.orderNumber(), "retry", "ok", "retry asked by the operator");
    template.sendBody("direct:order", order);
    return view(ledger.find(e.orderId()).orElseThrow());
  }

  /** POST /api/orders/{order}/skip — the order will not be booked. */
  public Map<String, Object> skip(Exchange exchange) {
    String key = exchange.getMessage().getHeader("order", String.class);
    Optional<Entry> found = ledger.findByIdOrNumber(key);
    if (found.isPresent() && found.get().state() == State.BOOKED) {
      return error(
          exchange,
          409,
          "order #" + found.get().orderNumber() + " is already booked in Exact Online");
    }
    String orderId;
    String number;
    if (found.isPresent()) {
      orderId = found.get().orderId();
      number = found.get().orderNumber();
      ledger.markSkipped(orderId, null, null, null, "skipped by the operator");
    } else if (key.matches("[0-9a-f]{24}")) {
      JsonNode order;
      try {
        order = squarespace.orderJson(key);
      } catch (SquarespaceException ex) {
        return error(exchange, 404, "order " + key + " is not known: " + ex.getMessage());
      }
      orderId = key;
      number = order.path("orderNumber").asText();
      ledger.recordSkippedByOperator(orderId, number, "skipped by the operator");
    } else {
      return error(
          exchange,
          404,
          "order "
              + key
              + " is not known; give the Squarespace order id to skip an order the connector has not seen yet");
    }
    activity.record(orderId, number, "skip", "skipped", "skipped by the operator");
    return view(ledger.find(orderId).orElseThrow());
  }

  /** The pre-flight check the API runs on demand. */
  public void usePreflight(Preflight preflight) {
    this.preflight = preflight;
  }

  /** GET /api/preflight — checks every code in the settings against Exact now. */
  public Map<String, Object> preflight(Exchange exchange) {
    Preflight.Report r = preflight.run();
    if (!r.ok()) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 409);
    }
    return preflight.view(r);
  }

  /**
   * GET /api/orders/{order}/dry-run — the payloads an order would get (customer and document), the
   * resolved codes and any problem, without writing to Exact.
   */
  public Map<String, Object> dryRun(Exchange exchange) {
    String key = exchange.getMessage().getHeader("order", String.class);
    String orderId =
        ledger
            .findByIdOrNumber(key)
            .map(Entry::orderId)
            .orElseGet(() -> key.matches("[0-9a-f]{24}") ? key : findByNumber(key));
    if (orderId == null) {
      return error(
          exchange,
          404,
          "order "
              + key
              + " was not found: give its Squarespace order id or a number of the last"
              + " 90 days");
    }
    JsonNode order;
    try {
      order = squarespace.orderJson(orderId);
    } catch (SquarespaceException e) {
      return error(
          exchange, 404, "cannot fetch order " + key + " from Squarespace: " + e.getMessage());
    }
    Exchange run = template.request("direct:order-dry-run", e -> e.getMessage().setBody(order));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orderId", orderId);
    out.put("orderNumber", order.path("orderNumber").asText());
    String notEligible = eligibility.reasonNotEligible(order);
    out.put("eligible", notEligible == null);
    if (notEligible != null) {
      out.put("notEligibleBecause", notEligible);
    }
    Object existing = run.getProperty(org.sqexact.order.OrderKeys.EXISTING);
    if (existing instanceof org.sqexact.order.ExistenceCheck.Found f) {
      out.put("alreadyInExact", f.describe());
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    resolved.put("customer", run.getProperty(org.sqexact.order.OrderKeys.CUSTOMER_KIND));
    resolved.put("company", run.getProperty(org.sqexact.order.OrderKeys.COMPANY));
    resolved.put("accountId", run.getProperty(org.sqexact.order.OrderKeys.ACCOUNT_ID));
    resolved.put("contactId", run.getProperty(org.sqexact.order.OrderKeys.CONTACT_ID));
    resolved.put(
        "deliveryAddressId", run.getProperty(org.sqexact.order.OrderKeys.DELIVERY_ADDRESS_ID));
    out.put("resolved", resolved);
    out.put("customerWrites", run.getProperty(org.sqexact.order.CustomerResolver.DRY_RUN_WRITES));
    out.put("document", run.getProperty(org.sqexact.order.OrderKeys.DOCUMENT));
    String problem = run.getProperty("dryRunProblem", String.class);
    List<String> problems = new ArrayList<>();
    if (problem != null) {
      problems.add(problem);
    }
    if (preflight != null && preflight.last() != null) {
      for (Preflight.Problem p : preflight.last().problems()) {
        problems.add("setting " + p.setting() + ": " + p.message());
      }
    }
    out.put("problems", problems);
    out.put("wouldBook", notEligible == null && existing == null && problems.isEmpty());
    return out;
  }

  /**
   * Finds a Squarespace order id by its number among the orders of the last 90 days (the Orders API
   * cannot filter by number); null when not found.
   */
  private String findByNumber(String number) {
    if (!number.matches("[A-Za-z0-9-]{1,32}")) {
      return null;
    }
    java.time.format.DateTimeFormatter iso =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    Instant now = Instant.now();
    String query =
        "modifiedAfter="
            + iso.format(now.minus(java.time.Duration.ofDays(90)))
            + "&modifiedBefore="
            + iso.format(now)
            + "&paymentStates=NOT_CHARGED,AUTHORIZED,PAID,REFUNDED,PENDING,FAILED,PARTIALLY_PAID";
    for (int page = 0; page < 20 && query != null; page++) {
      JsonNode list = squarespace.get("/1.0/commerce/orders", query);
      for (JsonNode o : list.path("result")) {
        if (number.equals(o.path("orderNumber").asText())) {
          return o.path("id").asText();
        }
      }
      boolean next = list.path("pagination").path("hasNextPage").asBoolean(false);
      String cursor = list.path("pagination").path("nextPageCursor").asText(null);
      query =
          next && cursor != null
              ? "cursor="
                  + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)
              : null;
    }
    return null;
  }

  /** GET /api/status — the connection's health, budget and counts. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    String problem = tokens.problem();
    out.put("exactToken", problem == null ? "ok" : problem);
    out.put(
        "exactDivision",
        Map.of(
            "number",
            divisionNumber,
            "check",
            division.status().name(),
            "detail",
            division.detail()));
    ExactRateGovernor.Budget b = governor.budget(divisionNumber);
    Map<String, Object> budget = new LinkedHashMap<>();
    budget.put("minutelyLimit", b.minutelyLimit());
    budget.put("minutelyRemaining", b.minutelyRemaining() < 0 ? null : b.minutelyRemaining());
    budget.put("dailyLimit", b.dailyLimit());
    budget.put("dailyRemaining", b.dailyRemaining() < 0 ? null : b.dailyRemaining());
    budget.put("dailyReset", b.dailyReset() == null ? null : b.dailyReset().toString());
    budget.put("clientErrorsLastHour", governor.clientErrors(divisionNumber));
    out.put("exactBudget", budget);
    out.put("ordersPolledUntil", watermarks.get(SquarespaceOrderPages.FLOW).orElse(null));
    out.put("orders", counts());
    List<Map<String, Object>> recent = new ArrayList<>();
    for (Alerts.Alert a : alerts.recent().subList(0, Math.min(10, alerts.recent().size()))) {
      recent.add(Map.of("at", a.at().toString(), "code", a.code(), "message", a.message()));
    }
    out.put("recentAlerts", recent);
    return out;
  }

  /** GET /api/alerts. */
  public List<Map<String, Object>> alerts() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Alerts.Alert a : alerts.recent()) {
      out.add(Map.of("at", a.at().toString(), "code", a.code(), "message", a.message()));
    }
    return out;
  }

  private Map<String, Object> counts() {
    Map<String, Object> counts = new LinkedHashMap<>();
    Map<State, Integer> c = ledger.counts();
    counts.put("booked", c.getOrDefault(State.BOOKED, 0));
    counts.put("skipped", c.getOrDefault(State.SKIPPED, 0));
    counts.put("parked", c.getOrDefault(State.PARKED, 0));
    counts.put("pending", c.getOrDefault(State.FAILED, 0) + c.getOrDefault(State.IN_PROGRESS, 0));
    return counts;
  }

  private Map<String, Object> view(Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("orderId", e.orderId());
    m.put("orderNumber", e.orderNumber());
    m.put("state", e.state().name().toLowerCase(Locale.ROOT));
    m.put("documentType", e.documentType());
    m.put("exactDocumentId", e.documentId());
    m.put("exactDocumentNumber", e.documentNumber());
    m.put("attempts", e.attempts());
    m.put("reason", e.lastError());
    m.put("outcomeUnknown", e.outcomeUnknown());
    m.put("updatedAt", str(e.updatedAt()));
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Map<String, Object> error(Exchange exchange, int status, String message) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
