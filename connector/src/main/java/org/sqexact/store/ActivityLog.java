package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.sqexact.support.PersonalValues;

/**
 * Short log lines for the operator: one per order step and per API call. Only ids, numbers, states,
 * endpoints and plain reasons are written here, never names, e-mails or addresses. Old lines are
 * purged by {@link #purgeOlderThan}.
 */
public final class ActivityLog {

  /** One activity line. */
  public record Entry(
      long id,
      Instant at,
      String orderId,
      String orderNumber,
      String step,
      String outcome,
      String message,
      String endpoint,
      Integer httpStatus,
      Integer durationMs,
      Integer rateRemaining) {}

  /** An API call, for the activity log. */
  public record ApiCall(String endpoint, int httpStatus, long durationMs, Integer rateRemaining) {}

  private final Database db;
  private final String connectionId;
  private final Clock clock;
  private final Duration retention;
  private volatile BiConsumer<String, ApiCall> callListener = (step, call) -> {};

  public ActivityLog(Database db, String connectionId, Clock clock, Duration retention) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
    this.retention = retention;
  }

  /** Is told of every API call recorded (the metrics count them). */
  public void onApiCall(BiConsumer<String, ApiCall> listener) {
    this.callListener = listener;
  }

  /** Deletes lines older than the retention period; returns how many. */
  public int purgeExpired() {
    return purgeOlderThan(retention);
  }

  public void record(
      String orderId, String orderNumber, String step, String outcome, String message) {
    record(orderId, orderNumber, step, outcome, message, null);
  }

  public void record(
      String orderId,
      String orderNumber,
      String step,
      String outcome,
      String message,
      ApiCall call) {
    if (call != null) {
      try {
        callListener.accept(step, call);
      } catch (RuntimeException e) {
        // metrics must never stop the flow
      }
    }
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO activity (connection_id, at, order_id, order_number, step, outcome,"
                    + " message, endpoint, http_status, duration_ms, rate_remaining) VALUES (?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, connectionId);
      ps.setTimestamp(2, Database.ts(clock.instant()));
      ps.setString(3, orderId);
      ps.setString(4, orderNumber);
      ps.setString(5, truncate(step, 64));
      ps.setString(6, truncate(outcome, 16));
      // the one door to the stored lines: no personal value of the order being handled gets in
      ps.setString(7, truncate(PersonalValues.mask(message), 1000));
      ps.setString(8, call == null ? null : truncate(call.endpoint(), 255));
      setInt(ps, 9, call == null ? null : call.httpStatus());
      setInt(ps, 10, call == null ? null : (int) Math.min(Integer.MAX_VALUE, call.durationMs()));
      setInt(ps, 11, call == null ? null : call.rateRemaining());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the activity log", e);
    }
  }

  /** The newest lines, optionally for one order (by id or number), newest first. */
  public List<Entry> recent(String order, int limit) {
    String sql =
        "SELECT id, at, order_id, order_number, step, outcome, message, endpoint, http_status,"
            + " duration_ms, rate_remaining FROM activity WHERE connection_id = ?"
            + (order == null ? "" : " AND (order_id = ? OR order_number = ?)")
            + " ORDER BY id DESC";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setMaxRows(limit);
      ps.setString(1, connectionId);
      if (order != null) {
        ps.setString(2, order);
        ps.setString(3, order);
      }
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Entry(
                  rs.getLong(1),
                  Database.instant(rs.getTimestamp(2)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getObject(9, Integer.class),
                  rs.getObject(10, Integer.class),
                  rs.getObject(11, Integer.class)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the activity log", e);
    }
  }

  /**
   * Deletes this connection's lines older than {@code age}; returns how many. Only its own: every
   * connection has its own connector.activity-retention-days and its own daily housekeeping.
   */
  public int purgeOlderThan(Duration age) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM activity WHERE connection_id = ? AND at < ?")) {
      ps.setString(1, connectionId);
      ps.setTimestamp(2, Database.ts(clock.instant().minus(age)));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot purge the activity log", e);
    }
  }

  /**
   * Deletes lines older than this log's retention of every connection that is neither this one nor
   * in {@code running}: a connection whose file was removed keeps its rows (its ledger proves what
   * was booked) but has no housekeeping of its own, and its activity lines must not stay for ever.
   * Returns how many.
   */
  public int purgeExpiredOfStoppedConnections(java.util.Collection<String> running) {
    List<String> keep = new ArrayList<>(running);
    keep.add(connectionId);
    String marks = String.join(", ", java.util.Collections.nCopies(keep.size(), "?"));
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM activity WHERE connection_id NOT IN (" + marks + ") AND at < ?")) {
      int i = 1;
      for (String id : keep) {
        ps.setString(i++, id);
      }
      ps.setTimestamp(i, Database.ts(clock.instant().minus(retention)));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot purge the activity log", e);
    }
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
