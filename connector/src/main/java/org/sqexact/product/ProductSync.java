package org.sqexact.product;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.order.VatCodes;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.stock.OrdersFirst;
import org.sqexact.store.ActivityLog;

/**
 * The steps of the {@code product-sync} route: Exact items sold in the shop ({@code IsWebshopItem},
 * or the item group of {@code products.item-group}), read through the sync API by {@code
 * Timestamp}, become Squarespace products with one variant each (Products v2): name, description,
 * price in the store currency and SKU; later changes (name, description, price, end date → hidden)
 * update them. Stock is the stock flow's job (the product API cannot change it after creation).
 * What cannot be mapped is reported per item in the activity log.
 */
public final class ProductSync {

  /** Squarespace limits (squarespace-api.md §4, §2 price limits). */
  static final int MAX_SKU = 60;

  static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExactApi exact;
  private final SquarespaceApi squarespace;
  private final VatCodes vatCodes;
  private final ProductSettings settings;
  private final ActivityLog activity;
  private final OrdersFirst ordersFirst;
  private final Clock clock;
  private long timestamp = 1;
  private long deletedTimestamp = 1;
  private final Map<String, String> skuById = new HashMap<>();
  private String currency;

  public ProductSync(
      ExactApi exact,
      SquarespaceApi squarespace,
      VatCodes vatCodes,
      ProductSettings settings,
      ActivityLog activity,
      OrdersFirst ordersFirst,
      Clock clock) {
    this.exact = exact;
    this.squarespace = squarespace;
    this.vatCodes = vatCodes;
    this.settings = settings;
    this.activity = activity;
    this.ordersFirst = ordersFirst;
    this.clock = clock;
  }

  /** A shop variant with its product, by SKU. */
  record ShopVariant(
      String productId,
      String variantId,
      String name,
      String description,
      boolean visible,
      BigDecimal price,
      int variants,
      int productVariants) {}

  /** One run: reads changed items, creates or updates their products. */
  public synchronized void run(Exchange exchange) {
    String wait = ordersFirst.reasonToWait();
    if (wait != null) {
      activity.record(null, null, "products read", "deferred", wait);
      return;
    }
    List<JsonNode> items = new ArrayList<>();
    long[] highest = {timestamp};
    try {
      exact.forEachPage(
          "sync/Logistics/Items",
          OData.select(
                  "Timestamp",
                  "ID",
                  "Code",
                  "Description",
                  "ExtraDescription",
                  "IsWebshopItem",
                  "ItemGroupCode",
                  "StandardSalesPrice",
                  "SalesVatCode",
                  "EndDate")
              .filter("Timestamp gt " + timestamp + "L"),
          Priority.BACKGROUND,
          page -> {
            for (JsonNode row : page.rows()) {
              highest[0] = Math.max(highest[0], row.path("Timestamp").asLong(0));
              if (sold(row)) {
                items.add(row);
                skuById.put(
                    row.path("ID").asText().toLowerCase(Locale.ROOT),
                    row.path("Code").asText("").trim());
              }
            }
          });
    } catch (ExactException e) {
      activity.record(null, null, "products read", "deferred", e.getMessage());
      return;
    }
    List<String> deleted = deletedSkus();
    if (items.isEmpty() && deleted.isEmpty()) {
      timestamp = highest[0];
      return;
    }
    Map<String, ShopVariant> shop = shopVariants();
    hideDeleted(deleted, shop);
    int created = 0;
    int updated = 0;
    for (JsonNode item : items) {
      String sku = item.path("Code").asText("").trim();
      try {
        String problem = problem(item, sku);
        if (problem != null) {
          activity.record(null, null, "product " + sku, "skipped", problem);
          continue;
        }
        ShopVariant v = shop.get(sku);
        if (v == null) {
          create(item, sku);
          created++;
        } else if (v.variants() > 1 && v.productId() == null) {
          activity.record(
              null, null, "product " + sku, "skipped", "SKU used by several variants in the shop");
        } else if (update(item, v)) {
          updated++;
        }
      } catch (SquarespaceException e) {
        activity.record(null, null, "product " + sku, "failed", e.getMessage());
      }
    }
    timestamp = highest[0];
    activity.record(
        null,
        null,
        "products",
        "ok",
        items.size()
            + " shop items changed in Exact: "
            + created
            + " created, "
            + updated
            + " updated");
  }

