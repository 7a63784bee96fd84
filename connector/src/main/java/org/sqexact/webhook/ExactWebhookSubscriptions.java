package org.sqexact.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Watermarks;

/**
 * The connector's Exact Online webhook subscriptions ({@code webhooks/WebhookSubscriptions}:
 * CallbackURL and Topic; GET, POST and DELETE, no update; exact-online-api.md §4.11): when {@code
 * exact.webhook-callback-url} is set, the topics StockPositions, Items and GoodsDeliveries are
 * subscribed to that URL, once; Exact then sends its empty validation request to it. The URL used
 * is remembered (watermark {@code exact-webhook-callback}): when the setting is emptied or changed,
 * the subscriptions to the old URL are removed at the next start, and with {@code
 * exact.webhook-unsubscribe-on-shutdown} they are removed when the connector stops.
 */
public final class ExactWebhookSubscriptions {

  static final String PATH = "webhooks/WebhookSubscriptions";
  static final List<String> TOPICS = List.of("StockPositions", "Items", "GoodsDeliveries");

  private static final Logger LOG = LoggerFactory.getLogger(ExactWebhookSubscriptions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExactApi exact;
  private final String callbackUrl;
  private final ActivityLog activity;
  private final Alerts alerts;
  private final Watermarks watermarks;
  private final boolean unsubscribeOnShutdown;

  static final String REMEMBERED = "exact-webhook-callback";

  public ExactWebhookSubscriptions(
      ExactApi exact, String callbackUrl, ActivityLog activity, Alerts alerts) {
    this(exact, callbackUrl, activity, alerts, null, false);
  }

  public ExactWebhookSubscriptions(
      ExactApi exact,
      String callbackUrl,
      ActivityLog activity,
      Alerts alerts,
      Watermarks watermarks,
      boolean unsubscribeOnShutdown) {
    this.exact = exact;
    this.callbackUrl = callbackUrl == null || callbackUrl.isBlank() ? null : callbackUrl;
    this.activity = activity;
    this.alerts = alerts;
    this.watermarks = watermarks;
    this.unsubscribeOnShutdown = unsubscribeOnShutdown;
  }

  /** All webhook subscriptions of the app in the division; those to our callback marked. */
  public List<Map<String, Object>> list() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode s :
        exact.all(PATH, OData.select("ID", "CallbackURL", "Topic"), Priority.BACKGROUND)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.path("ID").asText());
      m.put("topic", s.path("Topic").asText());
      m.put("callbackUrl", s.path("CallbackURL").asText());
      m.put(
          "ours",
          callbackUrl != null && callbackUrl.equalsIgnoreCase(s.path("CallbackURL").asText()));
      out.add(m);
    }
    return out;
  }

  /** GET /api/exact/webhooks */
  public Map<String, Object> apiList() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("callbackUrl", callbackUrl == null ? "" : callbackUrl);
    out.put("subscriptions", list());
    return out;
  }

  /** Removes the subscriptions to {@code url}; returns the topics removed. */
  public List<String> remove(String url) {
    List<String> removed = new ArrayList<>();
    if (url == null) {
      return removed;
    }
    for (JsonNode s :
        exact.all(PATH, OData.select("ID", "CallbackURL", "Topic"), Priority.BACKGROUND)) {
      if (url.equalsIgnoreCase(s.path("CallbackURL").asText())) {
        exact.delete(PATH + "(guid'" + s.path("ID").asText() + "')", Priority.BACKGROUND);
        removed.add(s.path("Topic").asText());
      }
    }
    if (!removed.isEmpty()) {
      activity.record(
          null, null, "exact webhooks", "ok", "unsubscribed " + removed + " from " + url);
    }
    return removed;
  }

  /** DELETE /api/exact/webhooks — removes the subscriptions to our callback URL. */
  public Map<String, Object> apiRemove() {
    return Map.of("removed", remove(callbackUrl));
  }

  /** When the connector stops: removes ours when EXACT_WEBHOOK_UNSUBSCRIBE_ON_SHUTDOWN is true. */
  public void onShutdown() {
    if (!unsubscribeOnShutdown || callbackUrl == null) {
      return;
    }
    try {
      remove(callbackUrl);
      if (watermarks != null) {
        watermarks.put(REMEMBERED, "");
      }
    } catch (RuntimeException e) {
      LOG.warn("Exact webhook subscriptions not removed at shutdown: {}", e.getMessage());
    }
  }

  /**
   * Removes the subscriptions to a callback URL used before and no longer set (the feature was
   * switched off, or the URL changed).
   */
  private void forgetPrevious() {
    if (watermarks == null) {
      return;
    }
    String previous = watermarks.get(REMEMBERED).filter(p -> !p.isBlank()).orElse(null);
    if (previous != null && !previous.equalsIgnoreCase(callbackUrl == null ? "" : callbackUrl)) {
      remove(previous);
    }
    watermarks.put(REMEMBERED, callbackUrl == null ? "" : callbackUrl);
  }

  /**
   * Creates the subscriptions that are missing; returns the topics created (none when no callback
   * URL is set).
   */
  public List<String> ensure() {
    List<String> created = new ArrayList<>();
    try {
      forgetPrevious();
      if (callbackUrl == null) {
        return created;
      }
      List<String> existing = new ArrayList<>();
      for (JsonNode s :
          exact.all(PATH, OData.select("ID", "CallbackURL", "Topic"), Priority.BACKGROUND)) {
        if (callbackUrl.equalsIgnoreCase(s.path("CallbackURL").asText())) {
          existing.add(s.path("Topic").asText().toLowerCase(java.util.Locale.ROOT));
        }
      }
      for (String topic : TOPICS) {
        if (!existing.contains(topic.toLowerCase(java.util.Locale.ROOT))) {
          ObjectNode body = JSON.createObjectNode();
          body.put("CallbackURL", callbackUrl);
          body.put("Topic", topic);
          exact.post(PATH, body, Priority.BACKGROUND);
          created.add(topic);
        }
      }
      activity.record(
          null,
          null,
          "exact webhooks",
          "ok",
          created.isEmpty()
              ? "subscriptions in place for " + TOPICS
              : "subscribed " + created + " to " + callbackUrl);
    } catch (ExactException e) {
      LOG.warn("Exact webhook subscriptions not set up: {}", e.getMessage());
      alerts.raise(
          "exact-webhooks",
          "Exact Online webhook subscriptions could not be set up ("
              + e.getMessage()
              + "); stock and deliveries are still read on their schedules",
          null,
          null);
    }
    return created;
  }
}
