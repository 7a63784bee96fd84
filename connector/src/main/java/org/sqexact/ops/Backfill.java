package org.sqexact.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.order.OrderEligibility;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore;
import org.sqexact.support.Sleeper;

/**
 * Importing historical orders, an operator's action ({@code POST /api/backfill {"since":
 * "2026-01-01"}}): the {@code backfill} route pages through the Squarespace orders modified since
 * that date, keeps the eligible ones not yet booked, and hands them one by one to the order flow,
 * as the poll does (so the ledger and the idempotent repository keep every order to one booking).
 * Its calls to Exact go in at background priority (the live poll's orders first, and the daily
 * reserve for orders stays untouched); before each order it waits while a live poll runs. Progress
 * (done, total, estimated time left, Exact calls used) is at {@code GET /api/backfill} and in the
 * log every {@code backfill.log-every} orders.
 */
public final class Backfill {

  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration YIELD_STEP = Duration.ofSeconds(1);

  /** Where a backfill is. */
  public enum State {
    IDLE,
    RUNNING,
    DONE,
    FAILED
  }

  private final Clock clock;
  private final Sleeper sleeper;
  private final OrderEligibility eligibility;
  private final ConnectionStore connections;
  private final String connectionId;
  private final ExactRateGovernor governor;
  private final IntSupplier division;
  private final ActivityLog activity;
  private final int logEvery;
  private final BooleanSupplier livePollRunning;

  private State state = State.IDLE;
  private String since;
  private Instant sinceInstant;
  private Instant startedAt;
  private Instant ordersStartedAt;
  private int done;
  private int total;
  private String error;
  private final AtomicInteger exactCalls = new AtomicInteger();
  private final List<JsonNode> pending = new ArrayList<>();

