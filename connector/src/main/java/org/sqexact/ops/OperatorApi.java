package org.sqexact.ops;

import static org.sqexact.ops.ApiCalls.badOrderKey;
import static org.sqexact.ops.ApiCalls.conflict;
import static org.sqexact.ops.ApiCalls.error;
import static org.sqexact.ops.ApiCalls.operator;
import static org.sqexact.ops.ApiCalls.orderKey;
import static org.sqexact.ops.ApiCalls.query;
import static org.sqexact.ops.ApiCalls.shortText;
import static org.sqexact.ops.ApiCalls.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.IdempotentRepository;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.order.OrderEligibility;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.store.Watermarks;

/**
 * What the operator API ({@code routes/operator-api.camel.yaml}) answers: orders by state with
 * their reasons, one order's story, retry and skip, and the connector's status. Answers are maps
 * that the REST DSL writes as JSON (binding json); the HTTP status is set in {@code
 * CamelHttpResponseCode}.
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
  private final IntSupplier divisionNumber;
  private final ProducerTemplate template;
  private final Runnable cachesStale;
  private final OrderClaims claims;
  private DryRunReport dryRuns;
  private Preflight preflight;
  // the default connection's endpoints; a connection from connections/ has its own (-<id>)
  private String orderUri = "direct:order";
  private String pollQueueUri = "seda:poll-orders";
  // the default connection's id and how its API finds another running connection's API (issue 12)
  private String connectionId;
  private Function<String, OperatorApi> connections;

  /** The exchange property holding the answer when a call's {@code ?connection=} is refused. */
  private static final String REFUSAL = "sqexact.operatorApi.refusal";

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
      IntSupplier divisionNumber,
      ProducerTemplate template,
      Runnable cachesStale,
      OrderClaims claims) {
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
    this.claims = claims;
    this.dryRuns =
        new DryRunReport(ledger, squarespace, eligibility, template, "direct:order-dry-run");
  }

  /**
   * A connection from {@code connections/}: its order calls send to its own routes ({@code
   * direct:order-<id>}, {@code direct:order-dry-run-<id>}, {@code seda:poll-orders-<id>}).
   */
  public OperatorApi forConnection(String id) {
    this.orderUri = "direct:order-" + id;
    this.pollQueueUri = "seda:poll-orders-" + id;
    this.dryRuns =
        new DryRunReport(ledger, squarespace, eligibility, template, "direct:order-dry-run-" + id);
    return this;
  }

  /**
   * The default connection's API answers for the other running connections too: a call with {@code
   * ?connection=<id>} is handed to that connection's API (null when it does not run).
   */
  public void useConnections(String defaultId, Function<String, OperatorApi> others) {
    this.connectionId = defaultId;
    this.connections = others;
  }

  /**
   * The API of the connection a call is about: {@code ?connection=<id>}, by default (or naming it)
   * the default connection. Null when the parameter is refused; {@link #refused} has the answer
   * (400 given twice, 404 no such running connection).
   */
  public OperatorApi at(Exchange exchange) {
    if (connections == null) {
      return this; // a connection's own API: it was chosen already
    }
    List<String> given;
    try {
      given = ApiCalls.param(exchange, "connection");
    } catch (IllegalArgumentException e) {
      exchange.setProperty(REFUSAL, error(exchange, 400, e.getMessage()));
      return null;
    }
    if (given.isEmpty()) {
      return this;
    }
    if (given.size() > 1) {
      exchange.setProperty(REFUSAL, error(exchange, 400, "give 'connection' once"));
      return null;
    }
    String id = given.get(0).trim();
    if (id.equals(connectionId)) {
      return this;
    }
    OperatorApi other = connections.apply(id);
    if (other == null) {
      exchange.setProperty(
          REFUSAL, error(exchange, 404, "connection '" + shortText(id) + "' is not running here"));
    }
    return other;
  }

  /** The answer of a call whose {@code ?connection=} was refused ({@link #at}). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> refused(Exchange exchange) {
    return exchange.getProperty(REFUSAL, Map.class);
  }

  /** This connection's Squarespace API (the console's trace shows what the shop has now). */
  public SquarespaceApi squarespace() {
    return squarespace;
  }

  /** GET /api/orders?state=parked,failed&limit=100 — pending = in progress or failed. */
  public Map<String, Object> orders(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.orders(exchange);
    }
    Map<String, List<String>> query;
    try {
      query = query(exchange, Set.of("state", "limit", "connection"));
    } catch (IllegalArgumentException e) {
      return error(exchange, 400, e.getMessage());
    }
    List<String> limits = query.getOrDefault("limit", List.of());
    int limit = 200;
    if (limits.size() > 1) {
      return error(exchange, 400, "give 'limit' once");
    }
    if (limits.size() == 1) {
      String l = limits.get(0).trim();
      if (!l.matches("[0-9]{1,4}") || Integer.parseInt(l) < 1 || Integer.parseInt(l) > 1000) {
        return error(
            exchange, 400, "'limit' must be a whole number from 1 to 1000, got '" + l + "'");
      }
      limit = Integer.parseInt(l);
    }
    EnumSet<State> wanted = EnumSet.noneOf(State.class);
    for (String states : query.getOrDefault("state", List.of())) {
      for (String s : states.split(",")) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        if (v.isEmpty()) {
          continue;
        }
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
                    + shortText(s.trim())
                    + "'; use booked, skipped, parked, pending, failed or in_progress");
          }
        }
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Entry e : ledger.list(wanted, limit)) {
      rows.add(view(e));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("counts", counts());
    out.put("orders", rows);
    return out;
  }

  /** GET /api/orders/{order} — by id or number: the ledger row and its activity. */
  public Map<String, Object> order(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.order(exchange);
    }
    String key = orderKey(exchange);
    if (key == null) {
      return badOrderKey(exchange);
    }
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
    out.put("order", e.map(ApiCalls::view).orElse(null));
    out.put("activity", lines);
    return out;
  }

  /**
   * POST /api/orders/{order}/retry — a parked or failed order is taken (one atomic transition in
   * the ledger, before anything else), fetched again from Squarespace and booked now (payloads are
   * not stored). Of simultaneous retries, skips and polls exactly one gets the order; the others
   * get 409 with its state.
   */
  public Map<String, Object> retry(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.retry(exchange);
    }
    String key = orderKey(exchange);
    if (key == null) {
      return badOrderKey(exchange);
    }
    Optional<Entry> found = ledger.findByIdOrNumber(key);
    if (found.isEmpty()) {
      return error(exchange, 404, "order " + key + " is not known to the connector");
    }
    Entry e = found.get();
    String claim = claims.newClaim();
    OrderLedger.Claim taken =
        ledger.claim(
            e.orderId(),
            e.orderNumber(),
            e.orderModifiedOn(),
            EnumSet.of(State.PARKED, State.FAILED),
            false,
            claim);
    if (!taken.won()) {
      return conflict(exchange, taken.current(), "only parked or failed orders can be retried");
    }
    State before = e.state() == State.PARKED ? State.PARKED : State.FAILED;
    JsonNode order;
    try {
      order = squarespace.orderJson(e.orderId());
    } catch (RuntimeException ex) {
      ledger.release(e.orderId(), claim, before, null);
      return error(
          exchange,
          502,
          "cannot fetch order #" + e.orderNumber() + " from Squarespace: " + ex.getMessage());
    }
    String reason = eligibility.reasonNotEligible(order);
    if (reason != null) {
      ledger.release(e.orderId(), claim, before, null);
      return error(exchange, 409, "order #" + e.orderNumber() + " is no longer booked: " + reason);
    }
    cachesStale.run(); // the operator may have fixed something in Exact: look again
    ledger.resetForRetry(e.orderId(), claim);
    idempotent.remove(e.orderId()); // the holder of the order releases its key
    activity.record(
        e.orderId(), e.orderNumber(), "retry", "ok", "retry asked by " + operator(exchange));
    template.send(
        orderUri,
        ex -> {
          ex.getMessage().setBody(order);
          ex.setProperty(OrderClaims.CLAIM, claim);
        });
    return view(ledger.find(e.orderId()).orElseThrow());
  }

  /**
   * POST /api/orders/{order}/skip — the order will not be booked: one atomic transition from parked
   * or failed (or from unknown, by Squarespace id); never while it is being booked. Raises an alert
   * naming who skipped.
   */
  public Map<String, Object> skip(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.skip(exchange);
    }
    String key = orderKey(exchange);
    if (key == null) {
      return badOrderKey(exchange);
    }
    Optional<Entry> found = ledger.findByIdOrNumber(key);
    String orderId;
    String number;
    if (found.isPresent()) {
      orderId = found.get().orderId();
      number = found.get().orderNumber();
    } else if (key.matches("[0-9a-f]{24}")) {
      JsonNode order;
      try {
        order = squarespace.orderJson(key);
      } catch (RuntimeException ex) {
        return error(exchange, 404, "order " + key + " is not known: " + ex.getMessage());
      }
      orderId = key;
      number = order.path("orderNumber").asText();
    } else {
      return error(
          exchange,
          404,
          "order "
              + key
              + " is not known; give the Squarespace order id to skip an order the connector has"
              + " not seen yet");
    }
    String who = operator(exchange);
    String why = "skipped by " + who;
    if (!ledger.skip(orderId, number, EnumSet.of(State.PARKED, State.FAILED), why)) {
      return conflict(
          exchange,
          ledger.find(orderId).orElse(null),
          "only parked or failed orders (or orders not seen yet) can be skipped");
    }
    activity.record(orderId, number, "skip", "skipped", why);
    alerts.raise(
        "order-skipped",
        "Order #" + number + " was skipped by " + who + "; it will not be booked (undo: unskip)",
        orderId,
        number);
    return view(ledger.find(orderId).orElseThrow());
  }

  /**
   * POST /api/orders/{order}/unskip — undoes an operator's skip: the order is parked again, to be
   * retried. An order Exact already had stays skipped.
   */
  public Map<String, Object> unskip(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.unskip(exchange);
    }
    String key = orderKey(exchange);
    if (key == null) {
      return badOrderKey(exchange);
    }
    Optional<Entry> found = ledger.findByIdOrNumber(key);
    if (found.isEmpty()) {
      return error(exchange, 404, "order " + key + " is not known to the connector");
    }
    Entry e = found.get();
    String who = operator(exchange);
    if (!ledger.unskip(e.orderId(), "un-skipped by " + who + "; retry to book it")) {
      return conflict(
          exchange,
          ledger.find(e.orderId()).orElse(null),
          "only orders skipped by the operator can be un-skipped (an order Exact already has stays"
              + " skipped)");
    }
    activity.record(e.orderId(), e.orderNumber(), "unskip", "parked", "un-skipped by " + who);
    alerts.raise(
        "order-unskipped",
        "Order #" + e.orderNumber() + " was un-skipped by " + who + "; retry it to book it",
        e.orderId(),
        e.orderNumber());
    return view(ledger.find(e.orderId()).orElseThrow());
  }

  /** The pre-flight check the API runs on demand. */
  public void usePreflight(Preflight preflight) {
    this.preflight = preflight;
  }

  /** GET /api/preflight — checks every code in the settings against Exact now. */
  public Map<String, Object> preflight(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.preflight(exchange);
    }
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
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.dryRun(exchange);
    }
    return dryRuns.run(exchange, preflight);
  }

  /** GET /api/status — the connection's health, budget and counts. */
  public Map<String, Object> status(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.status(exchange);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    String problem = tokens.problem();
    out.put("exactToken", problem == null ? "ok" : problem);
    out.put(
        "exactDivision",
        Map.of(
            "number",
            divisionNumber.getAsInt(),
            "check",
            division.status().name(),
            "detail",
            division.detail()));
    ExactRateGovernor.Budget b = governor.budget(divisionNumber.getAsInt());
    Map<String, Object> budget = new LinkedHashMap<>();
    budget.put("minutelyLimit", b.minutelyLimit());
    budget.put("minutelyRemaining", b.minutelyRemaining() < 0 ? null : b.minutelyRemaining());
    budget.put("dailyLimit", b.dailyLimit());
    budget.put("dailyRemaining", b.dailyRemaining() < 0 ? null : b.dailyRemaining());
    budget.put("dailyReset", b.dailyReset() == null ? null : b.dailyReset().toString());
    budget.put("clientErrorsLastHour", governor.clientErrors(divisionNumber.getAsInt()));
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

  /**
   * POST /api/poll — where the poll is queued: the connection's {@code seda:poll-orders…} in the
   * exchange property {@code pollQueue}, or the refusal of its {@code ?connection=} as the body.
   */
  public Map<String, Object> pollTarget(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at == null) {
      return refused(exchange);
    }
    exchange.setProperty("pollQueue", at.pollQueueUri);
    return null;
  }

  /** POST /api/poll — the poll is queued: 202. */
  public Map<String, Object> pollQueued(Exchange exchange) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "poll queued");
    return out;
  }

  /** Any call that failed unexpectedly (routes/operator-api.camel.yaml, its error handler): 500. */
  public Map<String, Object> failed(Exchange exchange) {
    return error(exchange, 500, "the call failed unexpectedly; the connector's log has the reason");
  }

  /** GET /api/alerts — the connection's recent alerts (a list; an error answer is a map). */
  public Object alerts(Exchange exchange) {
    OperatorApi at = at(exchange);
    if (at != this) {
      return at == null ? refused(exchange) : at.alerts(exchange);
    }
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
}
