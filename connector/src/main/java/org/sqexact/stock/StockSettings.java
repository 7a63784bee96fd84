package org.sqexact.stock;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.sqexact.config.SettingsReader;

/**
 * Settings of the stock flow (Exact Online → Squarespace), from {@code stock.*} properties.
 *
 * @param enabled the flow runs on its schedule (and with {@code sync.auto-start})
 * @param interval seconds between two runs; a change in Exact shows in the shop within one
 * @param warehouses Exact warehouse codes whose free stock counts; empty: all warehouses
 * @param unlimitedToFinite variants with unlimited stock in Squarespace get Exact's level too
 * @param catalogueRefresh how long the SKU → variant map of Squarespace is reused
 */
public record StockSettings(
    boolean enabled,
    Duration interval,
    List<String> warehouses,
    boolean unlimitedToFinite,
    Duration catalogueRefresh) {

  public static StockSettings load(SettingsReader r) {
    return new StockSettings(
        r.bool("stock.enabled", true),
        r.seconds("stock.interval", 60, 10, 86400),
        r.list("stock.warehouses", "").stream()
            .map(c -> c.trim().toUpperCase(Locale.ROOT))
            .toList(),
        r.bool("stock.unlimited-to-finite", false),
        r.seconds("stock.catalogue-refresh", 900, 60, 86400));
  }

  /** Whether free stock in this warehouse counts. */
  public boolean counts(String warehouseCode) {
    return warehouses.isEmpty()
        || (warehouseCode != null
            && warehouses.contains(warehouseCode.trim().toUpperCase(Locale.ROOT)));
  }
}
