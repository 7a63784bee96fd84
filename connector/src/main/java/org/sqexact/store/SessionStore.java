package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The dashboard's sessions in the database (table {@code console_session}), so that they outlive a
 * restart and are shared by processes on one PostgreSQL. Rows are found by the SHA-256 of the
 * session id: the id itself is never stored.
 */
public final class SessionStore {

  /** One stored session. */
  public record Row(String user, Instant started, Instant lastSeen) {}

  private final Database db;
  private final String connectionId;

  public SessionStore(Database db, String connectionId) {
    this.db = db;
    this.connectionId = connectionId;
  }

  public void insert(String idHash, String user, Instant now) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO console_session (id_hash, connection_id, user_name, started_at,"
                    + " last_seen_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, idHash);
      ps.setString(2, connectionId);
      ps.setString(3, user);
      ps.setTimestamp(4, Database.ts(now));
      ps.setTimestamp(5, Database.ts(now));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store the session", e);
    }
  }

  public Optional<Row> find(String idHash) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT user_name, started_at, last_seen_at FROM console_session WHERE id_hash = ?"
                    + " AND connection_id = ?")) {
      ps.setString(1, idHash);
      ps.setString(2, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new Row(
                    rs.getString(1),
                    Database.instant(rs.getTimestamp(2)),
                    Database.instant(rs.getTimestamp(3))))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the session", e);
    }
  }

  public void touch(String idHash, Instant now) {
    update("UPDATE console_session SET last_seen_at = ? WHERE id_hash = ?", now, idHash);
  }

  public void delete(String idHash) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM console_session WHERE id_hash = ?")) {
      ps.setString(1, idHash);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot end the session", e);
    }
  }

  /** Deletes the sessions idle since {@code idleBefore} or started before {@code startedBefore}. */
  public int purge(Instant idleBefore, Instant startedBefore) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM console_session WHERE connection_id = ? AND (last_seen_at < ? OR"
                    + " started_at < ?)")) {
      ps.setString(1, connectionId);
      ps.setTimestamp(2, Database.ts(idleBefore));
      ps.setTimestamp(3, Database.ts(startedBefore));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot purge expired sessions", e);
    }
  }

  private void update(String sql, Instant at, String idHash) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setTimestamp(1, Database.ts(at));
      ps.setString(2, idHash);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot update the session", e);
    }
  }
}
