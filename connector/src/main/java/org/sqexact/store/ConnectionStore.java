package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import org.sqexact.config.SettingsException;

/**
 * The connections this database serves. A connection is one Squarespace site with one Exact
 * division; every other row belongs to one. One connection is configured today.
 */
public final class ConnectionStore {

  /** What the store knows about a connection. */
  public record ConnectionInfo(String id, int division, Instant ordersSince) {}

  private final Database db;
  private final Clock clock;

  public ConnectionStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Creates the connection on first start, or checks it against the settings. A division of 0 means
   * "not set": the stored one (chosen in the connect wizard, or 0 when none is chosen yet) is used;
   * a set division fills a connection that has none yet.
   *
   * @param ordersSince the configured {@code SYNC_ORDERS_SINCE}, or null for "the first start"
   */
  public ConnectionInfo ensure(
      String id, int division, String squarespaceUrl, Instant ordersSince) {
    try {
      return ensureOnce(id, division, squarespaceUrl, ordersSince);
    } catch (StoreException e) {
      if (!(e.getCause() instanceof SQLException s) || !Sql.isDuplicateKey(s)) {
        throw e;
      }
      // several nodes starting at once on one database: another created the row first; read it
      return ensureOnce(id, division, squarespaceUrl, ordersSince);
    }
  }

  private ConnectionInfo ensureOnce(
      String id, int division, String squarespaceUrl, Instant ordersSince) {
    try (Connection c = db.connection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT exact_division, sync_orders_since FROM connection WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            int storedDivision = rs.getInt(1);
            Instant storedSince = Database.instant(rs.getTimestamp(2));
            if (division == 0) {
              division = storedDivision;
            } else if (storedDivision == 0) {
              chooseDivision(c, id, division);
            } else if (storedDivision != division) {
              throw new SettingsException(
                  "EXACT_DIVISION (exact.division) is "
                      + division
                      + " but this database holds connection '"
                      + id
                      + "' for division "
                      + storedDivision
                      + "; set CONNECTOR_CONNECTION_ID or CONNECTOR_DB_URL for another"
                      + " administration");
            }
            if (ordersSince != null && !ordersSince.equals(storedSince)) {
              try (PreparedStatement u =
                  c.prepareStatement("UPDATE connection SET sync_orders_since = ? WHERE id = ?")) {
                u.setTimestamp(1, Database.ts(ordersSince));
                u.setString(2, id);
                u.executeUpdate();
              }
              return new ConnectionInfo(id, division, ordersSince);
            }
            return new ConnectionInfo(id, division, storedSince);
          }
        }
      }
      Instant now = clock.instant();
      Instant since = ordersSince != null ? ordersSince : now;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO connection (id, exact_division, squarespace_url, sync_orders_since,"
                  + " created_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setInt(2, division);
        ps.setString(3, squarespaceUrl);
        ps.setTimestamp(4, Database.ts(since));
        ps.setTimestamp(5, Database.ts(now));
        ps.executeUpdate();
      }
      return new ConnectionInfo(id, division, since);
    } catch (SQLException e) {
      throw new StoreException("cannot read or create connection " + id, e);
    }
  }

  /**
   * The ids of every connection this database has served, running or not (a connection whose file
   * was removed keeps its rows until they are deleted on purpose).
   */
  public java.util.List<String> ids() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM connection ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      java.util.List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list the connections", e);
    }
  }

  /** Keeps the division chosen in the connect wizard (used from the next call on). */
  public void chooseDivision(String id, int division) {
    try (Connection c = db.connection()) {
      chooseDivision(c, id, division);
    } catch (SQLException e) {
      throw new StoreException("cannot keep the chosen division", e);
    }
  }

  private static void chooseDivision(Connection c, String id, int division) throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement("UPDATE connection SET exact_division = ? WHERE id = ?")) {
      u.setInt(1, division);
      u.setString(2, id);
      u.executeUpdate();
    }
  }

  /** Moves the connection's orders-since back to {@code since} (a backfill); never forward. */
  public void widenOrdersSince(String id, Instant since) {
    try (Connection c = db.connection();
        PreparedStatement u =
            c.prepareStatement(
                "UPDATE connection SET sync_orders_since = ? WHERE id = ? AND sync_orders_since >"
                    + " ?")) {
      u.setTimestamp(1, Database.ts(since));
      u.setString(2, id);
      u.setTimestamp(3, Database.ts(since));
      u.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot move the connection's orders-since", e);
    }
  }
}
