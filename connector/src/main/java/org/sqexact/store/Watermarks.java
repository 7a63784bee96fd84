package org.sqexact.store;

import java.time.Clock;
import java.util.List;
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
    List<String> found =
        Sql.query(
            db,
            "watermark " + flow,
            "SELECT watermark FROM sync_watermark WHERE connection_id = ? AND flow = ?",
            rs -> rs.getString(1),
            connectionId,
            flow);
    return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0));
  }

  public void put(String flow, String watermark) {
    int updated =
        Sql.update(
            db,
            "watermark " + flow,
            "UPDATE sync_watermark SET watermark = ?, updated_at = ? WHERE connection_id = ?"
                + " AND flow = ?",
            watermark,
            Database.ts(clock.instant()),
            connectionId,
            flow);
    if (updated == 0
        && !Sql.insertUnlessDuplicate(
            db,
            "watermark " + flow,
            "INSERT INTO sync_watermark (connection_id, flow, watermark, updated_at) VALUES"
                + " (?, ?, ?, ?)",
            connectionId,
            flow,
            watermark,
            Database.ts(clock.instant()))) {
      // another node inserted the row between our UPDATE and INSERT: ours is the newer value
      put(flow, watermark);
    }
  }
}
