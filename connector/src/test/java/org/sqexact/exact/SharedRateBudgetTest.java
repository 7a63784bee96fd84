package org.sqexact.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.store.Database;
import org.sqexact.store.SharedRateBudget;
import org.sqexact.testing.TestClock;
import org.sqexact.testing.TestPostgres;

/**
 * Two governors (two nodes) on one database share Exact's minute and client-error budget of a
 * division: together they let through no more calls than Exact allows, Exact's headers lower what
 * is left for both, and an endpoint paused by one is paused for the other. On PostgreSQL (several
 * nodes) and on H2 (the same SQL's other dialect).
 */
class SharedRateBudgetTest {

  private static final int DIVISION = 123456;
  private static final String ENDPOINT = "crm/Accounts";

  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T10:15:20Z"));
  private final List<String> alerts = new ArrayList<>();
  private Database db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private Database postgres() {
    Map<String, String> s = new HashMap<>();
    TestPostgres.database(s);
    db =
        Database.open(
            s.get("connector.db-url"), s.get("connector.db-user"), s.get("connector.db-password"));
    return db;
  }

  private Database h2() {
    db = Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    return db;
  }

  /** A node's governor; a wait longer than zero is refused, so the test sees each refusal. */
  private ExactRateGovernor node(Database database) {
    ExactRateGovernor g =
        new ExactRateGovernor(
            clock, clock, 40, 8, Duration.ZERO, (code, message) -> alerts.add(code));
    g.shareWith(new SharedRateBudget(database));
    return g;
  }

  @Test
  void twoNodesShareTheMinuteOnPostgres() throws Exception {
    shareTheMinute(postgres());
  }

  @Test
  void twoNodesShareTheMinuteOnH2() throws Exception {
    shareTheMinute(h2());
  }

  @Test
  void exactsHeadersLowerWhatIsLeftForBothOnPostgres() {
    headersLowerTheShare(postgres());
  }

  @Test
  void exactsHeadersLowerWhatIsLeftForBothOnH2() {
    headersLowerTheShare(h2());
  }

  @Test
  void clientErrorsOfBothNodesCountTowardsOneStopOnPostgres() {
    clientErrorsCountTogether(postgres());
  }

  @Test
  void clientErrorsOfBothNodesCountTowardsOneStopOnH2() {
    clientErrorsCountTogether(h2());
  }

  /** 2 × 50 callers at once on two nodes: 60 calls in the minute, the next minute whole again. */
  private void shareTheMinute(Database database) throws Exception {
    ExactRateGovernor a = node(database);
    ExactRateGovernor b = node(database);
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Void>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ExactRateGovernor g = i % 2 == 0 ? a : b;
        calls.add(
            () -> {
              try {
                g.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
                granted.incrementAndGet();
              } catch (ExactRateLimitedException e) {
                refused.incrementAndGet();
                assertEquals(
                    Instant.parse("2026-03-02T10:16:00Z"),
                    e.getRetryAt().minusMillis(250),
                    "come back when Exact's minute turns");
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(calls)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(60, granted.get(), "two nodes together: Exact's 60 calls a minute");
    assertEquals(40, refused.get());

    clock.set(Instant.parse("2026-03-02T10:16:00.001Z"));
    for (int i = 0; i < 30; i++) {
      a.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
      b.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
    }
    assertThrows(
        ExactRateLimitedException.class, () -> a.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    assertThrows(
        ExactRateLimitedException.class, () -> b.acquire(DIVISION, ENDPOINT, Priority.ORDERS));

    // what one call costs: one conditional UPDATE (printed, not asserted)
    SharedRateBudget budget = new SharedRateBudget(database);
    int n = 2_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      budget.take(DIVISION + 1, n + 1, clock.instant());
    }
    double micros = (System.nanoTime() - start) / 1000.0 / n;
    System.out.printf(
        "=== shared rate budget on %s: %.0f µs per call taken (%d calls; Exact allows 60 a"
            + " minute per division) ===%n",
        database.connection().getMetaData().getDatabaseProductName(), micros, n);
  }

  private void headersLowerTheShare(Database database) {
    ExactRateGovernor a = node(database);
    ExactRateGovernor b = node(database);
    a.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
    // Exact: 5 calls left in this minute (another program spent some)
    Instant reset = Instant.parse("2026-03-02T10:16:00Z");
    a.record(DIVISION, ENDPOINT, 200, headers(60, 5, reset));
    for (int i = 0; i < 5; i++) {
      b.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
    }
    assertThrows(
        ExactRateLimitedException.class, () -> b.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    assertThrows(
        ExactRateLimitedException.class, () -> a.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    // a late answer of the same minute saying more is left does not raise it again
    b.record(DIVISION, ENDPOINT, 200, headers(60, 30, reset));
    assertThrows(
        ExactRateLimitedException.class, () -> a.acquire(DIVISION, ENDPOINT, Priority.ORDERS));

    // a 429 on one node stops the other until the reset it names
    clock.set(Instant.parse("2026-03-02T10:16:05Z"));
    a.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
    a.record(DIVISION, ENDPOINT, 429, headers(60, 0, Instant.parse("2026-03-02T10:17:00Z")));
    ExactRateLimitedException e =
        assertThrows(
            ExactRateLimitedException.class, () -> b.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    assertTrue(e.getRetryAt().isAfter(Instant.parse("2026-03-02T10:17:00Z").minusMillis(1)));
  }

  private void clientErrorsCountTogether(Database database) {
    ExactRateGovernor a = node(database);
    ExactRateGovernor b = node(database);
    for (int i = 0; i < 4; i++) {
      a.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
      a.record(DIVISION, ENDPOINT, 404, h -> null);
      clock.advance(Duration.ofSeconds(1));
      b.acquire(DIVISION, ENDPOINT, Priority.ORDERS);
      b.record(DIVISION, ENDPOINT, 404, h -> null);
      clock.advance(Duration.ofSeconds(1));
    }
    // 8 errors over both nodes reach the stop (8): B, which saw the 8th, stops at once ...
    assertEquals(List.of("exact-client-error-budget"), alerts);
    assertThrows(ExactBudgetException.class, () -> b.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    // ... and A, which saw only 4 itself, as soon as it reads the shared pauses
    clock.advance(ExactRateGovernor.SHARED_PAUSE_REFRESH);
    ExactBudgetException e =
        assertThrows(
            ExactBudgetException.class, () -> a.acquire(DIVISION, ENDPOINT, Priority.ORDERS));
    assertEquals(Instant.parse("2026-03-02T11:15:20Z"), e.getUntil(), "an hour after the first");
    // other endpoints go on
    a.acquire(DIVISION, "salesorder/SalesOrders", Priority.ORDERS);
  }

  private static java.util.function.Function<String, String> headers(
      int limit, int remaining, Instant reset) {
    Map<String, String> h = new HashMap<>();
    h.put("X-RateLimit-Minutely-Limit", Integer.toString(limit));
    h.put("X-RateLimit-Minutely-Remaining", Integer.toString(remaining));
    h.put("X-RateLimit-Minutely-Reset", Long.toString(reset.toEpochMilli()));
    return h::get;
  }
}
