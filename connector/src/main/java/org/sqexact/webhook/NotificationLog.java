package org.sqexact.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.sqexact.store.Database;
import org.sqexact.store.StoreException;

/**
 * Webhook notification ids already handled ({@code processed_notification}): Squarespace delivers
 * at least once and retries for up to 48 hours (squarespace-api.md §5), so a repeated id is
 * dropped.
 */
public final class NotificationLog {

  private final Database db;
  private final String connectionId;
  private final Clock clock;

  public NotificationLog(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  /** Records the id; false when it was seen before. */
  public boolean firstTime(String source, String notificationId) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO processed_notification (connection_id, source, notification_id,"
                    + " received_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, connectionId);
      ps.setString(2, source);
      ps.setString(3, notificationId);
      ps.setTimestamp(4, Timestamp.from(clock.instant()));
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (seen(source, notificationId)) {
        return false;
      }
      throw new StoreException("cannot write the webhook notification log", e);
    }
  }

  private boolean seen(String source, String notificationId) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM processed_notification WHERE connection_id = ? AND source = ? AND"
                    + " notification_id = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, source);
      ps.setString(3, notificationId);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the webhook notification log", e);
    }
  }

  /** Forgets ids older than a week (Squarespace retries for at most 48 hours); returns how many. */
  public int purgeExpired() {
    return purgeOlderThan(Duration.ofDays(7));
  }

  /** Forgets ids older than Squarespace's 48-hour retry window and more (housekeeping). */
  public int purgeOlderThan(Duration age) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM processed_notification WHERE connection_id = ? AND received_at < ?")) {
      ps.setString(1, connectionId);
      ps.setTimestamp(2, Timestamp.from(clock.instant().minus(age)));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot purge the webhook notification log", e);
    }
  }
}
