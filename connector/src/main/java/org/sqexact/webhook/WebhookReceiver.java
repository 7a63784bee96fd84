package org.sqexact.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the webhook routes ({@code routes/webhooks.camel.yaml}): check the signature over
 * the raw body, drop repeated notifications, and say which flow of which connection to wake (the
 * default connection's, or one from {@code connections/}: {@link WebhookConnections}). The work
 * itself is done asynchronously, so the sender gets its answer within a second.
 */
public final class WebhookReceiver {

  /** Exchange properties the routes branch on. */
  public static final String REJECTED = "webhookRejected";

  public static final String ORDER_ID = "webhookOrderId";

  /** The queue of the connection whose order a Squarespace notification announced. */
  public static final String ORDERS_URI = "webhookOrdersUri";

  /** The queues of the runs an Exact notification wakes (a list: one per connection). */
  public static final String TARGET = "webhookTarget";

  public static final String RECEIVED_AT = "webhookReceivedAt";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookConnections.Connection defaults;
  private final WebhookConnections others;

  /**
   * @param defaults the default connection: it is served as it always was
   * @param others the connections from {@code connections/}, added and removed while running
   */
  public WebhookReceiver(WebhookConnections.Connection defaults, WebhookConnections others) {
    this.defaults = defaults;
    this.others = others;
  }

  /**
   * A Squarespace notification ({@code order.create}, {@code order.update}): verified, deduplicated
   * by its id; {@link #ORDER_ID} and {@link #ORDERS_URI} are set when the order should be fetched
   * and booked by the connection whose secret signed it.
   */
  public Map<String, Object> squarespace(Exchange exchange) {
    exchange.setProperty(RECEIVED_AT, System.nanoTime());
    byte[] raw = rawBody(exchange);
    String signature = exchange.getMessage().getHeader("Squarespace-Signature", String.class);
    List<WebhookConnections.Connection> signers = new ArrayList<>();
    for (WebhookConnections.Connection c : candidates()) {
      if (c.signsSquarespace(raw, signature)) {
        signers.add(c);
      }
    }
    if (signers.isEmpty()) {
      return reject(exchange, "squarespace", signature == null ? "no signature" : "bad signature");
    }
    JsonNode n = parse(raw);
    String id = n.path("id").asText("");
    String topic = n.path("topic").asText("");
    String orderId = n.path("data").path("orderId").asText("");
    respond(exchange, 200);
    if (signers.size() > 1) {
      // the same secret set for two connections: booking in either could be the wrong shop
      LOG.warn(
          "Squarespace webhook {} is signed with a secret several connections have ({}); it is"
              + " left to their polls: give each connection its own squarespace.webhook-secret",
          id,
          signers.stream().map(WebhookReceiver::name).toList());
      return Map.of("received", true, "ambiguous", true);
    }
    WebhookConnections.Connection to = signers.get(0);
    if (!id.isEmpty() && !to.notifications().firstTime("squarespace", id)) {
      return Map.of("received", true, "duplicate", true);
    }
    if ((topic.equals("order.create") || topic.equals("order.update"))
        && orderId.matches("[0-9a-fA-F]{24}")) {
      exchange.setProperty(ORDER_ID, orderId);
      exchange.setProperty(ORDERS_URI, to.endpoints().orders());
      to.activity().record(orderId, null, "webhook squarespace", "ok", topic + " received");
    } else {
      LOG.info("Squarespace webhook {} ignored (topic '{}')", id, topic);
    }
    return Map.of("received", true);
  }

  /**
   * An Exact notification: the empty validation POST Exact sends when a subscription is made is
   * answered 200; others are verified by their {@code HashCode}, and {@link #TARGET} lists the
   * queues of the flows whose incremental read fetches the changed record (stock positions and
   * items: the stock flow; goods deliveries: the order-status flow) of each connection on the
   * notification's {@code Division}. A division no connection from {@code connections/} has goes to
   * the default connection, as before there were several.
   */
  public Map<String, Object> exact(Exchange exchange) {
    byte[] raw = rawBody(exchange);
    if (raw.length == 0) {
      respond(exchange, 200);
      return Map.of("validated", true);
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    List<WebhookConnections.Connection> signers = new ArrayList<>();
    for (WebhookConnections.Connection c : candidates()) {
      if (c.signsExact(text)) {
        signers.add(c);
      }
    }
    if (signers.isEmpty()) {
      return reject(exchange, "exact", "bad HashCode");
    }
    JsonNode content = parse(raw).path("Content");
    String topic = content.path("Topic").asText("").toLowerCase(Locale.ROOT);
    int division = content.path("Division").asInt(0);
    respond(exchange, 200);
    List<WebhookConnections.Connection> to =
        signers.stream().filter(c -> division != 0 && c.division().getAsInt() == division).toList();
    if (to.isEmpty() && signers.contains(defaults)) {
      to = List.of(defaults);
    }
    List<String> targets = new ArrayList<>();
    for (WebhookConnections.Connection c : to) {
      switch (topic) {
        case "stockpositions", "items" -> targets.add(c.endpoints().stock());
        case "goodsdeliveries" -> targets.add(c.endpoints().fulfilment());
        default -> {}
      }
      c.activity()
          .record(
              null,
              null,
              "webhook exact",
              "ok",
              content.path("Topic").asText("?") + " " + content.path("Action").asText(""));
    }
    if (targets.isEmpty()) {
      LOG.info("Exact webhook topic '{}' of division {} ignored", topic, division);
    } else {
      exchange.setProperty(TARGET, targets);
    }
    return Map.of("received", true);
  }

  /** The default connection first, then the others by id. */
  private List<WebhookConnections.Connection> candidates() {
    List<WebhookConnections.Connection> all = new ArrayList<>();
    all.add(defaults);
    all.addAll(others.all());
    return all;
  }

  private static String name(WebhookConnections.Connection c) {
    return c.id() == null ? "the default connection" : c.id();
  }

  private Map<String, Object> reject(Exchange exchange, String source, String why) {
    exchange.setProperty(REJECTED, true);
    respond(exchange, 401);
    defaults
        .activity()
        .record(null, null, "webhook " + source, "rejected", why + ": nothing processed");
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
