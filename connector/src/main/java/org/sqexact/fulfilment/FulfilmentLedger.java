package org.sqexact.fulfilment;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqexact.store.Database;
import org.sqexact.store.StoreException;

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
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO fulfilment_ledger (connection_id, order_id, order_number, source,"
                    + " carrier, service, tracking_number, ship_date, state, attempts, created_at,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'NEW', 0, ?, ?)")) {
      ps.setString(1, connectionId);
      ps.setString(2, order.orderId());
      ps.setString(3, order.orderNumber());
      ps.setString(4, truncate(source, 64));
      ps.setString(5, truncate(carrier, 100));
      ps.setString(6, truncate(service, 100));
      ps.setString(7, truncate(trackingNumber, 100));
      ps.setTimestamp(8, shipDate == null ? null : Timestamp.from(shipDate));
      ps.setTimestamp(9, now());
      ps.setTimestamp(10, now());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (find(order.orderId()).isPresent()) {
        return false; // the primary key says: claimed before
      }
      throw new StoreException("cannot write the fulfilment ledger", e);
    }
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
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT order_id, order_number FROM order_ledger WHERE connection_id = ? AND"
                    + " document_type = 'sales-order' AND exact_document_number = ? AND state IN"
                    + " ('BOOKED', 'SKIPPED')")) {
      ps.setString(1, connectionId);
      ps.setString(2, exactOrderNumber);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new BookedOrder(rs.getString(1), rs.getString(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the order ledger", e);
    }
  }

  /** Orders booked as (direct) sales invoices that have no fulfilment row yet. */
  public List<BookedOrder> invoicesWithoutFulfilment(int limit) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT o.order_id, o.order_number FROM order_ledger o WHERE o.connection_id = ?"
                    + " AND o.state = 'BOOKED' AND o.document_type IN ('sales-invoice',"
                    + " 'direct-sales-invoice') AND NOT EXISTS (SELECT 1 FROM fulfilment_ledger f"
                    + " WHERE f.connection_id = o.connection_id AND f.order_id = o.order_id)"
                    + " ORDER BY o.updated_at")) {
      ps.setMaxRows(limit);
      ps.setString(1, connectionId);
      List<BookedOrder> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new BookedOrder(rs.getString(1), rs.getString(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the order ledger", e);
    }
  }

  private void update(String orderId, String state, String note) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE fulfilment_ledger SET state = ?, attempts = attempts + 1, last_error = ?,"
                    + " updated_at = ? WHERE connection_id = ? AND order_id = ?")) {
      ps.setString(1, state);
      ps.setString(2, truncate(note, 1000));
      ps.setTimestamp(3, now());
      ps.setString(4, connectionId);
      ps.setString(5, orderId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the fulfilment ledger", e);
    }
  }

  private List<Fulfilment> query(String sql, Object... args) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Fulfilment> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp ship = rs.getTimestamp(7);
          out.add(
              new Fulfilment(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  ship == null ? null : ship.toInstant(),
                  rs.getString(8),
                  rs.getInt(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the fulfilment ledger", e);
    }
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
