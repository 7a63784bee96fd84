package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/** Where each incremental flow got to, per connection: a Squarespace time or an Exact timestamp. */
public final class Watermarks {

  private final Database db;
  private final String connectionId;
  private final Clock clock;

  public Watermarks(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  public Optional<String> get(String flow) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT watermark FROM sync_watermark WHERE connection_id = ? AND flow = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, flow);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read watermark " + flow, e);
    }
  }

  public void put(String flow, String watermark) {
    try (Connection c = db.connection()) {
      int updated;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE sync_watermark SET watermark = ?, updated_at = ? WHERE connection_id = ?"
                  + " AND flow = ?")) {
        ps.setString(1, watermark);
        ps.setTimestamp(2, Database.ts(clock.instant()));
        ps.setString(3, connectionId);
        ps.setString(4, flow);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO sync_watermark (connection_id, flow, watermark, updated_at) VALUES"
                    + " (?, ?, ?, ?)")) {
          ps.setString(1, connectionId);
          ps.setString(2, flow);
          ps.setString(3, watermark);
          ps.setTimestamp(4, Database.ts(clock.instant()));
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot write watermark " + flow, e);
    }
  }
}
