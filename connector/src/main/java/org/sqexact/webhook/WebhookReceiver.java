package org.sqexact.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.store.ActivityLog;

/**
 * The steps of the webhook routes ({@code routes/webhooks.camel.yaml}): check the signature over
 * the raw body, drop repeated notifications, and say which flow to wake. The work itself is done
 * asynchronously, so the sender gets its answer within a second.
 */
public final class WebhookReceiver {

  /** Exchange properties the routes branch on. */
  public static final String REJECTED = "webhookRejected";

  public static final String ORDER_ID = "webhookOrderId";
  public static final String TARGET = "webhookTarget";
  public static final String RECEIVED_AT = "webhookReceivedAt";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String squarespaceSecret;
  private final String exactSecret;
  private final NotificationLog notifications;
  private final ActivityLog activity;
  private final Supplier<List<String>> subscriptionSecrets;

  public WebhookReceiver(
      String squarespaceSecret,
      String exactSecret,
      NotificationLog notifications,
      ActivityLog activity) {
    this(squarespaceSecret, exactSecret, notifications, activity, List::of);
  }

  /**
   * With the secrets of the subscriptions the connector made itself (stored encrypted): a
   * notification signed with any of them, or with the configured secret, is accepted.
   */
  public WebhookReceiver(
      String squarespaceSecret,
      String exactSecret,
      NotificationLog notifications,
      ActivityLog activity,
      Supplier<List<String>> subscriptionSecrets) {
    this.squarespaceSecret = squarespaceSecret;
    this.exactSecret = exactSecret;
    this.notifications = notifications;
    this.activity = activity;
    this.subscriptionSecrets = subscriptionSecrets;
  }

  private boolean squarespaceSigned(byte[] raw, String signature) {
    if (WebhookSignatures.squarespace(squarespaceSecret, raw, signature)) {
      return true;
    }
    for (String secret : subscriptionSecrets.get()) {
      if (WebhookSignatures.squarespace(secret, raw, signature)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A Squarespace notification ({@code order.create}, {@code order.update}): verified, deduplicated
   * by its id; {@link #ORDER_ID} is set when the order should be fetched and booked.
   */
  public Map<String, Object> squarespace(Exchange exchange) {
    exchange.setProperty(RECEIVED_AT, System.nanoTime());
    byte[] raw = rawBody(exchange);
    String signature = exchange.getMessage().getHeader("Squarespace-Signature", String.class);
    if (!squarespaceSigned(raw, signature)) {
      return reject(exchange, "squarespace", signature == null ? "no signature" : "bad signature");
    }
    JsonNode n = parse(raw);
    String id = n.path("id").asText("");
    String topic = n.path("topic").asText("");
    String orderId = n.path("data").path("orderId").asText("");
    respond(exchange, 200);
    if (!id.isEmpty() && !notifications.firstTime("squarespace", id)) {
      return Map.of("received", true, "duplicate", true);
    }
    if ((topic.equals("order.create") || topic.equals("order.update"))
        && orderId.matches("[0-9a-fA-F]{24}")) {
      exchange.setProperty(ORDER_ID, orderId);
      activity.record(orderId, null, "webhook squarespace", "ok", topic + " received");
    } else {
      LOG.info("Squarespace webhook {} ignored (topic '{}')", id, topic);
    }
    return Map.of("received", true);
  }

  /**
   * An Exact notification: the empty validation POST Exact sends when a subscription is made is
   * answered 200; others are verified by their {@code HashCode}, and {@link #TARGET} names the flow
   * whose incremental read fetches the changed record (stock positions and items: the stock flow;
   * goods deliveries: the order-status flow).
   */
  public Map<String, Object> exact(Exchange exchange) {
    byte[] raw = rawBody(exchange);
    if (raw.length == 0) {
      respond(exchange, 200);
      return Map.of("validated", true);
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    if (!WebhookSignatures.exact(exactSecret, text)) {
      return reject(exchange, "exact", "bad HashCode");
    }
    JsonNode content = parse(raw).path("Content");
    String topic = content.path("Topic").asText("").toLowerCase(Locale.ROOT);
    respond(exchange, 200);
    switch (topic) {
      case "stockpositions", "items" -> exchange.setProperty(TARGET, "seda:stock-sync");
      case "goodsdeliveries" -> exchange.setProperty(TARGET, "seda:order-status");
      default -> LOG.info("Exact webhook topic '{}' ignored", topic);
    }
    activity.record(
        null,
        null,
        "webhook exact",
        "ok",
        content.path("Topic").asText("?") + " " + content.path("Action").asText(""));
    return Map.of("received", true);
  }

  private Map<String, Object> reject(Exchange exchange, String source, String why) {
    exchange.setProperty(REJECTED, true);
    respond(exchange, 401);
    activity.record(null, null, "webhook " + source, "rejected", why + ": nothing processed");
    LOG.warn("Webhook from {} rejected: {}", source, why);
    return Map.of("error", why);
  }

  private static void respond(Exchange exchange, int status) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
  }

  private static byte[] rawBody(Exchange exchange) {
    byte[] raw = exchange.getMessage().getBody(byte[].class);
    return raw == null ? new byte[0] : raw;
  }

  private static JsonNode parse(byte[] raw) {
    try {
      JsonNode n = JSON.readTree(raw);
      return n == null ? JSON.createObjectNode() : n;
    } catch (java.io.IOException e) {
      return JSON.createObjectNode();
    }
  }
}
