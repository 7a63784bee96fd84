package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqexact.store.ActivityLog;

/**
 * Work done once per page of orders rather than once per order: which orders are eligible, and one
 * question to Exact Online for the YourRefs of all of them.
 */
public final class OrderBatch {

  private final OrderEligibility eligibility;
  private final ExistenceCheck existence;
  private final OrderTracker tracker;
  private final ActivityLog activity;
  private final Set<String> reportedIgnored =
      Collections.newSetFromMap(
          new LinkedHashMap<String, Boolean>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 5000;
            }
          });

  public OrderBatch(
      OrderEligibility eligibility,
      ExistenceCheck existence,
      OrderTracker tracker,
      ActivityLog activity) {
    this.eligibility = eligibility;
    this.existence = existence;
    this.tracker = tracker;
    this.activity = activity;
  }

  /** Asks Exact once about the eligible orders of the page; notes the ones that are ignored. */
  public void prefetch(List<JsonNode> page) {
    existence.forgetStale();
    List<String> refs = new ArrayList<>();
    for (JsonNode order : page) {
      String reason = eligibility.reasonNotEligible(order);
      String id = order.path("id").asText();
      if (reason != null) {
        boolean first;
        synchronized (reportedIgnored) {
          first = reportedIgnored.add(id + "|" + reason);
        }
        if (first) {
          activity.record(
              id, order.path("orderNumber").asText(null), "eligibility", "ignored", reason);
        }
        continue;
      }
      if (eligibility.isEligible(order)) {
        refs.add(tracker.yourRef(order.path("orderNumber").asText()));
      }
    }
    if (!refs.isEmpty()) {
      existence.prefetch(refs);
    }
  }
}
