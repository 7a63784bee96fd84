package org.sqexact.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;

/**
 * The connector's Exact Online webhook subscriptions ({@code webhooks/WebhookSubscriptions}:
 * CallbackURL and Topic; GET, POST and DELETE, no update; exact-online-api.md §4.11): when {@code
 * exact.webhook-callback-url} is set, the topics StockPositions, Items and GoodsDeliveries are
 * subscribed to that URL, once; Exact then sends its empty validation request to it.
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

  public ExactWebhookSubscriptions(
      ExactApi exact, String callbackUrl, ActivityLog activity, Alerts alerts) {
    this.exact = exact;
    this.callbackUrl = callbackUrl;
    this.activity = activity;
    this.alerts = alerts;
  }

  /**
   * Creates the subscriptions that are missing; returns the topics created (none when no callback
   * URL is set).
   */
  public List<String> ensure() {
    List<String> created = new ArrayList<>();
    if (callbackUrl == null || callbackUrl.isBlank()) {
      return created;
    }
    try {
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
