package org.sqexact.order;

/**
 * The order cannot be booked as it is: its data or a setting must change first (an unknown SKU, no
 * e-mail address, totals that do not add up). The message is for a shop owner and names the order
 * and the field. Such an order is parked at once; trying again cannot help until the cause is
 * fixed.
 */
public final class OrderRejectedException extends RuntimeException {
  public OrderRejectedException(String message) {
    super(message, null, false, false);
  }
}
