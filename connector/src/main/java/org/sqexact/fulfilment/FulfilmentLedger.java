package org.sqexact.fulfilment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sqexact.store.Database;
import org.sqexact.store.Sql;

/**
 * Which Squarespace orders the connector marks (or marked) fulfilled, one row per order, so that
 * each order is fulfilled at most once whatever Exact sends again. Also finds the Squarespace order
 * of an Exact document in the order ledger.
 */
public final class FulfilmentLedger {

  /** States: NEW (claimed, not yet sent), DONE, FAILED (tried again), PARKED (needs a person). */
  public record Fulfilment(
      String orderId,
      String orderNumber,
      String source,
      String carrier,
      String service,
      String trackingNumber,
      Instant shipDate,
      String state,
      int attempts) {}

  /** A booked order: its Squarespace id and number. */
  public record BookedOrder(String orderId, String orderNumber) {}

  private static final String COLUMNS =
      "order_id, order_number, source, carrier, service, tracking_number, ship_date, state,"
          + " attempts";

  private final Database db;
  private final String connectionId;
  private final Clock clock;

  public FulfilmentLedger(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  /**
   * Claims an order for fulfilment; false when it was claimed before (by an earlier delivery, a
   * repeated notification, or another instance): each order at most once.
   */
  public boolean claim(
      BookedOrder order,
      String source,
      String carrier,
      String service,
      String trackingNumber,
      Instant shipDate) {
    // the primary key refuses a second claim of the same order
    return Sql.insertUnlessDuplicate(
        db,
        "fulfilment ledger",
        "INSERT INTO fulfilment_ledger (connection_id, order_id, order_number, source,"
            + " carrier, service, tracking_number, ship_date, state, attempts, created_at,"
            + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'NEW', 0, ?, ?)",
        connectionId,
        order.orderId(),
        order.orderNumber(),
        truncate(source, 64),
        truncate(carrier, 100),
        truncate(service, 100),
        truncate(trackingNumber, 100),
        shipDate == null ? null : Timestamp.from(shipDate),
        now(),
        now());
  }

  public Optional<Fulfilment> find(String orderId) {
    List<Fulfilment> rows =
        query(
            "SELECT "
                + COLUMNS
                + " FROM fulfilment_ledger WHERE connection_id = ? AND order_id = ?",
            connectionId,
            orderId);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Claimed orders still to be sent (new, or failed earlier), oldest first. */
  public List<Fulfilment> due() {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM fulfilment_ledger WHERE connection_id = ? AND state IN ('NEW', 'FAILED')"
            + " ORDER BY created_at, order_id",
        connectionId);
  }

  public void done(String orderId, String note) {
    update(orderId, "DONE", note);
  }

  public void failed(String orderId, String reason, boolean park) {
    update(orderId, park ? "PARKED" : "FAILED", reason);
  }

  /** The Squarespace order booked as this Exact sales order (by its OrderNumber). */
  public Optional<BookedOrder> salesOrder(String exactOrderNumber) {
    List<BookedOrder> found =
        Sql.query(
            db,
            "order ledger",
            "SELECT order_id, order_number FROM order_ledger WHERE connection_id = ? AND"
                + " document_type = 'sales-order' AND exact_document_number = ? AND state IN"
                + " ('BOOKED', 'SKIPPED')",
            FulfilmentLedger::bookedOrder,
            connectionId,
            exactOrderNumber);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Orders booked as (direct) sales invoices that have no fulfilment row yet. */
  public List<BookedOrder> invoicesWithoutFulfilment(int limit) {
    return Sql.queryAtMost(
        db,
        "order ledger",
        limit,
        "SELECT o.order_id, o.order_number FROM order_ledger o WHERE o.connection_id = ?"
            + " AND o.state = 'BOOKED' AND o.document_type IN ('sales-invoice',"
            + " 'direct-sales-invoice') AND NOT EXISTS (SELECT 1 FROM fulfilment_ledger f"
            + " WHERE f.connection_id = o.connection_id AND f.order_id = o.order_id)"
            + " ORDER BY o.updated_at",
        FulfilmentLedger::bookedOrder,
        connectionId);
  }

  private void update(String orderId, String state, String note) {
    Sql.update(
        db,
        "fulfilment ledger",
        "UPDATE fulfilment_ledger SET state = ?, attempts = attempts + 1, last_error = ?,"
            + " updated_at = ? WHERE connection_id = ? AND order_id = ?",
        state,
        truncate(note, 1000),
        now(),
        connectionId,
        orderId);
  }

  private List<Fulfilment> query(String sql, Object... args) {
    return Sql.query(db, "fulfilment ledger", sql, FulfilmentLedger::fulfilment, args);
  }

  private static BookedOrder bookedOrder(ResultSet rs) throws SQLException {
    return new BookedOrder(rs.getString(1), rs.getString(2));
  }

  private static Fulfilment fulfilment(ResultSet rs) throws SQLException {
    Timestamp ship = rs.getTimestamp(7);
    return new Fulfilment(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        ship == null ? null : ship.toInstant(),
        rs.getString(8),
        rs.getInt(9));
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
