package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.sqexact.config.OrderSettings;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;

/**
 * Which Squarespace orders are booked: those in the configured payment states and fulfillment
 * statuses (never canceled ones), not placed in test mode (by default), from the allowed channels,
 * modified after {@code SYNC_ORDERS_SINCE}, and not already booked, skipped or parked.
 */
public final class OrderEligibility {

  private final OrderSettings settings;
  private volatile Instant ordersSince;
  private final OrderLedger ledger;
  private final OrderRetries retries;

  public OrderEligibility(
      OrderSettings settings, Instant ordersSince, OrderLedger ledger, OrderRetries retries) {
    this.settings = settings;
    this.ordersSince = ordersSince;
    this.ledger = ledger;
    this.retries = retries;
  }

  /**
   * Moves {@code SYNC_ORDERS_SINCE} back to {@code since} (an operator's backfill of older orders),
   * so the orders it takes are booked and, when they fail, tried again like any other.
   */
  public synchronized void widenSince(Instant since) {
    if (since.isBefore(ordersSince)) {
      ordersSince = since;
    }
  }

  /** The moment before which orders are not touched. */
  public Instant ordersSince() {
    return ordersSince;
  }

  /** Why the order itself is not eligible, or null when it is. Does not look at the ledger. */
  public String reasonNotEligible(JsonNode order) {
    String payment = order.path("paymentState").asText("").toUpperCase(Locale.ROOT);
    if (!settings.paymentStates().contains(payment)) {
      return "payment state " + (payment.isEmpty() ? "unknown" : payment) + " is not booked";
    }
    String fulfillment = order.path("fulfillmentStatus").asText("").toUpperCase(Locale.ROOT);
    if ("CANCELED".equals(fulfillment)) {
      return "the order was canceled";
    }
    if (!fulfillment.isEmpty() && !settings.fulfillmentStatuses().contains(fulfillment)) {
      return "fulfillment status " + fulfillment + " is not booked";
    }
    if (order.path("testmode").asBoolean(false) && !settings.includeTestMode()) {
      return "placed in test mode";
    }
    String channel = order.path("channel").asText("web").toLowerCase(Locale.ROOT);
    if (!settings.channels().contains(channel)) {
      return "channel " + channel + " is not booked";
    }
    Instant modified = SquarespaceJson.parseInstant(order.path("modifiedOn").asText(null));
    if (modified != null && modified.isBefore(ordersSince)) {
      return "last modified before SYNC_ORDERS_SINCE";
    }
    return null;
  }

  /** Eligible, and the ledger says there is still something to do. For the filter EIP. */
  public boolean isEligible(JsonNode order) {
    if (reasonNotEligible(order) != null) {
      return false;
    }
    Optional<Entry> entry = ledger.find(order.path("id").asText());
    return entry.isEmpty() || isDue(entry.get());
  }

  /**
   * A known order is taken again only when it failed and its pause is over: booked and skipped
   * orders are done, parked ones wait for the operator, in-progress ones are being handled.
   */
  public boolean isDue(Entry entry) {
    return retries.isDue(entry);
  }
}
