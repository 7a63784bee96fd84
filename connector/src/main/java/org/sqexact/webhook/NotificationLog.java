package org.sqexact.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.sqexact.store.Database;
import org.sqexact.store.Sql;

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

  /** Records the id; false when it was seen before (its key is taken). */
  public boolean firstTime(String source, String notificationId) {
    return Sql.insertUnlessDuplicate(
        db,
        "webhook notification log",
        "INSERT INTO processed_notification (connection_id, source, notification_id,"
            + " received_at) VALUES (?, ?, ?, ?)",
        connectionId,
        source,
        notificationId,
        Timestamp.from(clock.instant()));
  }

  /** Forgets ids older than a week (Squarespace retries for at most 48 hours); returns how many. */
  public int purgeExpired() {
    return purgeOlderThan(Duration.ofDays(7));
  }

  /**
   * Forgets the ids older than a week of every connection, the default one and those from {@code
   * connections/} (running or removed): the process's daily webhook housekeeping; returns how many.
   */
  public int purgeExpiredEveryConnection() {
    return Sql.update(
        db,
        "webhook notification log",
        "DELETE FROM processed_notification WHERE received_at < ?",
        Timestamp.from(clock.instant().minus(Duration.ofDays(7))));
  }

  /** Forgets ids older than Squarespace's 48-hour retry window and more (housekeeping). */
  public int purgeOlderThan(Duration age) {
    return Sql.update(
        db,
        "webhook notification log",
        "DELETE FROM processed_notification WHERE connection_id = ? AND received_at < ?",
        connectionId,
        Timestamp.from(clock.instant().minus(age)));
  }
}
