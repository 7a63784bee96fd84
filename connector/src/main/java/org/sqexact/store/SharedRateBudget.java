package org.sqexact.store;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqexact.exact.SharedBudget;

/**
 * Exact Online's minute budget and client-error budget per division, in the database every node
 * shares (tables {@code exact_rate_minute} and {@code exact_client_error}, migration V11).
 *
 * <p>One call costs one conditional UPDATE ({@code remaining > 0}): the database decides which of
 * two nodes gets the last call of a minute. Exact allows 60 calls a minute per division, so that is
 * at most one small statement a second per division; the unit test prints what it costs. A window
 * seen for the first time starts whole; Exact's own headers then lower it. Client errors are rare:
 * one row each, counted over the hour.
 */
public final class SharedRateBudget implements SharedBudget {

  private static final Duration HOUR = Duration.ofHours(1);

  private final Database db;
  private final boolean postgres;
  private final String node;

  public SharedRateBudget(Database db) {
    this.db = db;
    try (Connection c = db.connection()) {
      this.postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (SQLException e) {
      throw new StoreException("cannot read the database's product", e);
    }
    // who recorded a client error, for the operator: host and process, never anything personal
    this.node = ManagementFactory.getRuntimeMXBean().getName();
  }

  @Override
  public Optional<Instant> take(int division, int limit, Instant now) {
    long t = now.toEpochMilli();
    for (int attempt = 0; attempt < 5; attempt++) {
      // the usual case: the window runs and has calls left
      if (Sql.update(
              db,
              "shared rate budget",
              "UPDATE exact_rate_minute SET remaining = remaining - 1, updated_at = ?"
                  + " WHERE division = ? AND window_end > ? AND remaining > 0",
              t,
              division,
              t)
          == 1) {
        return Optional.empty();
      }
      // the window is over: the first node to notice opens the next one (Exact's windows are
      // whole minutes: PQ#646 shows a reset at 02:02:00) and takes its first call
      long next = nextMinute(now);
      if (Sql.update(
              db,
              "shared rate budget",
              "UPDATE exact_rate_minute SET window_end = ?, remaining = ?, updated_at = ?"
                  + " WHERE division = ? AND window_end <= ?",
              next,
              limit - 1,
              t,
              division,
              t)
          == 1) {
        return Optional.empty();
      }
      List<Long> end =
          Sql.query(
              db,
              "shared rate budget",
              "SELECT window_end FROM exact_rate_minute WHERE division = ?",
              rs -> rs.getLong(1),
              division);
      if (end.isEmpty()) {
        insertIfAbsent(division, next, limit, t);
        continue;
      }
      if (end.get(0) > t) {
        return Optional.of(Instant.ofEpochMilli(end.get(0))); // used up until the window ends
      }
      // another node moved the window between our statements: ask again
    }
    return Optional.of(now.plusSeconds(1));
  }

  @Override
  public void observe(int division, int remaining, Instant windowEnd, Instant now) {
    long end = windowEnd != null ? windowEnd.toEpochMilli() : nextMinute(now);
    long t = now.toEpochMilli();
    String sql =
        "UPDATE exact_rate_minute SET remaining = CASE WHEN window_end = ? THEN"
            + " LEAST(remaining, ?) ELSE ? END, window_end = ?, updated_at = ?"
            + " WHERE division = ? AND window_end <= ?";
    if (Sql.update(db, "shared rate budget", sql, end, remaining, remaining, end, t, division, end)
        == 0) {
      insertIfAbsent(division, end, remaining, t); // else a newer window is known: keep it
    }
  }

  private void insertIfAbsent(int division, long windowEnd, int remaining, long t) {
    if (postgres) {
      Sql.update(
          db,
          "shared rate budget",
          "INSERT INTO exact_rate_minute (division, window_end, remaining, updated_at)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (division) DO NOTHING",
          division,
          windowEnd,
          remaining,
          t);
      return;
    }
    // H2 has no ON CONFLICT, and its MERGE ... WHEN NOT MATCHED is not atomic: two nodes (or
    // threads) that both saw no row both insert, and the second is refused on the primary key
    // (CI failed on exactly that). A refused insert means another caller created the window first,
    // which is what this method wants; the caller then reads it again.
    Sql.insertUnlessDuplicate(
        db,
        "shared rate budget",
        "INSERT INTO exact_rate_minute (division, window_end, remaining, updated_at)"
            + " VALUES (?, ?, ?, ?)",
        division,
        windowEnd,
        remaining,
        t);
  }

  @Override
  public ErrorCount clientError(int division, String endpoint, Instant now) {
    long t = now.toEpochMilli();
    Sql.update(
        db,
        "client-error budget",
        "DELETE FROM exact_client_error WHERE division = ? AND occurred_at < ?"
            + " AND (paused_until IS NULL OR paused_until < ?)",
        division,
        now.minus(HOUR.multipliedBy(2)).toEpochMilli(),
        t);
    Sql.update(
        db,
        "client-error budget",
        "INSERT INTO exact_client_error (division, endpoint, occurred_at, node) VALUES (?, ?, ?, ?)",
        division,
        endpoint,
        t,
        node);
    return Sql.query(
            db,
            "client-error budget",
            "SELECT COUNT(*), MIN(occurred_at) FROM exact_client_error"
                + " WHERE division = ? AND endpoint = ? AND occurred_at > ?",
            rs -> new ErrorCount(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2))),
            division,
            endpoint,
            now.minus(HOUR).toEpochMilli())
        .get(0);
  }

  @Override
  public void pause(int division, String endpoint, Instant until, Instant now) {
    Sql.update(
        db,
        "client-error budget",
        "UPDATE exact_client_error SET paused_until = ?"
            + " WHERE division = ? AND endpoint = ? AND occurred_at > ?",
        until.toEpochMilli(),
        division,
        endpoint,
        now.minus(HOUR).toEpochMilli());
  }

  @Override
  public Map<String, Instant> paused(int division, Instant now) {
    Map<String, Instant> out = new HashMap<>();
    Sql.query(
            db,
            "client-error budget",
            "SELECT endpoint, MAX(paused_until) FROM exact_client_error"
                + " WHERE division = ? AND paused_until > ? GROUP BY endpoint",
            rs -> Map.entry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))),
            division,
            now.toEpochMilli())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static long nextMinute(Instant now) {
    return now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60).toEpochMilli();
  }
}
