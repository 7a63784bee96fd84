package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory state of the fake Squarespace site "Demo Koffiebranderij": orders, transaction
 * documents, products v2 and inventory, plus the controls tests and the demo dashboard use.
 *
 * <p>All methods are thread-safe. Methods returning orders/documents return copies; change state
 * through {@link #addOrder}, {@link #updateOrder} and the other controls.
 */
public final class SquarespaceShop {

  private static final Logger LOG = LoggerFactory.getLogger(SquarespaceShop.class);

  /** One request as the fake Squarespace saw it. */
  public record LoggedRequest(String method, String pathAndQuery, int status) {}

  /** Seeded order with {@code paymentState} PENDING; {@link #markPaid} makes it PAID. */
  public static final String SEED_PENDING_ORDER_NUMBER = "1052";

  /** Seeded paid order whose SKU {@code POSTER-A2} is not an Exact item (the demo parks it). */
  public static final String SEED_PARKED_ORDER_NUMBER = "1053";

  /** Default page size of the list endpoints. */
  public static final int DEFAULT_PAGE_SIZE = 50;

  private final Clock clock;
  private final Map<String, ObjectNode> orders = new LinkedHashMap<>();
  private final Map<String, ObjectNode> transactions = new LinkedHashMap<>();
  private final List<ObjectNode> products = new ArrayList<>();
  private ObjectNode website = Http.object();
  private final OrderGenerator generator;
  private long nextOrderNumber = 1;
  private String baseUrl = "http://127.0.0.1/squarespace";

  // limits and controls
  private int pageSize = DEFAULT_PAGE_SIZE;
  private int forcedTooManyRequests;
  private int requestsPerMinute = 300;
  private final Deque<Instant> window = new ArrayDeque<>();
  private Instant coolDownUntil;
  private final Map<String, String> idempotencyKeys = new HashMap<>();
  private final List<LoggedRequest> log = new ArrayList<>();
  private int requestCount;
  private ScheduledExecutorService dripper;

  SquarespaceShop(Clock clock, OrderGenerator generator) {
    this.clock = clock;
    this.generator = generator;
  }

  // =====================================================================================
  // orders
  // =====================================================================================

  /**
   * Adds an order. Missing fields are filled the way Squarespace would: {@code id} (24 hex), {@code
   * orderNumber} (next number), {@code createdOn}/{@code modifiedOn} (clock now), the documented
   * fields as null/empty. A PAID order without a transaction document gets one (Stripe, VISA).
   *
   * @return a copy of the stored order
   */
  public synchronized ObjectNode addOrder(ObjectNode order) {
    return insertOrder(order, List.of());
  }

  /**
   * Adds an order with explicit payment specs (see {@link ShopDocuments#transaction}); without
   * specs a PAID order gets a Stripe/VISA payment.
   */
  synchronized ObjectNode addOrder(ObjectNode order, List<ObjectNode> payments) {
    return insertOrder(order, payments);
  }

  private ObjectNode insertOrder(ObjectNode order, List<ObjectNode> payments) {
    ObjectNode o = order.deepCopy();
    String now = Http.iso(clock.instant());
    if (!o.hasNonNull("orderNumber")) {
      o.put("orderNumber", Long.toString(nextOrderNumber));
    }
    try {
      nextOrderNumber =
          Math.max(nextOrderNumber, Long.parseLong(o.get("orderNumber").asText()) + 1);
    } catch (NumberFormatException e) {
      // non-numeric order numbers are fine
    }
    if (!o.hasNonNull("id")) {
      o.put("id", ShopDocuments.hexId("order-" + o.get("orderNumber").asText() + "-" + now));
    }
    if (!o.hasNonNull("createdOn")) {
      o.put("createdOn", now);
    }
    if (!o.hasNonNull("modifiedOn")) {
      o.set("modifiedOn", o.get("createdOn"));
    }
    if (!o.hasNonNull("paymentState")) {
      o.put("paymentState", "PAID");
    }
    ObjectNode normalized = ShopDocuments.normalize(o);
    ShopDocuments.applyCharges(normalized);
    String id = normalized.get("id").asText();
    if (orders.containsKey(id)) {
      throw new IllegalArgumentException("Duplicate order id " + id);
    }
    orders.put(id, normalized);
    Instant paidOn = Instant.parse(normalized.get("createdOn").asText());
    if (!payments.isEmpty()) {
      transactions.put(id, ShopDocuments.transaction(normalized, payments, paidOn));
    } else if (!transactions.containsKey(id)
        && !normalized.path("paymentState").asText().matches("PENDING|NOT_CHARGED|FAILED")) {
      ObjectNode spec = Http.object();
      spec.put("provider", "STRIPE");
      spec.put("creditCardType", "VISA");
      transactions.put(id, ShopDocuments.transaction(normalized, List.of(spec), paidOn));
    }
    return normalized.deepCopy();
  }

  /**
   * Changes an order in place and bumps {@code modifiedOn} to the clock's now (so the next polling
   * window sees it).
   *
   * @return a copy of the changed order
   */
  public synchronized ObjectNode updateOrder(String id, Consumer<ObjectNode> change) {
    ObjectNode o = requireOrder(id);
    change.accept(o);
    o.put("modifiedOn", Http.iso(clock.instant()));
    ObjectNode normalized = ShopDocuments.normalize(o);
    orders.put(id, normalized);
    return normalized.deepCopy();
  }

  /** Copies of all orders, by {@code modifiedOn} ascending. */
  public synchronized List<ObjectNode> orders() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : sortedOrders()) {
      out.add(o.deepCopy());
    }
    return out;
  }

  public synchronized Optional<ObjectNode> order(String id) {
    ObjectNode o = orders.get(id);
    return Optional.ofNullable(o == null ? null : o.deepCopy());
  }

  public synchronized Optional<ObjectNode> orderByNumber(String orderNumber) {
    for (ObjectNode o : orders.values()) {
      if (o.path("orderNumber").asText().equals(orderNumber)) {
        return Optional.of(o.deepCopy());
      }
    }
    return Optional.empty();
  }

  /** Turns a PENDING order PAID (a payment arrives: Stripe iDEAL) and bumps modifiedOn. */
  public synchronized ObjectNode markPaid(String id) {
    ObjectNode o = requireOrder(id);
    Instant now = clock.instant();
    ObjectNode doc = transactions.get(id);
    if (doc == null) {
      doc = ShopDocuments.transaction(o, List.of(), now);
      transactions.put(id, doc);
    }
    ArrayNode payments = (ArrayNode) doc.get("payments");
    if (payments.isEmpty()) {
      ObjectNode spec = Http.object();
      spec.put("provider", "STRIPE");
      spec.putNull("creditCardType");
      payments.add(
          ShopDocuments.payment(id, 0, spec, ShopDocuments.amount(o.get("grandTotal")), now));
      ShopDocuments.recalcTransaction(doc);
    }
    return updateOrder(id, order -> order.put("paymentState", "PAID"));
  }

  /**
   * Refunds part of an order on its first payment; a full refund makes the order REFUNDED.
   *
   * @param amount e.g. {@code "5.00"}
   */
  public synchronized ObjectNode refund(String id, String amount) {
    ObjectNode o = requireOrder(id);
    BigDecimal value = new BigDecimal(amount);
    ObjectNode doc = transactions.get(id);
    if (doc == null || doc.path("payments").isEmpty()) {
      throw new IllegalStateException("Order " + id + " has no payment to refund");
    }
    ObjectNode payment = (ObjectNode) doc.get("payments").get(0);
    ArrayNode refunds = (ArrayNode) payment.get("refunds");
    ObjectNode refund = refunds.addObject();
    refund.put(
        "id", ShopDocuments.uuid("refund-" + id + "-" + refunds.size() + "-" + clock.millis()));
    refund.set("amount", ShopDocuments.money(value));
    refund.put("refundedOn", Http.iso(clock.instant()));
    refund.put("externalTransactionId", "re_3" + ShopDocuments.hexId("re" + id + refunds.size()));
    ShopDocuments.recalcTransaction(doc);
    BigDecimal refunded = ShopDocuments.amount(o.get("refundedTotal")).add(value);
    boolean full = refunded.compareTo(ShopDocuments.amount(o.get("grandTotal"))) >= 0;
    return updateOrder(
        id,
        order -> {
          order.set("refundedTotal", ShopDocuments.money(refunded));
          if (full) {
            order.put("paymentState", "REFUNDED");
          }
        });
  }

  /** Cancels an order: CANCELED, everything refunded, transaction document voided. */
  public synchronized ObjectNode cancel(String id) {
    ObjectNode o = requireOrder(id);
    BigDecimal open =
        ShopDocuments.amount(o.get("grandTotal"))
            .subtract(ShopDocuments.amount(o.get("refundedTotal")));
    ObjectNode doc = transactions.get(id);
    if (doc != null && open.signum() > 0 && !doc.path("payments").isEmpty()) {
      refund(id, open.toPlainString());
    }
    if (doc != null) {
      doc.put("voided", true);
      doc.put("modifiedOn", Http.iso(clock.instant()));
    }
    return updateOrder(id, order -> order.put("fulfillmentStatus", "CANCELED"));
  }

  /** Marks an order FULFILLED with one shipment. */
  public synchronized ObjectNode fulfill(String id, String carrier, String trackingNumber) {
    requireOrder(id);
    String now = Http.iso(clock.instant());
    return updateOrder(
        id,
        order -> {
          ObjectNode shipment = Http.object();
          shipment.put("shipDate", now);
          shipment.put("carrierName", carrier);
          shipment.put("service", "Standaard");
          shipment.put("trackingNumber", trackingNumber);
          shipment.putNull("trackingUrl");
          JsonNode f = order.get("fulfillments");
          ArrayNode list =
              f != null && f.isArray() ? (ArrayNode) f : order.putArray("fulfillments");
          list.add(shipment);
          order.put("fulfillmentStatus", "FULFILLED");
          order.put("fulfilledOn", now);
        });
  }

  private ObjectNode requireOrder(String id) {
    ObjectNode o = orders.get(id);
    if (o == null) {
      throw new IllegalArgumentException("No order " + id);
    }
    return o;
  }

  List<ObjectNode> sortedOrders() {
    List<ObjectNode> list = new ArrayList<>(orders.values());
    list.sort(
        Comparator.comparing((ObjectNode o) -> o.path("modifiedOn").asText())
            .thenComparing(o -> o.path("id").asText()));
    return list;
  }

  ObjectNode liveOrder(String id) {
    return orders.get(id);
  }

  // =====================================================================================
  // transactions, products, inventory
  // =====================================================================================

  /** Copies of the transaction documents (one per order that has payments). */
  public synchronized List<ObjectNode> transactions() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode d : transactions.values()) {
      out.add(d.deepCopy());
    }
    return out;
  }

  public synchronized Optional<ObjectNode> transactionOf(String orderId) {
    ObjectNode d = transactions.get(orderId);
    return Optional.ofNullable(d == null ? null : d.deepCopy());
  }

  /** Adds or replaces the transaction document of {@code doc.salesOrderId}. */
  public synchronized void putTransaction(ObjectNode doc) {
    transactions.put(doc.get("salesOrderId").asText(), doc.deepCopy());
  }

  Map<String, ObjectNode> liveTransactions() {
    return transactions;
  }

  /** Copies of the products (Products API v2 shape). */
  public synchronized List<ObjectNode> products() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode p : products) {
      out.add(p.deepCopy());
    }
    return out;
  }

  List<ObjectNode> liveProducts() {
    return products;
  }

  synchronized void addProduct(ObjectNode product) {
    products.add(product);
  }

  /** The store page the seed products are on (the demo's product flow creates new ones there). */
  public synchronized String storePageId() {
    for (ObjectNode p : products) {
      if (p.hasNonNull("storePageId")) {
        return p.get("storePageId").asText();
      }
    }
    return null;
  }

  /** The product a variant with this SKU belongs to, copied, or null. */
  public synchronized ObjectNode productBySku(String sku) {
    for (ObjectNode p : products) {
      for (JsonNode v : p.path("variants")) {
        if (sku.equals(v.path("sku").asText(null))) {
          return p.deepCopy();
        }
      }
    }
    return null;
  }

  /** Bumps a product's {@code modifiedOn} to the clock's now. */
  void touch(ObjectNode product) {
    product.put("modifiedOn", Http.iso(clock.instant()));
  }

  String now() {
    return Http.iso(clock.instant());
  }

  /** Inventory items (Inventory API shape) of all physical/service variants. */
  public synchronized List<ObjectNode> inventory() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode p : products) {
      String type = p.path("type").asText();
      if (!type.equals("PHYSICAL") && !type.equals("SERVICE")) {
        continue;
      }
      for (JsonNode v : p.path("variants")) {
        ObjectNode item = Http.object();
        item.set("variantId", v.get("id"));
        item.set("sku", v.get("sku"));
        StringBuilder descriptor = new StringBuilder(p.path("name").asText());
        for (Map.Entry<String, JsonNode> a : v.path("attributes").properties()) {
          descriptor.append(" [").append(a.getValue().asText()).append(']');
        }
        item.put("descriptor", descriptor.toString());
        item.put("isUnlimited", v.path("stock").path("unlimited").asBoolean(false));
        item.put("quantity", v.path("stock").path("quantity").asInt(0));
        out.add(item);
      }
    }
    return out;
  }

  /** Stock quantity of the variant with this SKU, or -1 when unknown. */
  public synchronized int stock(String sku) {
    ObjectNode v = variantBySku(sku);
    return v == null ? -1 : v.path("stock").path("quantity").asInt();
  }

  ObjectNode variant(String variantId) {
    for (ObjectNode p : products) {
      for (JsonNode v : p.path("variants")) {
        if (v.path("id").asText().equals(variantId)) {
          return (ObjectNode) v;
        }
      }
    }
    return null;
  }

  ObjectNode productOfVariant(String variantId) {
    for (ObjectNode p : products) {
      for (JsonNode v : p.path("variants")) {
        if (v.path("id").asText().equals(variantId)) {
          return p;
        }
      }
    }
    return null;
  }

  ObjectNode variantBySku(String sku) {
    for (ObjectNode p : products) {
      for (JsonNode v : p.path("variants")) {
        if (sku.equals(v.path("sku").asText(null))) {
          return (ObjectNode) v;
        }
      }
    }
    return null;
  }

  /** Hash of the request body a successful Idempotency-Key was used with, or null. */
  String idempotencyHash(String key) {
    return idempotencyKeys.get(key);
  }

  void rememberIdempotencyKey(String key, String bodyHash) {
    idempotencyKeys.put(key, bodyHash);
  }

  // =====================================================================================
  // site, limits, logging
  // =====================================================================================

  /** {@code GET /1.0/authorization/website}. */
  public synchronized ObjectNode website() {
    return website.deepCopy();
  }

  synchronized void website(ObjectNode site) {
    this.website = site;
  }

  /** Page size of the list endpoints (default 50; tests use e.g. 2). */
  public synchronized void pageSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("page size must be positive");
    }
    this.pageSize = size;
  }

  synchronized int pageSize() {
    return pageSize;
  }

  /** The next {@code n} requests answer 429 TOO_MANY_REQUESTS. */
  public synchronized void forceTooManyRequests(int n) {
    this.forcedTooManyRequests = n;
  }

  /** Requests allowed per sliding minute before the 60 s cool-down (default 300). */
  public synchronized void rateLimit(int perMinute) {
    this.requestsPerMinute = perMinute;
  }

  /** Clears the rate window and any cool-down. */
  public synchronized void resetRateLimit() {
    window.clear();
    coolDownUntil = null;
  }

  /** True when this request must be answered 429 (forced, cooling down, or over the limit). */
  boolean tooManyRequests() {
    if (forcedTooManyRequests > 0) {
      forcedTooManyRequests--;
      return true;
    }
    Instant now = clock.instant();
    if (coolDownUntil != null) {
      if (now.isBefore(coolDownUntil)) {
        return true;
      }
      coolDownUntil = null;
      window.clear();
    }
    while (!window.isEmpty() && !window.peekFirst().isAfter(now.minusSeconds(60))) {
      window.pollFirst();
    }
    if (window.size() >= requestsPerMinute) {
      coolDownUntil = now.plusSeconds(60);
      return true;
    }
    window.addLast(now);
    return false;
  }

  public synchronized int requestCount() {
    return requestCount;
  }

  public synchronized List<LoggedRequest> requestLog() {
    return new ArrayList<>(log);
  }

  void logRequest(String method, String pathAndQuery, int status) {
    requestCount++;
    log.add(new LoggedRequest(method, pathAndQuery, status));
  }

  Clock clock() {
    return clock;
  }

  void baseUrl(String url) {
    this.baseUrl = url;
  }

  String baseUrl() {
    return baseUrl;
  }

  // =====================================================================================
  // live activity
  // =====================================================================================

  /**
   * Adds a realistic paid web order every {@code every} (wall-clock), deterministic per sandbox
   * (seeded random), so the demo dashboard shows activity. Replaces a running schedule.
   */
  public synchronized void startDripping(Duration every) {
    stopDripping();
    dripper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-squarespace-orders");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, every.toMillis());
    dripper.scheduleAtFixedRate(
        () -> {
          try {
            ObjectNode o = placeRandomOrder();
            LOG.info(
                "Demo shop: new order #{} ({} EUR)",
                o.path("orderNumber").asText(),
                o.path("grandTotal").path("value").asText());
          } catch (RuntimeException e) {
            LOG.warn("Demo shop could not place an order", e);
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
  }

  public synchronized void stopDripping() {
    if (dripper != null) {
      dripper.shutdownNow();
      dripper = null;
    }
  }

  /** Places one random paid web order now (what {@link #startDripping} does each interval). */
  public synchronized ObjectNode placeRandomOrder() {
    OrderGenerator.Generated g =
        generator.next(this, Long.toString(nextOrderNumber), clock.instant());
    for (JsonNode line : g.order().path("lineItems")) {
      ObjectNode v = variant(line.path("variantId").asText());
      if (v != null && !v.path("stock").path("unlimited").asBoolean(false)) {
        ObjectNode stock = (ObjectNode) v.get("stock");
        stock.put(
            "quantity",
            Math.max(0, stock.path("quantity").asInt() - line.path("quantity").asInt()));
      }
    }
    return addOrder(g.order(), g.payments());
  }
}