  /**
   * SKUs of shop items deleted in Exact since the last look: {@code sync/Deleted} with {@code
   * EntityType} 9 = Items (exact-online-api.md §4: the sync API returns no deletions). Only items
   * this process read as shop items are known by their ID (the first run after a start reads them
   * all). One more Exact call a run, at background priority.
   */
  private List<String> deletedSkus() {
    List<String> out = new ArrayList<>();
    long[] highest = {deletedTimestamp};
    try {
      exact.forEachPage(
          "sync/Deleted",
          OData.select("Timestamp", "EntityKey", "EntityType")
              .filter("Timestamp gt " + deletedTimestamp + "L and EntityType eq 9"),
          Priority.BACKGROUND,
          page -> {
            for (JsonNode row : page.rows()) {
              highest[0] = Math.max(highest[0], row.path("Timestamp").asLong(0));
              String sku = skuById.remove(row.path("EntityKey").asText().toLowerCase(Locale.ROOT));
              if (sku != null && !sku.isEmpty()) {
                out.add(sku);
              }
            }
          });
      deletedTimestamp = highest[0];
    } catch (ExactException e) {
      activity.record(null, null, "products deleted read", "deferred", e.getMessage());
    }
    return out;
  }

  /** Items deleted in Exact: their product is hidden (not deleted: orders still refer to it). */
  private void hideDeleted(List<String> skus, Map<String, ShopVariant> shop) {
    for (String sku : skus) {
      ShopVariant v = shop.get(sku);
      if (v == null || !v.visible()) {
        continue;
      }
      if (v.productVariants() != 1) {
        activity.record(
            null,
            null,
            "product " + sku,
            "skipped",
            "deleted in Exact, but its product has other variants: not hidden");
        continue;
      }
      try {
        ObjectNode body = JSON.createObjectNode();
        body.put("isVisible", false);
        squarespace.post("/v2/commerce/products/" + v.productId(), body, null);
        activity.record(null, null, "product " + sku, "ok", "hidden: deleted in Exact");
      } catch (SquarespaceException e) {
        activity.record(null, null, "product " + sku, "failed", e.getMessage());
      }
    }
  }

  private boolean sold(JsonNode item) {
    if (settings.itemGroup() != null) {
      return settings.itemGroup().equalsIgnoreCase(item.path("ItemGroupCode").asText("").trim());
    }
    return item.path("IsWebshopItem").asInt(0) == 1;
  }

  private String problem(JsonNode item, String sku) {
    if (sku.isEmpty()) {
      return "item " + item.path("ID").asText() + " has no code";
    }
    if (sku.length() > MAX_SKU) {
      return "code longer than Squarespace's " + MAX_SKU + " characters for a SKU";
    }
    if (item.path("Description").asText("").isBlank()) {
      return "no description to use as the product name";
    }
    BigDecimal price = price(item);
    if (price == null) {
      return "no sales price, or sales VAT code " + item.path("SalesVatCode").asText() + " unknown";
    }
    if (price.compareTo(MAX_PRICE) > 0) {
      return "price " + price + " above Squarespace's maximum of 1,000,000";
    }
    return null;
  }

  /** Exact's sales price (without VAT), with VAT added when the shop shows prices with VAT. */
  BigDecimal price(JsonNode item) {
    JsonNode p = item.get("StandardSalesPrice");
    if (p == null || p.isNull()) {
      return null;
    }
    BigDecimal price = new BigDecimal(p.asText());
    if (settings.pricesIncludeVat()) {
      VatCodes.VatCode code = vatCodes.get(item.path("SalesVatCode").asText("").trim());
      if (code == null) {
        return null;
      }
      BigDecimal rate = code.percentage() == null ? BigDecimal.ZERO : code.percentage();
      if (rate.compareTo(BigDecimal.ONE) > 0) {
        rate = rate.movePointLeft(2); // 21 → 0.21
      }
      price = price.multiply(BigDecimal.ONE.add(rate));
    }
    return price.setScale(2, RoundingMode.HALF_UP);
  }