  public Backfill(
      Clock clock,
      Sleeper sleeper,
      OrderEligibility eligibility,
      ConnectionStore connections,
      String connectionId,
      ExactRateGovernor governor,
      IntSupplier division,
      ActivityLog activity,
      int logEvery,
      BooleanSupplier livePollRunning) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.eligibility = eligibility;
    this.connections = connections;
    this.connectionId = connectionId;
    this.governor = governor;
    this.division = division;
    this.activity = activity;
    this.logEvery = Math.max(1, logEvery);
    this.livePollRunning = livePollRunning;
  }

  /** GET /api/backfill: {state, since, done, total, etaSeconds, exactCallsUsed}. */
  public synchronized Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state.name().toLowerCase(Locale.ROOT));
    m.put("since", since);
    m.put("done", done);
    m.put("total", total);
    m.put("etaSeconds", eta());
    m.put("exactCallsUsed", exactCalls.get());
    if (error != null) {
      m.put("error", error);
    }
    return m;
  }

  /**
   * POST /api/backfill {"since": "2026-01-01"}: 202 and the status when it starts, 409 while one
   * runs, 400 for a missing or unreadable date. Sets {@code backfillAccepted} for the route.
   */
  public synchronized Map<String, Object> start(Exchange exchange) {
    Instant from;
    String text;
    try {
      String body = exchange.getMessage().getBody(String.class);
      JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
      text = json == null ? null : json.path("since").asText(null);
      if (text == null || text.isBlank()) {
        return ApiCalls.error(
            exchange, 400, "send {\"since\": \"2026-01-01\"}: the date from which to import");
      }
      from = parse(text.trim());
    } catch (IllegalArgumentException | java.io.IOException e) {
      return ApiCalls.error(
          exchange,
          400,
          "'since' must be an ISO date (2026-01-01) or date-time (2026-01-01T00:00:00Z)");
    }
    if (state == State.RUNNING) {
      Map<String, Object> m = ApiCalls.error(exchange, 409, "a backfill is running already");
      m.putAll(status());
      return m;
    }
    if (!from.isBefore(clock.instant())) {
      return ApiCalls.error(exchange, 400, "'since' must lie in the past");
    }
    state = State.RUNNING;
    since = text.trim();
    sinceInstant = from;
    startedAt = clock.instant();
    ordersStartedAt = null;
    done = 0;
    total = 0;
    error = null;
    exactCalls.set(0);
    pending.clear();
    exchange.setProperty("backfillAccepted", true);
    activity.record(
        null,
        null,
        "backfill",
        "started",
        "backfill of orders modified since "
            + since
            + " started by "
            + ApiCalls.operator(exchange));
    LOG.info("Backfill of orders modified since {} started", since);
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
    return status();
  }

  /** First step of the route: the window since the date, and this thread's calls in background. */
  public void open(Exchange exchange) {
    Instant from;
    synchronized (this) {
      from = sinceInstant;
    }
    // the operator chose to book older orders: they count as in range from now on (also for the
    // retries of those that fail)
    eligibility.widenSince(from);
    connections.widenOrdersSince(connectionId, from);
    ExactRateGovernor.backgroundLane(exactCalls);
    exchange.setProperty(SquarespaceOrderPages.AFTER, from);
    exchange.setProperty(SquarespaceOrderPages.BEFORE, clock.instant());
    exchange.setProperty(SquarespaceOrderPages.CURSOR, null);
    exchange.setProperty(SquarespaceOrderPages.HAS_NEXT, true);
    exchange.setProperty(SquarespaceOrderPages.PAGE_NUMBER, 0);
  }

  /** Keeps the page's orders that are eligible and not booked, skipped or parked yet. */
  public synchronized void collect(List<JsonNode> page) {
    for (JsonNode order : page) {
      if (eligibility.isEligible(order)) {
        pending.add(order);
      }
    }
    total = pending.size();
  }

  /** The orders to book, oldest first as Squarespace listed them; the total is now known. */
  public synchronized List<JsonNode> orders() {
    List<JsonNode> out = new ArrayList<>(pending);
    pending.clear();
    total = out.size();
    ordersStartedAt = clock.instant();
    LOG.info("Backfill since {}: {} order(s) to book", since, total);
    return out;
  }

  /**
   * Before each order: waits while a live poll runs (its orders go first), and stops when Exact's
   * daily budget is down to the reserve kept for live orders.
   */
  public void beforeOrder() throws InterruptedException {
    while (livePollRunning.getAsBoolean()) {
      sleeper.sleep(YIELD_STEP);
    }
    if (!governor.backgroundMayCall(division.getAsInt())) {
      throw new IllegalStateException(
          "Exact Online's daily budget is down to the share kept for live orders; start the"
              + " backfill again after midnight UTC (orders booked so far stay booked)");
    }
  }

  /** After each order (booked, skipped or parked alike): counts it and logs progress. */
  public void afterOrder() {
    Map<String, Object> s;
    synchronized (this) {
      done++;
      if (done % logEvery != 0 && done != total) {
        return;
      }
      s = status();
    }
    LOG.info(
        "Backfill since {}: {} of {} orders, about {} s left, {} Exact calls used",
        s.get("since"),
        s.get("done"),
        s.get("total"),
        s.get("etaSeconds") == null ? "?" : s.get("etaSeconds"),
        s.get("exactCallsUsed"));
  }

  /** The backfill ran through. */
  public void finish() {
    ExactRateGovernor.backgroundLane(null);
    synchronized (this) {
      state = State.DONE;
    }
    activity.record(
        null,
        null,
        "backfill",
        "done",
        "backfill since "
            + since
            + ": "
            + done
            + " of "
            + total
            + " orders handled, "
            + exactCalls.get()
            + " Exact calls");
    LOG.info(
        "Backfill since {} done: {} orders handled, {} Exact calls used",
        since,
        done,
        exactCalls.get());
  }

  /** The backfill stopped on an error (Squarespace unreachable, budget spent …). */
  public void failed(Exchange exchange) {
    ExactRateGovernor.backgroundLane(null);
    Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    String why = e == null ? "unknown error" : e.getMessage();
    synchronized (this) {
      state = State.FAILED;
      error = org.sqexact.support.PersonalValues.mask(why);
      pending.clear();
    }
    activity.record(
        null, null, "backfill", "failed", "backfill since " + since + " stopped: " + why);
    LOG.warn("Backfill since {} stopped after {} of {} orders: {}", since, done, total, why);
  }

  private Long eta() {
    if (state != State.RUNNING || ordersStartedAt == null || done == 0) {
      return null;
    }
    long elapsed = Duration.between(ordersStartedAt, clock.instant()).toMillis();
    return Math.round(elapsed / 1000.0 / done * (total - done));
  }

  /** An ISO date (midnight UTC) or date-time, leniently. */
  static Instant parse(String text) {
    try {
      return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // not a bare date
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      // no offset
    }
    try {
      return java.time.LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a date: " + text);
    }
  }
}
