package org.sqexact.stock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactException;
import org.sqexact.ops.Alerts;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.stock.StockStore.Batch;
import org.sqexact.stock.StockStore.Level;
import org.sqexact.stock.StockStore.Operation;
import org.sqexact.stock.VariantCatalog.Variant;
import org.sqexact.store.ActivityLog;

/**
 * The steps of the {@code stock-sync} route: which levels changed in Exact, which variants they
 * belong to, the batches that write them, and what Squarespace answered.
 */
public final class StockSync {

  /** Squarespace: at most 50 operations per adjustment request (squarespace-api.md §4). */
  public static final int MAX_OPERATIONS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(StockSync.class);

  private final ExactStockPositions positions;
  private final VariantCatalog catalog;
  private final StockStore store;
  private final SquarespaceApi squarespace;
  private final StockSettings settings;
  private final ActivityLog activity;
  private final Alerts alerts;
  private final OrdersFirst ordersFirst;
  private final Set<String> reportedDuplicates = new HashSet<>();

  public StockSync(
      ExactStockPositions positions,
      VariantCatalog catalog,
      StockStore store,
      SquarespaceApi squarespace,
      StockSettings settings,
      ActivityLog activity,
      Alerts alerts,
      OrdersFirst ordersFirst) {
    this.ordersFirst = ordersFirst;
    this.positions = positions;
    this.catalog = catalog;
    this.store = store;
    this.squarespace = squarespace;
    this.settings = settings;
    this.activity = activity;
    this.alerts = alerts;
  }

  /**
   * Reads what changed in Exact and the shop's variants; the body becomes the batches to send:
   * first those still pending from earlier runs (same key, same body), then new ones of at most 50
   * operations.
   */
  public synchronized List<Batch> plan(Exchange exchange) {
    List<Batch> batches = new ArrayList<>(store.pending());
    String wait = ordersFirst.reasonToWait();
    if (wait != null) {
      activity.record(null, null, "stock read", "deferred", wait);
      exchange.getMessage().setBody(batches);
      return batches;
    }
    Set<String> candidates;
    try {
      candidates = new LinkedHashSet<>(positions.refresh());
    } catch (ExactException e) {
      // budget kept for orders, rate limit, Exact down: the next run reads from the same Timestamp
      activity.record(null, null, "stock read", "deferred", e.getMessage());
      LOG.info("Stock sync deferred: {}", e.getMessage());
      exchange.getMessage().setBody(batches);
      return batches;
    }
    boolean catalogueRead;
    try {
      catalogueRead = catalog.refreshIfStale();
    } catch (SquarespaceException e) {
      // the next run reads the variants again and then looks at every SKU, so nothing is missed
      activity.record(null, null, "stock catalogue", "deferred", e.getMessage());
      exchange.getMessage().setBody(batches);
      return batches;
    }
    if (catalogueRead) {
      // the shop's variants were read again: new variants get their level, found levels are kept
      candidates.addAll(positions.skus());
    }
    List<Operation> ops = new ArrayList<>();
    Set<String> pendingVariants = new HashSet<>();
    int unknown = 0;
    int unlimited = 0;
    List<String> duplicates = new ArrayList<>();
    for (String sku : candidates) {
      List<Variant> variants = catalog.variants(sku);
      if (variants.isEmpty()) {
        unknown++; // Exact has the item, the shop has no variant with that SKU: nothing to do
        continue;
      }
      if (variants.size() > 1) {
        duplicates.add(sku);
        continue;
      }
      Variant v = variants.get(0);
      if (v.unlimited() && !settings.unlimitedToFinite()) {
        unlimited++;
        continue;
      }
      long level = positions.level(sku);
      Optional<Level> last = store.level(sku);
      if (last.isPresent() && last.get().quantity() == level) {
        continue; // unchanged since written (or refused at this very level)
      }
      if (last.isEmpty() && !v.unlimited() && v.quantity() == level) {
        store.putLevel(sku, level, null); // the shop already shows it
        continue;
      }
      if (pendingVariants.add(v.variantId())) {
        ops.add(new Operation(sku, v.variantId(), level));
      }
    }
    reportDuplicates(duplicates);
    for (int i = 0; i < ops.size(); i += MAX_OPERATIONS) {
      batches.add(store.newBatch(ops.subList(i, Math.min(ops.size(), i + MAX_OPERATIONS))));
    }
    String summary =
        candidates.size()
            + " SKUs read from Exact (Timestamp "
            + positions.timestamp()
            + "), "
            + ops.size()
            + " levels to write in "
            + batches.size()
            + " requests"
            + (unknown > 0 ? ", " + unknown + " SKUs not in the shop" : "")
            + (unlimited > 0 ? ", " + unlimited + " unlimited variants left alone" : "")
            + (duplicates.isEmpty() ? "" : ", duplicate SKUs left alone: " + duplicates);
    activity.record(null, null, "stock plan", "ok", summary);
    LOG.debug("Stock sync: {}", summary);
    exchange.getMessage().setBody(batches);
    return batches;
  }

