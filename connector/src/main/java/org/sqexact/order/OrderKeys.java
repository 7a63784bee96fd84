package org.sqexact.order;

/**
 * The exchange properties that name the order in the order-sync routes. All else the flow knows
 * about the order is in its {@link OrderContext}; these two are also set for an order that could
 * not be read, so that its failure is recorded under its id and number.
 */
public final class OrderKeys {
  public static final String ORDER_ID = "orderId";
  public static final String ORDER_NUMBER = "orderNumber";

  private OrderKeys() {}
}
