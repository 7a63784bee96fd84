package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactSyncCache;

/**
 * Exact Online's items by code, read through the sync API into memory. Unknown codes are looked up
 * together: one refresh for all the SKUs of an order (or of many orders), not one call per line.
 */
public final class ItemCatalog {

  private final ExactSyncCache items;

  public ItemCatalog(ExactApi api, Clock clock, Duration minRefreshInterval) {
    this.items =
        new ExactSyncCache(
            api,
            "sync/Logistics/Items",
            clock,
            minRefreshInterval,
            "ID",
            "Code",
            "Description",
            "IsSalesItem",
            // the window in which Exact sells the item (checked before an order is booked)
            "StartDate",
            "EndDate",
            "SalesVatCode",
            "GLRevenue");
  }

  /** The items for these codes; codes that Exact does not have are absent from the map. */
  public Map<String, JsonNode> resolve(Collection<String> codes) {
    items.ensureLoaded();
    Map<String, JsonNode> found = lookup(codes);
    if (found.size() < codes.size() && items.refreshIfStale()) {
      found = lookup(codes);
    }
    return found;
  }

  private Map<String, JsonNode> lookup(Collection<String> codes) {
    Map<String, JsonNode> byCode = new HashMap<>();
    for (JsonNode item : items.rows()) {
      byCode.putIfAbsent(key(item.path("Code").asText("")), item);
    }
    Map<String, JsonNode> out = new HashMap<>();
    for (String code : codes) {
      JsonNode item = byCode.get(key(code));
      if (item != null) {
        out.put(code, item);
      }
    }
    return out;
  }

  /** The next unknown code refreshes the copy at once. */
  public void markStale() {
    items.markStale();
  }

  public int refreshes() {
    return items.refreshes();
  }

  private static String key(String code) {
    return code.trim().toLowerCase(Locale.ROOT);
  }
}
