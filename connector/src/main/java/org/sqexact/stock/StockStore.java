package org.sqexact.stock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.sqexact.store.Database;
import org.sqexact.store.StoreException;

/**
 * The stock flow's state: the level last written per SKU ({@code stock_level}) and the adjustment
 * batches with their Idempotency-Keys ({@code stock_batch}), so that a batch whose answer was lost
 * is sent again with the same key and body, also after a restart.
 */
public final class StockStore {

  /** One setFinite operation: the shop's variant gets Exact's level of a SKU. */
  public record Operation(String sku, String variantId, long quantity) {}

  /** One adjustment request: at most 50 operations, one Idempotency-Key. */
  public record Batch(String key, List<Operation> operations, int attempts) {

    /** The request body: absolute levels only ({@code setFiniteOperations}). */
    public ObjectNode body() {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode set = body.putArray("setFiniteOperations");
      for (Operation op : operations) {
        set.addObject().put("variantId", op.variantId()).put("quantity", op.quantity());
      }
      return body;
    }
  }

  /** The level last written for a SKU, or refused by Squarespace (with the reason). */
  public record Level(long quantity, String rejectedReason) {}

  static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final String connectionId;
  private final Clock clock;

  public StockStore(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  public Optional<Level> level(String sku) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT quantity, rejected_reason FROM stock_level WHERE connection_id = ? AND"
                    + " sku = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, sku);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Level(rs.getLong(1), rs.getString(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the stock level of " + sku, e);
    }
  }

  /** Records the level the shop now shows for a SKU (written, or found equal). */
  public void putLevel(String sku, long quantity, String rejectedReason) {
    try (Connection c = db.connection()) {
      int updated;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE stock_level SET quantity = ?, rejected_reason = ?, updated_at = ? WHERE"
                  + " connection_id = ? AND sku = ?")) {
        ps.setLong(1, quantity);
        ps.setString(2, truncate(rejectedReason, 500));
        ps.setTimestamp(3, now());
        ps.setString(4, connectionId);
        ps.setString(5, sku);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO stock_level (connection_id, sku, quantity, rejected_reason,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?)")) {
          ps.setString(1, connectionId);
          ps.setString(2, sku);
          ps.setLong(3, quantity);
          ps.setString(4, truncate(rejectedReason, 500));
          ps.setTimestamp(5, now());
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot write the stock level of " + sku, e);
    }
  }

  /** Stores a new batch with a fresh Idempotency-Key, before it is sent. */
  public Batch newBatch(List<Operation> operations) {
    Batch batch = new Batch(UUID.randomUUID().toString(), List.copyOf(operations), 0);
    ArrayNode ops = JSON.createArrayNode();
    for (Operation op : operations) {
      ops.addObject()
          .put("sku", op.sku())
          .put("variantId", op.variantId())
          .put("quantity", op.quantity());
    }
    update(
        "INSERT INTO stock_batch (connection_id, idempotency_key, body, skus, state, attempts,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?)",
        connectionId,
        batch.key(),
        batch.body().toString(),
        ops.toString(),
        now(),
        now());
    return batch;
  }

  /** Batches not yet accepted by Squarespace, oldest first. */
  public List<Batch> pending() {
    List<Batch> out = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT idempotency_key, skus, attempts FROM stock_batch WHERE connection_id = ?"
                    + " AND state = 'PENDING' ORDER BY created_at, idempotency_key")) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Operation> ops = new ArrayList<>();
          for (JsonNode op : JSON.readTree(rs.getString(2))) {
            ops.add(
                new Operation(
                    op.path("sku").asText(),
                    op.path("variantId").asText(),
                    op.path("quantity").asLong()));
          }
          out.add(new Batch(rs.getString(1), ops, rs.getInt(3)));
        }
      }
      return out;
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot read the pending stock batches", e);
    }
  }

  /** Squarespace accepted the batch (204): its levels are now the shop's. */
  public void done(Batch batch) {
    finish(batch, "DONE", null);
    for (Operation op : batch.operations()) {
      putLevel(op.sku(), op.quantity(), null);
    }
  }

  /** The batch stays pending (sent again with the same key); counts the attempt. */
  public void attemptFailed(Batch batch, String reason) {
    update(
        "UPDATE stock_batch SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE"
            + " connection_id = ? AND idempotency_key = ?",
        truncate(reason, 1000),
        now(),
        connectionId,
        batch.key());
  }

  /** The batch is given up (refused, or replaced by smaller batches). */
  public void finish(Batch batch, String state, String reason) {
    update(
        "UPDATE stock_batch SET state = ?, attempts = attempts + 1, last_error = ?, updated_at = ?"
            + " WHERE connection_id = ? AND idempotency_key = ?",
        state,
        truncate(reason, 1000),
        now(),
        connectionId,
        batch.key());
  }

  /** Counts per state, for the operator. */
  public int count(String state) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM stock_batch WHERE connection_id = ? AND state = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, state);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot count the stock batches", e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the stock batches", e);
    }
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
