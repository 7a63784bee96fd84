package org.sqexact.stock;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;

/**
 * Free stock per item and warehouse, read incrementally from Exact Online's sync API ({@code
 * sync/Inventory/StockPositions}, 1,000 rows a call, {@code Timestamp gt n}; exact-online-api.md
 * §4.9, §4.10): the first read loads every position, later reads only what changed since the
 * highest {@code Timestamp} seen. Kept in memory (quantities only).
 */
public final class ExactStockPositions {

  static final String PATH = "sync/Inventory/StockPositions";

  private final ExactApi api;
  private final StockSettings settings;
  // item code → (warehouse code or id → free stock)
  private final Map<String, Map<String, BigDecimal>> free = new HashMap<>();
  private long timestamp = 1;
  private boolean loaded;

  public ExactStockPositions(ExactApi api, StockSettings settings) {
    this.api = api;
    this.settings = settings;
  }

  /**
   * Reads the positions changed since the last read (all on the first).
   *
   * @return the item codes (SKUs) whose free stock may have changed
   */
  public synchronized Set<String> refresh() {
    Set<String> changed = new LinkedHashSet<>();
    long[] highest = {timestamp};
    api.forEachPage(
        PATH,
        OData.select("Timestamp", "ItemCode", "FreeStock", "Warehouse", "WarehouseCode")
            .filter("Timestamp gt " + timestamp + "L"),
        Priority.BACKGROUND,
        page -> {
          for (JsonNode row : page.rows()) {
            String code = row.path("ItemCode").asText("").trim();
            if (!code.isEmpty()) {
              String warehouse =
                  row.hasNonNull("WarehouseCode")
                      ? row.path("WarehouseCode").asText().trim()
                      : row.path("Warehouse").asText("");
              BigDecimal quantity =
                  row.path("FreeStock").isNull() || row.path("FreeStock").isMissingNode()
                      ? BigDecimal.ZERO
                      : new BigDecimal(row.path("FreeStock").asText("0"));
              if (settings.counts(warehouse)) {
                free.computeIfAbsent(code, k -> new HashMap<>()).put(warehouse, quantity);
              } else {
                free.computeIfAbsent(code, k -> new HashMap<>()).remove(warehouse);
              }
              changed.add(code);
            }
            long ts = timestampOf(row);
            if (ts > highest[0]) {
              highest[0] = ts;
            }
          }
        });
    timestamp = highest[0];
    loaded = true;
    return changed;
  }

  /** Whether the first (full) read has been made. */
  public synchronized boolean loaded() {
    return loaded;
  }

  /** Every item code seen so far. */
  public synchronized Set<String> skus() {
    return new LinkedHashSet<>(free.keySet());
  }

  /**
   * The free stock the shop should show: summed over the counted warehouses, rounded down (a half
   * bag of coffee cannot be sold), never below 0.
   */
  public synchronized long level(String sku) {
    Map<String, BigDecimal> perWarehouse = free.get(sku);
    if (perWarehouse == null) {
      return 0;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal q : perWarehouse.values()) {
      sum = sum.add(q);
    }
    return Math.max(0, sum.setScale(0, RoundingMode.FLOOR).longValueExact());
  }

  /** The highest sync Timestamp read so far (the next read asks for rows after it). */
  public synchronized long timestamp() {
    return timestamp;
  }

  private static long timestampOf(JsonNode row) {
    try {
      return Long.parseLong(row.path("Timestamp").asText("0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