  private boolean visible(JsonNode item) {
    Instant end = OData.parseDate(item.get("EndDate"));
    return end == null || end.isAfter(clock.instant());
  }

  private void create(JsonNode item, String sku) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "PHYSICAL");
    body.put("storePageId", settings.storePageId());
    body.put("name", item.path("Description").asText().trim());
    body.put("description", description(item));
    body.put("isVisible", visible(item));
    ObjectNode variant = body.putArray("variants").addObject();
    variant.put("sku", sku);
    variant
        .putObject("pricing")
        .putObject("basePrice")
        .put("currency", currency())
        .put("value", price(item).toPlainString());
    variant.putObject("stock").put("quantity", 0).put("unlimited", false);
    squarespace.post("/v2/commerce/products", body, null);
    activity.record(null, null, "product " + sku, "ok", "created in the shop");
  }

  private boolean update(JsonNode item, ShopVariant v) {
    String name = item.path("Description").asText().trim();
    String description = description(item);
    boolean visible = visible(item);
    boolean changed = false;
    // name, description and visibility belong to the product: written only when the item is its
    // only variant (a product with several variants, e.g. 250 g and 1 kg, keeps its own name)
    if (v.productVariants() == 1
        && (!name.equals(v.name())
            || !description.equals(v.description())
            || visible != v.visible())) {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      body.put("description", description);
      body.put("isVisible", visible);
      squarespace.post("/v2/commerce/products/" + v.productId(), body, null);
      changed = true;
    }
    BigDecimal price = price(item);
    if (v.price() == null || price.compareTo(v.price()) != 0) {
      ObjectNode body = JSON.createObjectNode();
      body.putObject("pricing")
          .putObject("basePrice")
          .put("currency", currency())
          .put("value", price.toPlainString());
      squarespace.post(
          "/v2/commerce/products/" + v.productId() + "/variants/" + v.variantId(), body, null);
      changed = true;
    }
    if (changed) {
      activity.record(null, null, "product " + item.path("Code").asText().trim(), "ok", "updated");
    }
    return changed;
  }

  private static String description(JsonNode item) {
    String extra = item.path("ExtraDescription").asText("").trim();
    String text = extra.isEmpty() ? item.path("Description").asText("").trim() : extra;
    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>";
  }

  private String currency() {
    if (currency == null) {
      currency = squarespace.get("/1.0/authorization/website", null).path("currency").asText("EUR");
    }
    return currency;
  }

  /** SKU → variant with its product, from Products v2 (50 a page, cursor). */
  private Map<String, ShopVariant> shopVariants() {
    Map<String, ShopVariant> out = new HashMap<>();
    String cursor = null;
    do {
      JsonNode page =
          squarespace.get(
              "/v2/commerce/products",
              cursor == null
                  ? null
                  : "cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      for (JsonNode p : page.path("products")) {
        for (JsonNode v : p.path("variants")) {
          String sku = v.path("sku").asText("").trim();
          if (sku.isEmpty()) {
            continue;
          }
          JsonNode base = v.path("pricing").path("basePrice").path("value");
          ShopVariant sv =
              new ShopVariant(
                  p.path("id").asText(),
                  v.path("id").asText(),
                  p.path("name").asText(""),
                  p.path("description").asText(""),
                  p.path("isVisible").asBoolean(true),
                  base.isMissingNode() || base.isNull() ? null : new BigDecimal(base.asText()),
                  1,
                  p.path("variants").size());
          ShopVariant before = out.get(sku);
          out.put(
              sku,
              before == null
                  ? sv
                  : new ShopVariant(null, null, null, null, true, null, before.variants() + 1, 0));
        }
      }
      JsonNode pagination = page.path("pagination");
      cursor =
          pagination.path("hasNextPage").asBoolean(false)
              ? pagination.path("nextPageCursor").asText(null)
              : null;
    } while (cursor != null);
    return out;
  }
}
