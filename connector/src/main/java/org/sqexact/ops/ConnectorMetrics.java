package org.sqexact.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.store.ActivityLog.ApiCall;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.store.TokenStore;

/**
 * The connector's own Prometheus metrics, next to Camel's per-route ones at /observe/metrics:
 * orders by state and the backlog, API calls by API, endpoint and status with their durations,
 * Exact's budget left (minute and day), and how long the Exact tokens have left. Labels never carry
 * order data: endpoints are normalised (no ids), and nothing personal is counted.
 */
public final class ConnectorMetrics {

  /** Exact drops a refresh token that has not been used for 30 days (notes: token rules). */
  static final Duration REFRESH_TOKEN_IDLE_LIFETIME = Duration.ofDays(30);

  private static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Clock clock;
  private final String connectionId;
  private volatile Map<State, Integer> counts = new EnumMap<>(State.class);
  private volatile Instant countsAt = Instant.EPOCH;
  private Supplier<Map<State, Integer>> countsSource;

  public ConnectorMetrics(MeterRegistry registry, Clock clock, String connectionId) {
    this.registry = registry;
    this.clock = clock;
    this.connectionId = connectionId;
  }

  /** Orders by state and the backlog (orders waiting for a first or a next attempt). */
  public void watchOrders(OrderLedger ledger) {
    countsSource = ledger::counts;
    for (State state : State.values()) {
      Gauge.builder("connector_orders", () -> count(state))
          .description("Orders in the ledger by state")
          .tag("connection", connectionId)
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    Gauge.builder("connector_orders_backlog", () -> count(State.FAILED) + count(State.IN_PROGRESS))
        .description("Orders waiting to be (re)tried or being booked now")
        .tag("connection", connectionId)
        .register(registry);
  }

  /** Exact's rate budget left for the division, as the last response headers said. */
  public void watchBudget(ExactRateGovernor governor, IntSupplier division) {
    Gauge.builder(
            "connector_exact_budget_remaining",
            () -> known(governor.budget(division.getAsInt()).minutelyRemaining()))
        .description("Calls to Exact Online left in the current minute")
        .tag("connection", connectionId)
        .tag("window", "minute")
        .register(registry);
    Gauge.builder(
            "connector_exact_budget_remaining",
            () -> known(governor.budget(division.getAsInt()).dailyRemaining()))
        .description("Calls to Exact Online left today")
        .tag("connection", connectionId)
        .tag("window", "day")
        .register(registry);
  }

  /** Seconds until the access token expires, and until an idle refresh token would be dropped. */
  public void watchTokens(TokenStore tokens) {
    Gauge.builder(
            "connector_exact_token_seconds_left",
            () -> secondsUntil(read(tokens) == null ? null : read(tokens).accessExpiresAt()))
        .description("Seconds until the Exact access token expires (negative: expired)")
        .tag("connection", connectionId)
        .tag("token", "access")
        .register(registry);
    Gauge.builder(
            "connector_exact_token_seconds_left",
            () -> {
              TokenStore.Tokens t = read(tokens);
              return secondsUntil(
                  t == null || t.refreshIssuedAt() == null
                      ? null
                      : t.refreshIssuedAt().plus(REFRESH_TOKEN_IDLE_LIFETIME));
            })
        .description("Seconds until Exact drops the refresh token if it stays unused")
        .tag("connection", connectionId)
        .tag("token", "refresh")
        .register(registry);
  }

  /**
   * Removes this connection's meters (a connection from {@code connections/} that stopped): its
   * series end instead of repeating the last value, and its ledger and token store are let go.
   */
  public void remove() {
    for (io.micrometer.core.instrument.Meter m : java.util.List.copyOf(registry.getMeters())) {
      if (connectionId.equals(m.getId().getTag("connection"))) {
        registry.remove(m);
      }
    }
  }

  /** One API call, as the gateways record it in the activity log ("exact GET crm/Accounts"). */
  public void apiCall(String step, ApiCall call) {
    if (step == null || call == null) {
      return;
    }
    String[] parts = step.split(" ", 3);
    if (parts.length < 3) {
      return;
    }
    String status = call.httpStatus() == 0 ? "none" : Integer.toString(call.httpStatus());
    Counter.builder("connector_api_calls")
        .description("Calls to Squarespace and Exact Online by endpoint and HTTP status")
        .tag("connection", connectionId)
        .tag("api", parts[0])
        .tag("method", parts[1])
        .tag("endpoint", call.endpoint() == null ? "?" : call.endpoint())
        .tag("status", status)
        .register(registry)
        .increment();
    if (call.durationMs() > 0) {
      Timer.builder("connector_api_call_duration")
          .description("Duration of calls to Squarespace and Exact Online")
          .tag("connection", connectionId)
          .tag("api", parts[0])
          .tag("endpoint", call.endpoint() == null ? "?" : call.endpoint())
          .register(registry)
          .record(Duration.ofMillis(call.durationMs()));
    }
  }

  /** One alert raised, by its code (exact-reauthorization-required, order-parked …). */
  public void alert(String code) {
    Counter.builder("connector_alerts")
        .description("Operator alerts raised, by code")
        .tag("connection", connectionId)
        .tag("code", code == null ? "?" : code)
        .register(registry)
        .increment();
  }

  /** The state of the backfill (1 for the current one) and its progress. */
  public void watchBackfill(Backfill backfill) {
    for (Backfill.State st : Backfill.State.values()) {
      String name = st.name().toLowerCase(Locale.ROOT);
      Gauge.builder(
              "connector_backfill_state", () -> name.equals(backfill.status().get("state")) ? 1 : 0)
          .description("The backfill's state (1 = current)")
          .tag("connection", connectionId)
          .tag("state", name)
          .register(registry);
    }
    Gauge.builder("connector_backfill_orders", () -> (Integer) backfill.status().get("done"))
        .description("Orders of the backfill handled so far")
        .tag("connection", connectionId)
        .tag("of", "done")
        .register(registry);
    Gauge.builder("connector_backfill_orders", () -> (Integer) backfill.status().get("total"))
        .description("Orders of the backfill handled so far")
        .tag("connection", connectionId)
        .tag("of", "total")
        .register(registry);
  }

  private int count(State state) {
    Instant now = clock.instant();
    if (countsSource != null && Duration.between(countsAt, now).compareTo(COUNTS_MAX_AGE) >= 0) {
      try {
        counts = countsSource.get();
        countsAt = now;
      } catch (RuntimeException e) {
        return counts.getOrDefault(state, 0); // the last known figures while the database is away
      }
    }
    return counts.getOrDefault(state, 0);
  }

  /** -1 means "not known yet" (no response from Exact so far). */
  private static double known(int remaining) {
    return remaining < 0 ? Double.NaN : remaining;
  }

  private static TokenStore.Tokens read(TokenStore tokens) {
    try {
      return tokens.read();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private double secondsUntil(Instant t) {
    return t == null ? Double.NaN : Duration.between(clock.instant(), t).toSeconds();
  }
}
