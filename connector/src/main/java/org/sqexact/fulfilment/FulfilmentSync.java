package org.sqexact.fulfilment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.fulfilment.FulfilmentLedger.BookedOrder;
import org.sqexact.fulfilment.FulfilmentLedger.Fulfilment;
import org.sqexact.ops.Alerts;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Watermarks;
import org.sqexact.support.PersonalValues;

/**
 * The steps of the {@code order-status} route: goods deliveries in Exact Online (sync API, by
 * {@code Timestamp}) become fulfilments of the Squarespace orders they deliver, with carrier and
 * tracking number, at most once per order.
 */
public final class FulfilmentSync {

  static final String DELIVERIES = "sync/SalesOrder/GoodsDeliveries";
  static final String DELIVERY_LINES = "salesorder/GoodsDeliveryLines";
  static final String WATERMARK = "exact-goods-deliveries";

  /** GUIDs per line question: keeps the URL far below Exact's 6,000 characters. */
  private static final int IDS_PER_CALL = 40;

  private static final Logger LOG = LoggerFactory.getLogger(FulfilmentSync.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExactApi exact;
  private final SquarespaceApi squarespace;
  private final FulfilmentLedger ledger;
  private final Watermarks watermarks;
  private final FulfilmentSettings settings;
  private final ActivityLog activity;
  private final Alerts alerts;
  private final org.sqexact.stock.OrdersFirst ordersFirst;

  public FulfilmentSync(
      ExactApi exact,
      SquarespaceApi squarespace,
      FulfilmentLedger ledger,
      Watermarks watermarks,
      FulfilmentSettings settings,
      ActivityLog activity,
      Alerts alerts,
      org.sqexact.stock.OrdersFirst ordersFirst) {
    this.ordersFirst = ordersFirst;
    this.exact = exact;
    this.squarespace = squarespace;
    this.ledger = ledger;
    this.watermarks = watermarks;
    this.settings = settings;
    this.activity = activity;
    this.alerts = alerts;
  }

  /** A delivery header as read from Exact. */
  private record Delivery(
      String entryId, String tracking, String methodCode, String methodName, Instant date) {}

  /**
   * Reads the deliveries made since the last run and claims the orders they deliver; the body
   * becomes every claimed order still to be marked fulfilled.
   */
  public synchronized List<Fulfilment> collect(Exchange exchange) {
    String wait = ordersFirst.reasonToWait();
    try {
      if (wait != null) {
        activity.record(null, null, "deliveries read", "deferred", wait);
      } else {
        collectDeliveries();
      }
      if (settings.invoicesDelivered()) {
        for (BookedOrder o : ledger.invoicesWithoutFulfilment(500)) {
          // a (direct) sales invoice means the goods left (exact-online-api.md §4.6): no tracking
          ledger.claim(o, "invoice", null, null, null, null);
        }
      }
    } catch (ExactException e) {
      activity.record(null, null, "deliveries read", "deferred", e.getMessage());
      LOG.info("Reading Exact deliveries deferred: {}", e.getMessage());
    }
    List<Fulfilment> due = ledger.due();
    exchange.getMessage().setBody(due);
    return due;
  }

  private void collectDeliveries() {
    long since = Long.parseLong(watermarks.get(WATERMARK).orElse("1"));
    long[] highest = {since};
    List<Delivery> deliveries = new ArrayList<>();
    exact.forEachPage(
        DELIVERIES,
        OData.select(
                "Timestamp",
                "EntryID",
                "TrackingNumber",
                "ShippingMethodCode",
                "ShippingMethodDescription",
                "DeliveryDate")
            .filter("Timestamp gt " + since + "L"),
        Priority.BACKGROUND,
        page -> {
          for (JsonNode row : page.rows()) {
            deliveries.add(
                new Delivery(
                    row.path("EntryID").asText(),
                    text(row, "TrackingNumber"),
                    text(row, "ShippingMethodCode"),
                    text(row, "ShippingMethodDescription"),
                    OData.parseDate(row.get("DeliveryDate"))));
            try {
              highest[0] = Math.max(highest[0], Long.parseLong(row.path("Timestamp").asText()));
            } catch (NumberFormatException e) {
              // keep the watermark
            }
          }
        });
    // which sales orders each delivery delivers: one question per 40 deliveries
    Map<String, Delivery> byId = new LinkedHashMap<>();
    deliveries.forEach(d -> byId.put(d.entryId().toLowerCase(java.util.Locale.ROOT), d));
    List<String> ids = new ArrayList<>(byId.keySet());
    int claimed = 0;
    for (int i = 0; i < ids.size(); i += IDS_PER_CALL) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IDS_PER_CALL));
      List<String> filter = new ArrayList<>();
      chunk.forEach(id -> filter.add("EntryID eq " + OData.guid(id)));
      List<JsonNode> lines =
          exact.all(
              DELIVERY_LINES,
              OData.select("EntryID", "SalesOrderNumber", "TrackingNumber")
                  .filter(String.join(" or ", filter)),
              Priority.BACKGROUND);
      for (JsonNode line : lines) {
        Delivery d = byId.get(line.path("EntryID").asText().toLowerCase(java.util.Locale.ROOT));
        String number = line.path("SalesOrderNumber").asText(null);
        if (d == null || number == null || number.isBlank() || "null".equals(number)) {
          continue;
        }
        Optional<BookedOrder> order = ledger.salesOrder(number.trim());
        if (order.isEmpty()) {
          continue; // a sales order the connector did not book (not from the shop)
        }
        String tracking = d.tracking() != null ? d.tracking() : text(line, "TrackingNumber");
        if (ledger.claim(
            order.get(),
            "delivery " + d.entryId(),
            settings.carrier(d.methodCode(), d.methodName()),
            d.methodName() != null ? d.methodName() : d.methodCode(),
            tracking,
            d.date())) {
          claimed++;
        }
      }
    }
    watermarks.put(WATERMARK, Long.toString(highest[0]));
    activity.record(
        null,
        null,
        "deliveries read",
        "ok",
        deliveries.size()
            + " new deliveries in Exact (Timestamp "
            + highest[0]
            + "), "
            + claimed
            + " orders to mark fulfilled");
  }

  /**
   * Marks one order fulfilled. The order is read first: an order Squarespace already shows as
   * fulfilled (by a person, or by an earlier attempt whose answer was lost) or canceled is not sent
   * again.
   */
  public void fulfil(Fulfilment f) {
    org.slf4j.MDC.put("orderId", f.orderId());
    org.slf4j.MDC.put("orderNumber", f.orderNumber());
    boolean done = false;
    try {
      JsonNode order = squarespace.orderJson(f.orderId());
      // the order's names and addresses are masked in whatever is written about this attempt,
      // also in an error text that echoes them (kept until failed() has written it)
      PersonalValues.useOrder(order);
      String status = order == null ? "" : order.path("fulfillmentStatus").asText("");
      if (!"PENDING".equals(status)) {
        done = true;
        ledger.done(f.orderId(), "already " + status.toLowerCase(java.util.Locale.ROOT));
        activity.record(
            f.orderId(),
            f.orderNumber(),
            "fulfilment",
            "skipped",
            "Squarespace already shows the order as " + status);
        return;
      }
      squarespace.post("/1.0/commerce/orders/" + f.orderId() + "/fulfillments", body(f), null);
      ledger.done(f.orderId(), null);
      activity.record(
          f.orderId(),
          f.orderNumber(),
          "fulfilment",
          "ok",
          "marked fulfilled"
              + (f.trackingNumber() == null
                  ? ""
                  : " (" + f.carrier() + ", tracking " + f.trackingNumber() + ")")
              + (settings.notifyCustomer() ? ", customer notified" : ""));
      done = true;
    } finally {
      org.slf4j.MDC.remove("orderId");
      org.slf4j.MDC.remove("orderNumber");
      if (done) {
        PersonalValues.clear();
      }
    }
  }

  /** The fulfilment failed: tried again by the next run, parked after five attempts. */
  public void failed(Exchange exchange) {
    Fulfilment f = exchange.getMessage().getBody(Fulfilment.class);
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    // names and addresses of the order (set by fulfil) and e-mail addresses never reach the
    // ledger, the activity log or the alert, whatever the error text echoes
    String reason = PersonalValues.mask(e == null ? "unknown error" : e.getMessage());
    PersonalValues.clear();
    boolean functional =
        e instanceof SquarespaceException se
            && !se.isTransient()
            && se.getHttpStatus() != 409
            && se.getHttpStatus() != 401;
    boolean park = functional || f.attempts() + 1 >= 5;
    ledger.failed(f.orderId(), reason, park);
    activity.record(f.orderId(), f.orderNumber(), "fulfilment", park ? "parked" : "failed", reason);
    if (park) {
      alerts.raise(
          "fulfilment-failed",
          "Order #" + f.orderNumber() + " could not be marked fulfilled in Squarespace: " + reason,
          f.orderId(),
          f.orderNumber());
    }
  }

  ObjectNode body(Fulfilment f) {
    ObjectNode body = JSON.createObjectNode();
    body.put("shouldSendNotification", settings.notifyCustomer());
    ArrayNode shipments = body.putArray("shipments");
    if (f.trackingNumber() != null && !f.trackingNumber().isBlank()) {
      // carrierName, service, shipDate and trackingNumber are required (OpenAPI
      // CreateOrderShipmentRequest), each at most 100 characters
      ObjectNode s = shipments.addObject();
      Instant date = f.shipDate() != null ? f.shipDate() : Instant.now();
      s.put("shipDate", DateTimeFormatter.ISO_INSTANT.format(date));
      s.put("carrierName", limit(f.carrier() == null ? "Other" : f.carrier()));
      s.put("service", limit(f.service() == null ? "Standard" : f.service()));
      s.put("trackingNumber", limit(f.trackingNumber()));
    }
    return body;
  }

  private static String limit(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100);
  }

  private static String text(JsonNode row, String field) {
    JsonNode v = row.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String t = v.asText().trim();
    return t.isEmpty() ? null : t;
  }
}
