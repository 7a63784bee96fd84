package org.sqexact.store;

import java.util.HashSet;
import java.util.Set;

/**
 * The nodes that share this database and are alive, as Quartz's clustered job store knows them
 * (table {@code QRTZ_SCHEDULER_STATE}, migration V11): each node checks in every few seconds, and
 * Quartz counts a node dead once its last check-in is older than its interval plus 7.5 s (the rule
 * of Quartz's JobStoreSupport.calcFailedIfAfter). A node's Quartz instance id is its claim prefix,
 * so an order held by a node that is gone can be taken back at once.
 */
public final class ClusterNodes {

  /** Quartz's grace beyond a node's check-in interval before it is counted dead. */
  private static final long GRACE_MILLIS = 7_500;

  private final Database db;

  public ClusterNodes(Database db) {
    this.db = db;
  }

  /** The instance ids of the live nodes (Quartz's clock: the system's, as Quartz writes it). */
  public Set<String> live() {
    long now = System.currentTimeMillis();
    Set<String> out = new HashSet<>();
    Sql.query(
            db,
            "cluster nodes",
            "SELECT INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE",
            rs -> rs.getLong(2) + rs.getLong(3) + GRACE_MILLIS >= now ? rs.getString(1) : null,
            new Object[0])
        .forEach(
            id -> {
              if (id != null) {
                out.add(id);
              }
            });
    return out;
  }
}
