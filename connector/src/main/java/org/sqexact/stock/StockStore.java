package org.sqexact.stock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.sqexact.store.Database;
import org.sqexact.store.Sql;
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
    List<Level> found =
        Sql.query(
            db,
            "stock level of " + sku,
            "SELECT quantity, rejected_reason FROM stock_level WHERE connection_id = ? AND"
                + " sku = ?",
            rs -> new Level(rs.getLong(1), rs.getString(2)),
            connectionId,
            sku);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Records the level the shop now shows for a SKU (written, or found equal). */
  public void putLevel(String sku, long quantity, String rejectedReason) {
    String what = "stock level of " + sku;
    int updated =
        Sql.update(
            db,
            what,
            "UPDATE stock_level SET quantity = ?, rejected_reason = ?, updated_at = ? WHERE"
                + " connection_id = ? AND sku = ?",
            quantity,
            truncate(rejectedReason, 500),
            now(),
            connectionId,
            sku);
    if (updated == 0) {
      Sql.update(
          db,
          what,
          "INSERT INTO stock_level (connection_id, sku, quantity, rejected_reason,"
              + " updated_at) VALUES (?, ?, ?, ?, ?)",
          connectionId,
          sku,
          quantity,
          truncate(rejectedReason, 500),
          now());
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

  /** A batch row as stored: its operations still as JSON text. */
  private record StoredBatch(String key, String skus, int attempts) {}

  /** Batches not yet accepted by Squarespace, oldest first. */
  public List<Batch> pending() {
    String what = "pending stock batches";
    List<StoredBatch> rows =
        Sql.query(
            db,
            what,
            "SELECT idempotency_key, skus, attempts FROM stock_batch WHERE connection_id = ?"
                + " AND state = 'PENDING' ORDER BY created_at, idempotency_key",
            rs -> new StoredBatch(rs.getString(1), rs.getString(2), rs.getInt(3)),
            connectionId);
    List<Batch> out = new ArrayList<>();
    for (StoredBatch row : rows) {
      List<Operation> ops = new ArrayList<>();
      try {
        for (JsonNode op : JSON.readTree(row.skus())) {
          ops.add(
              new Operation(
                  op.path("sku").asText(),
                  op.path("variantId").asText(),
                  op.path("quantity").asLong()));
        }
      } catch (java.io.IOException e) {
        throw new StoreException("cannot read the " + what, e);
      }
      out.add(new Batch(row.key(), ops, row.attempts()));
    }
    return out;
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
    return Sql.query(
            db,
            "stock batches",
            "SELECT COUNT(*) FROM stock_batch WHERE connection_id = ? AND state = ?",
            rs -> rs.getInt(1),
            connectionId,
            state)
        .get(0);
  }

  private void update(String sql, Object... args) {
    Sql.update(db, "stock batches", sql, args);
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
