package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What a data-subject request needs of the state database beyond the ledgers' own reads: whether
 * the order's key is in the idempotent repository, and the erasure of everything free-text kept
 * about one order. Erasure keeps the bare facts that keep the order from ever being booked twice
 * (the order id and number, its state and the Exact document it became; none of them names a
 * person) and deletes the order's activity lines and the reasons in both ledgers.
 */
public final class PersonalDataStore {

  /** What an erasure removed. */
  public record Erased(int activityLines, int ledgerReasons, int refundReasons) {}

  private final Database db;
  private final String connectionId;

  public PersonalDataStore(Database db, String connectionId) {
    this.db = db;
    this.connectionId = connectionId;
  }

  /** Whether the idempotent repository holds the order's id (it is then never taken again). */
  public boolean hasIdempotentKey(String orderId) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the idempotent repository", e);
    }
  }

  /**
   * Deletes the order's activity lines and replaces the reasons in the order and refund ledgers by
   * {@code note}, in one transaction.
   */
  public Erased erase(String orderId, String orderNumber, String note) {
    try (Connection c = db.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        int lines;
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM activity WHERE connection_id = ? AND (order_id = ? OR order_number ="
                    + " ?)")) {
          ps.setString(1, connectionId);
          ps.setString(2, orderId);
          ps.setString(3, orderNumber);
          lines = ps.executeUpdate();
        }
        int ledger;
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE order_ledger SET last_error = ? WHERE connection_id = ? AND order_id = ?")) {
          ps.setString(1, note);
          ps.setString(2, connectionId);
          ps.setString(3, orderId);
          ledger = ps.executeUpdate();
        }
        int refunds;
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE refund_ledger SET last_error = NULL WHERE connection_id = ? AND order_id ="
                    + " ? AND last_error IS NOT NULL")) {
          ps.setString(1, connectionId);
          ps.setString(2, orderId);
          refunds = ps.executeUpdate();
        }
        c.commit();
        return new Erased(lines, ledger, refunds);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot erase the order's personal data", e);
    }
  }
}
