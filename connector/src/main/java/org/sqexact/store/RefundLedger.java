package org.sqexact.store;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** One row per Squarespace refund of a booked order: its credit document in Exact Online. */
public final class RefundLedger {

  /** The states of a refund. */
  public enum State {
    IN_PROGRESS,
    FAILED,
    /** Credited in Exact Online. */
    BOOKED,
    /** Needs a person: a sales order cannot be credited through the API. */
    MANUAL
  }

  /** One row. */
  public record Entry(
      String refundId,
      String orderId,
      String orderNumber,
      BigDecimal amount,
      String yourRef,
      State state,
      String documentId,
      String documentNumber,
      int attempts,
      boolean outcomeUnknown,
      String lastError) {}

  private final Database db;
  private final String connectionId;
  private final Clock clock;

  public RefundLedger(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  public List<Entry> forOrder(String orderId) {
    return query(
        "SELECT refund_id, order_id, order_number, amount, your_ref, state, exact_document_id,"
            + " exact_document_number, attempts, outcome_unknown, last_error FROM refund_ledger"
            + " WHERE connection_id = ? AND order_id = ? ORDER BY created_at",
        connectionId,
        orderId);
  }

  public Optional<Entry> find(String refundId) {
    List<Entry> e =
        query(
            "SELECT refund_id, order_id, order_number, amount, your_ref, state,"
                + " exact_document_id, exact_document_number, attempts, outcome_unknown,"
                + " last_error FROM refund_ledger WHERE connection_id = ? AND refund_id = ?",
            connectionId,
            refundId);
    return e.isEmpty() ? Optional.empty() : Optional.of(e.get(0));
  }

  /** Starts an attempt; creates the row on the first. */
  public Entry begin(
      String refundId, String orderId, String orderNumber, BigDecimal amount, String yourRef) {
    Optional<Entry> before = find(refundId);
    if (before.isEmpty()) {
      update(
          "INSERT INTO refund_ledger (connection_id, refund_id, order_id, order_number, amount,"
              + " your_ref, state, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
              + " 1, ?, ?)",
          connectionId,
          refundId,
          orderId,
          orderNumber,
          amount,
          yourRef,
          State.IN_PROGRESS.name(),
          Database.ts(clock.instant()),
          Database.ts(clock.instant()));
    } else {
      update(
          "UPDATE refund_ledger SET state = ?, attempts = attempts + 1, updated_at = ? WHERE"
              + " connection_id = ? AND refund_id = ?",
          State.IN_PROGRESS.name(),
          Database.ts(clock.instant()),
          connectionId,
          refundId);
    }
    return before.orElse(null);
  }

  public void markPosting(String refundId, String documentType) {
    update(
        "UPDATE refund_ledger SET outcome_unknown = TRUE, document_type = ?, updated_at = ? WHERE"
            + " connection_id = ? AND refund_id = ?",
        documentType,
        Database.ts(clock.instant()),
        connectionId,
        refundId);
  }

  public void markBooked(String refundId, String documentId, String documentNumber, String note) {
    update(
        "UPDATE refund_ledger SET state = ?, exact_document_id = ?, exact_document_number = ?,"
            + " outcome_unknown = FALSE, last_error = ?, updated_at = ? WHERE connection_id = ?"
            + " AND refund_id = ?",
        State.BOOKED.name(),
        documentId,
        documentNumber,
        note,
        Database.ts(clock.instant()),
        connectionId,
        refundId);
  }

  public void markManual(String refundId, String reason) {
    update(
        "UPDATE refund_ledger SET state = ?, last_error = ?, updated_at = ? WHERE connection_id ="
            + " ? AND refund_id = ?",
        State.MANUAL.name(),
        ActivityLog.truncate(reason, 1000),
        Database.ts(clock.instant()),
        connectionId,
        refundId);
  }

  public void markFailed(String refundId, String reason, boolean postRefused) {
    update(
        "UPDATE refund_ledger SET state = ?, last_error = ?, outcome_unknown = CASE WHEN ? THEN"
            + " FALSE ELSE outcome_unknown END, updated_at = ? WHERE connection_id = ? AND"
            + " refund_id = ?",
        State.FAILED.name(),
        ActivityLog.truncate(reason, 1000),
        postRefused,
        Database.ts(clock.instant()),
        connectionId,
        refundId);
  }

  private List<Entry> query(String sql, Object... args) {
    return Sql.query(db, "refund ledger", sql, RefundLedger::row, args);
  }

  private static Entry row(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getBigDecimal(4),
        rs.getString(5),
        State.valueOf(rs.getString(6)),
        rs.getString(7),
        rs.getString(8),
        rs.getInt(9),
        rs.getBoolean(10),
        rs.getString(11));
  }

  private void update(String sql, Object... args) {
    Sql.update(db, "refund ledger", sql, args);
  }
}
