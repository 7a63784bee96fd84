package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactRateGovernor.Priority;

/**
 * An in-memory copy of one Exact Online entity set, kept fresh through Exact's sync API: the first
 * read loads everything (1,000 rows a call), later reads fetch only rows changed since the highest
 * {@code Timestamp} seen. So look-ups for many orders cost a handful of calls, not one per order.
 * The copy lives in memory only: nothing personal is written to disk.
 */
public final class ExactSyncCache {

  private static final Logger LOG = LoggerFactory.getLogger(ExactSyncCache.class);

  private final ExactApi api;
  private final String syncPath;
  private final String[] fields;
  private final Clock clock;
  private final Duration minInterval;
  private final Map<String, JsonNode> rows = new LinkedHashMap<>();
  private long timestamp = 1;
  private Instant lastRefresh;
  private int refreshes;
  private int division; // the division the rows belong to: another one starts the copy afresh

  /**
   * @param syncPath e.g. {@code sync/CRM/Accounts}
   * @param minInterval a miss refreshes at most this often; our own writes update the copy at once
   * @param fields the fields to keep; {@code ID} and {@code Timestamp} are added
   */
  public ExactSyncCache(
      ExactApi api, String syncPath, Clock clock, Duration minInterval, String... fields) {
    this.api = api;
    this.syncPath = syncPath;
    this.clock = clock;
    this.minInterval = minInterval;
    List<String> f = new ArrayList<>(List.of(fields));
    if (!f.contains("ID")) {
      f.add(0, "ID");
    }
    if (!f.contains("Timestamp")) {
      f.add("Timestamp");
    }
    this.fields = f.toArray(String[]::new);
  }

  /** Loads the set on first use. */
  public synchronized void ensureLoaded() {
    followDivision();
    if (lastRefresh == null) {
      refresh();
    }
  }

  /**
   * Fetches what changed since the last refresh, unless that was less than the minimum interval
   * ago.
   *
   * @return true when a refresh was made
   */
  public synchronized boolean refreshIfStale() {
    followDivision();
    if (lastRefresh != null && clock.instant().isBefore(lastRefresh.plus(minInterval))) {
      return false;
    }
    refresh();
    return true;
  }

  /** Fetches what changed since the last refresh. */
  public synchronized void refresh() {
    followDivision();
    int[] count = {0};
    api.forEachPage(
        syncPath,
        OData.select(fields).filter("Timestamp gt " + timestamp + "L"),
        Priority.ORDERS,
        page -> {
          for (JsonNode row : page.rows()) {
            put(row);
            count[0]++;
          }
        });
    lastRefresh = clock.instant();
    refreshes++;
    LOG.debug("{}: {} changed rows, {} in memory", syncPath, count[0], rows.size());
  }

  /** The connect wizard switched divisions: the copy of the old one is dropped. */
  private void followDivision() {
    int now = api.division();
    if (now != division) {
      rows.clear();
      timestamp = 1;
      lastRefresh = null;
      division = now;
    }
  }

  /** The next miss refreshes at once (e.g. the operator fixed something in Exact and retries). */
  public synchronized void markStale() {
    if (lastRefresh != null) {
      lastRefresh = Instant.EPOCH;
    }
  }

  /** Records a row the connector itself created or changed. */
  public synchronized void put(JsonNode row) {
    String id = row.path("ID").asText(null);
    if (id == null) {
      return;
    }
    rows.put(id.toLowerCase(java.util.Locale.ROOT), row);
    JsonNode ts = row.path("Timestamp");
    if (!ts.isMissingNode() && !ts.isNull()) {
      try {
        timestamp = Math.max(timestamp, Long.parseLong(ts.asText().trim()));
      } catch (NumberFormatException e) {
        // keep the previous watermark
      }
    }
  }

  public synchronized JsonNode get(String id) {
    return id == null ? null : rows.get(id.toLowerCase(java.util.Locale.ROOT));
  }

  public synchronized Collection<JsonNode> rows() {
    return new ArrayList<>(rows.values());
  }

  public synchronized int refreshes() {
    return refreshes;
  }

  public synchronized int size() {
    return rows.size();
  }
}
