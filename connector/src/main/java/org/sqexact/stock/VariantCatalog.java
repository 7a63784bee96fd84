package org.sqexact.stock;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqexact.squarespace.SquarespaceApi;

/**
 * SKU → variant, from Squarespace's Inventory API ({@code GET /1.0/commerce/inventory}, 50 a page,
 * cursor paging; squarespace-api.md §4): every physical and service variant with its SKU, whether
 * its stock is unlimited, and its quantity. Cached and read again after the refresh interval. A SKU
 * is unique only within a product (§4: "unique among variants"), so one SKU can belong to several
 * variants: those are reported, never guessed.
 */
public final class VariantCatalog {

  /** One inventory item as Squarespace lists it. */
  public record Variant(String variantId, String sku, boolean unlimited, long quantity) {}

  private final SquarespaceApi api;
  private final Clock clock;
  private final Duration maxAge;
  private Map<String, List<Variant>> bySku = Map.of();
  private Instant loadedAt;

  public VariantCatalog(SquarespaceApi api, Clock clock, Duration maxAge) {
    this.api = api;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /**
   * Reads the inventory again when the copy is older than the refresh interval.
   *
   * @return true when it was read
   */
  public synchronized boolean refreshIfStale() {
    if (loadedAt != null && clock.instant().isBefore(loadedAt.plus(maxAge))) {
      return false;
    }
    Map<String, List<Variant>> map = new HashMap<>();
    String cursor = null;
    do {
      JsonNode page =
          api.get(
              "/1.0/commerce/inventory",
              cursor == null
                  ? null
                  : "cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      for (JsonNode item : page.path("inventory")) {
        String sku = item.path("sku").asText("").trim();
        if (sku.isEmpty()) {
          continue;
        }
        map.computeIfAbsent(sku, k -> new ArrayList<>())
            .add(
                new Variant(
                    item.path("variantId").asText(),
                    sku,
                    item.path("isUnlimited").asBoolean(false),
                    item.path("quantity").asLong(0)));
      }
      JsonNode pagination = page.path("pagination");
      cursor =
          pagination.path("hasNextPage").asBoolean(false)
              ? pagination.path("nextPageCursor").asText(null)
              : null;
    } while (cursor != null);
    bySku = map;
    loadedAt = clock.instant();
    return true;
  }

  /** The next run reads the inventory again (e.g. after Squarespace said a variant changed). */
  public synchronized void markStale() {
    loadedAt = null;
  }

  /** The variants that carry this SKU: none, one, or (a problem) several. */
  public synchronized List<Variant> variants(String sku) {
    return bySku.getOrDefault(sku, List.of());
  }

  /** Records a level the connector wrote, so the copy stays right until the next read. */
  public synchronized void written(String sku, String variantId, long quantity) {
    List<Variant> list = bySku.get(sku);
    if (list == null) {
      return;
    }
    List<Variant> updated = new ArrayList<>();
    for (Variant v : list) {
      updated.add(
          v.variantId().equals(variantId) ? new Variant(variantId, sku, false, quantity) : v);
    }
    Map<String, List<Variant>> copy = new HashMap<>(bySku);
    copy.put(sku, updated);
    bySku = copy;
  }
}
