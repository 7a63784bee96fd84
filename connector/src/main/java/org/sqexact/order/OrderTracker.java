package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sqexact.config.OrderSettings;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;
import org.sqexact.support.PersonalValues;

/**
 * Opens and closes the handling of one order: reads it, puts its number in the log context, counts
 * the attempt in the ledger, and records an order that Exact already has.
 */
public final class OrderTracker {

  private static final Logger LOG = LoggerFactory.getLogger(OrderTracker.class);

  private final OrderSettings settings;
  private final OrderLedger ledger;
  private final ActivityLog activity;

  public OrderTracker(OrderSettings settings, OrderLedger ledger, ActivityLog activity) {
    this.settings = settings;
    this.ledger = ledger;
    this.activity = activity;
  }

  /**
   * Reads the order from the body and starts its {@link OrderContext} (and the id and number
   * properties the claim and the dead-letter channel read).
   */
  public void identify(
      @ExchangeProperty(CustomerResolver.DRY_RUN) Boolean dryRun, Exchange exchange) {
    JsonNode json = exchange.getMessage().getBody(JsonNode.class);
    SquarespaceOrder order;
    try {
      order = SquarespaceJson.mapper().convertValue(json, SquarespaceOrder.class);
    } catch (IllegalArgumentException unreadable) {
      throw unreadable(exchange, json, unreadable);
    }
    if (order.id() == null || order.orderNumber() == null) {
      throw new OrderRejectedException(
          "A Squarespace order without id or orderNumber was received");
    }
    exchange.setProperty(OrderKeys.ORDER_ID, order.id());
    exchange.setProperty(OrderKeys.ORDER_NUMBER, order.orderNumber());
    exchange.setProperty(
        OrderContext.PROPERTY,
        new OrderContext(json, order, yourRef(order.orderNumber()), Boolean.TRUE.equals(dryRun)));
    MDC.put("orderId", order.id());
    MDC.put("orderNumber", order.orderNumber());
    // what Exact echoes of this customer is masked in every text logged or stored from here on
    PersonalValues.useOrder(json);
  }

  /**
   * An order Squarespace sent with a field of the wrong shape (a price that is not a number …):
   * parked under its id and number, with the field named, instead of lost as "unreadable".
   */
  private static OrderRejectedException unreadable(
      Exchange exchange, JsonNode json, IllegalArgumentException e) {
    String id = json == null ? null : json.path("id").asText(null);
    String number = json == null ? null : json.path("orderNumber").asText(null);
    if (id != null && number != null) {
      exchange.setProperty(OrderKeys.ORDER_ID, id);
      exchange.setProperty(OrderKeys.ORDER_NUMBER, number);
      PersonalValues.useOrder(json);
    }
    String field = "a field";
    String problem = e.getMessage();
    if (e.getCause() instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      StringBuilder path = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      if (path.length() > 0) {
        field = path.toString();
      }
      problem = m.getOriginalMessage();
    }
    return new OrderRejectedException(
        (number == null ? "A Squarespace order" : "Order #" + number)
            + " cannot be read: "
            + field
            + " has an unexpected value ("
            + problem
            + "). Correct the order in Squarespace, then retry it.");
  }

  /** The reference the order carries in Exact: the order number with the optional prefix. */
  public String yourRef(String orderNumber) {
    return settings.yourRefPrefix() + orderNumber;
  }

  /** Counts the attempt (inside the idempotent consumer). */
  public void begin(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    SquarespaceOrder order = context.getOrder();
    OrderLedger.Entry before = ledger.begin(order.id(), order.orderNumber(), order.modifiedOn());
    context.setPrevious(before);
    activity.record(
        order.id(),
        order.orderNumber(),
        "received",
        "ok",
        "payment "
            + order.paymentState()
            + ", "
            + order.lineItems().size()
            + " line(s), total "
            + (order.grandTotal() == null ? "?" : order.grandTotal().amount().toPlainString())
            + (before == null ? "" : ", attempt " + (before.attempts() + 1)));
    LOG.info("Booking Squarespace order (attempt {})", before == null ? 1 : before.attempts() + 1);
  }

  /** Exact already has the order: skipped, not an error. */
  public void alreadyInExact(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    ExistenceCheck.Found found = context.getExisting();
    String id = context.getOrderId();
    String number = context.getNumber();
    OrderLedger.Entry before = context.getPrevious();
    if (before != null && before.outcomeUnknown()) {
      // our own earlier POST went through although its answer was lost
      String message =
          "found in Exact Online after an unanswered attempt: booked as " + found.describe();
      ledger.markBooked(id, found.type().setting(), found.id(), found.number());
      activity.record(id, number, "exists", "booked", message);
      LOG.info("Order {}", message);
      return;
    }
    String message = "already in Exact Online as " + found.describe();
    ledger.markSkipped(id, found.type().setting(), found.id(), found.number(), message);
    activity.record(id, number, "exists", "skipped", message);
    LOG.info("Order is {}: skipped", message);
  }

  /** Clears the log context. */
  public void end() {
    MDC.remove("orderId");
    MDC.remove("orderNumber");
    PersonalValues.clear();
  }
}