  /** Sends one batch with its Idempotency-Key (the gateway retries passing failures with it). */
  public void send(Batch batch) {
    squarespace.post("/1.0/commerce/inventory/adjustments", batch.body(), batch.key());
    store.done(batch);
    for (Operation op : batch.operations()) {
      catalog.written(op.sku(), op.variantId(), op.quantity());
    }
    activity.record(
        null,
        null,
        "stock write",
        "ok",
        batch.operations().size() + " levels set (Idempotency-Key " + batch.key() + ")");
  }

  /**
   * Squarespace refused the batch or did not answer. By the 409 subtype (squarespace-api.md §4,
   * §6): {@code CONCURRENT_MODIFICATION} and passing failures keep the batch for the next run with
   * the same key; a refusal splits the batch so the one variant at fault is found, and a single
   * refused level is recorded and reported, not sent again until Exact's level changes.
   */
  public void failed(Exchange exchange) {
    Batch batch = exchange.getMessage().getBody(Batch.class);
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    SquarespaceException se = e instanceof SquarespaceException s ? s : null;
    String reason = e == null ? "unknown error" : e.getMessage();
    String subtype = se == null ? null : se.getErrorSubtype();
    boolean keep =
        se == null
            || se.isTransient()
            || "CONCURRENT_MODIFICATION".equals(subtype)
            || se.getHttpStatus() == 401
            || se.getHttpStatus() == 402
            || se.getHttpStatus() == 403;
    if (keep) {
      store.attemptFailed(batch, reason);
      activity.record(
          null, null, "stock write", "retry", "kept for the next run with the same key: " + reason);
      return;
    }
    if ("STOCK_NOT_TRACKED".equals(subtype)) {
      catalog.markStale(); // a variant's tracking changed in the shop: read the variants again
    }
    if (batch.operations().size() > 1) {
      store.finish(batch, "SPLIT", reason);
      for (Operation op : batch.operations()) {
        store.newBatch(List.of(op));
      }
      activity.record(
          null,
          null,
          "stock write",
          "split",
          "refused (" + reason + "); the next run sends each level on its own");
      return;
    }
    Operation op = batch.operations().get(0);
    store.finish(batch, "REFUSED", reason);
    store.putLevel(op.sku(), op.quantity(), reason);
    alerts.raise(
        "stock-refused",
        "Squarespace refused stock level "
            + op.quantity()
            + " for SKU "
            + op.sku()
            + " (variant "
            + op.variantId()
            + "): "
            + reason
            + ". It is sent again when Exact's level changes.",
        null,
        null);
  }

  private void reportDuplicates(List<String> duplicates) {
    for (String sku : duplicates) {
      if (reportedDuplicates.add(sku)) {
        alerts.raise(
            "stock-duplicate-sku",
            "SKU "
                + sku
                + " belongs to "
                + catalog.variants(sku).size()
                + " variants in Squarespace; its stock is not written until only one variant"
                + " carries it",
            null,
            null);
      }
    }
  }
}
