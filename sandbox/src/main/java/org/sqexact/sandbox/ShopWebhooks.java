package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox shop's webhook subscription: when an order appears or changes in the shop, it POSTs a
 * thin {@code order.create} / {@code order.update} notification to the subscribed endpoint, signed
 * as Squarespace signs them ({@code Squarespace-Signature}: hex HMAC-SHA256 of the body with the
 * hex-decoded secret). It watches the shop's orders, so the shop's own code stays as it is. Not
 * retried when the endpoint is down: the connector's poll is the safety net.
 */
public final class ShopWebhooks implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShopWebhooks.class);

  private final SquarespaceShop shop;
  private final String secretHex;
  private final URI endpoint;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> seen = new HashMap<>(); // order id → modifiedOn
  private final AtomicInteger sent = new AtomicInteger();
  private ScheduledExecutorService timer;

  private ShopWebhooks(SquarespaceShop shop, String secretHex, URI endpoint) {
    this.shop = shop;
    this.secretHex = secretHex;
    this.endpoint = endpoint;
  }

  /** A subscription with a new random secret (64 hex digits, as Squarespace hands them out). */
  public static ShopWebhooks subscribe(DemoSandbox sandbox, String endpointUrl) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new ShopWebhooks(
        sandbox.shop(), HexFormat.of().withUpperCase().formatHex(secret), URI.create(endpointUrl));
  }

  /** The subscription's secret, as Squarespace returns it on create. */
  public String secret() {
    return secretHex;
  }

  /** Starts watching: orders already in the shop are left to the poll. */
  public synchronized void start() {
    for (ObjectNode o : shop.orders()) {
      seen.put(o.path("id").asText(), o.path("modifiedOn").asText());
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-shop-webhooks");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Notifications sent so far. */
  public int sent() {
    return sent.get();
  }

  private void tick() {
    try {
      for (ObjectNode o : shop.orders()) {
        String id = o.path("id").asText();
        String modified = o.path("modifiedOn").asText();
        String before;
        synchronized (this) {
          before = seen.put(id, modified);
        }
        if (before == null) {
          send("order.create", id, null);
        } else if (!before.equals(modified)) {
          send("order.update", id, o.path("fulfillmentStatus").asText(null));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("Demo webhooks: {}", e.toString());
    }
  }

  private void send(String topic, String orderId, String update) {
    ObjectNode body = Http.object();
    body.put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    body.put("websiteId", "5f3c3d55ac435e1a051f77b3");
    body.put("subscriptionId", "demo-subscription");
    body.put("topic", topic);
    body.put("createdOn", Http.iso(shop.clock().instant()));
    ObjectNode data = body.putObject("data");
    data.put("orderId", orderId);
    if (update != null && topic.equals("order.update")) {
      data.put("update", update);
    }
    byte[] raw = body.toString().getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("User-Agent", "Squarespace/1.0")
            .header("Squarespace-Signature", sign(raw))
            .POST(HttpRequest.BodyPublishers.ofByteArray(raw))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              if (e != null || r.statusCode() >= 300) {
                LOG.debug("Demo webhook {} for {} not delivered", topic, orderId);
              } else {
                sent.incrementAndGet();
              }
            });
  }

  String sign(byte[] raw) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HexFormat.of().parseHex(secretHex), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(raw));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
