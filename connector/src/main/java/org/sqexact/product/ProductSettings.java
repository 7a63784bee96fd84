package org.sqexact.product;

import java.time.Duration;
import org.sqexact.config.SettingsException;
import org.sqexact.config.SettingsReader;

/**
 * Settings of the product flow (Exact Online items → Squarespace products), from {@code products.*}
 * properties. Off by default.
 *
 * @param enabled the flow runs on its schedule (and with {@code sync.auto-start})
 * @param interval seconds between two runs
 * @param itemGroup Exact item group code whose items are sold in the shop; empty: items marked
 *     {@code IsWebshopItem}
 * @param storePageId the Squarespace store page new products are created on
 * @param pricesIncludeVat the shop shows prices with VAT (Exact's sales price is without)
 */
public record ProductSettings(
    boolean enabled,
    Duration interval,
    String itemGroup,
    String storePageId,
    boolean pricesIncludeVat) {

  public static ProductSettings load(SettingsReader r) {
    boolean enabled = r.bool("products.enabled", false);
    String page = r.optional("products.store-page-id");
    if (enabled && page == null) {
      throw new SettingsException(
          SettingsReader.name("products.store-page-id")
              + " is required when PRODUCTS_ENABLED is true (GET /1.0/commerce/store_pages lists"
              + " the ids)");
    }
    return new ProductSettings(
        enabled,
        r.seconds("products.interval", 900, 60, 86400),
        r.optional("products.item-group"),
        page,
        r.bool("products.prices-include-vat", true));
  }
}
