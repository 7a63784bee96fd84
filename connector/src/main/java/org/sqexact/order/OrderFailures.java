package org.sqexact.order;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sqexact.exact.ExactBudgetException;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactFunctionalException;
import org.sqexact.exact.ExactOutcomeUnknownException;
import org.sqexact.exact.ExactReauthorizationRequiredException;
import org.sqexact.exact.ExactTransientException;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.OrderClaims;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;
import org.sqexact.support.Bodies;
import org.sqexact.support.MessageTrail;
import org.sqexact.support.PersonalValues;

/**
 * The dead-letter end of the order flow: records why an order failed, in words a shop owner
 * understands, as FAILED (tried again by a later poll) or PARKED (waits for the operator), and
 * alerts the operator about parked orders.
 */
public final class OrderFailures {

  private static final Logger LOG = LoggerFactory.getLogger(OrderFailures.class);

  private final OrderLedger ledger;
  private final ActivityLog activity;
  private final Alerts alerts;
  private final int maxAttempts;

  public OrderFailures(OrderLedger ledger, ActivityLog activity, Alerts alerts, int maxAttempts) {
    this.ledger = ledger;
    this.activity = activity;
    this.alerts = alerts;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Records the failure of the order (the id and number are absent when it could not be read).
   *
   * @param exchange the failed exchange, for the trail of steps it took
   */
  public void record(
      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e,
      @ExchangeProperty(OrderKeys.ORDER_ID) String orderId,
      @ExchangeProperty(OrderKeys.ORDER_NUMBER) String number,
      @ExchangeProperty(OrderClaims.CLAIM) String claim,
      Exchange exchange) {
    try {
      String reason = reason(e, number);
      if (orderId == null) {
        LOG.error("An order could not be read: {}", reason);
        alerts.raise("order-unreadable", reason, null, null);
        return;
      }
      if (ledger.find(orderId).isEmpty()) {
        ledger.begin(orderId, number == null ? "?" : number, null);
      }
      ExactFunctionalException refused = Bodies.cause(e, ExactFunctionalException.class);
      boolean park =
          Bodies.cause(e, OrderRejectedException.class) != null
              || Bodies.cause(e, ExactReauthorizationRequiredException.class) != null
              // a refusal about the order's content cannot succeed unchanged: parked with Exact's
              // own message; the operator fixes the cause, then retries
              || (refused != null && refused.isRefusal());
      // only the holder of the order's claim (or, before any claim, nobody) records the failure
      OrderLedger.State state = ledger.markFailed(orderId, reason, park, maxAttempts, claim);
      if (state == null) {
        LOG.info("Failure not recorded: another caller holds the order now ({})", reason);
        return;
      }
      activity.record(
          orderId,
          number,
          "failed",
          state == OrderLedger.State.PARKED ? "parked" : "failed",
          reason);
      if (state == OrderLedger.State.PARKED) {
        LOG.warn("Order parked: {} (steps: {})", reason, MessageTrail.of(exchange));
        alerts.raise("order-parked", "Order #" + number + " is parked: " + reason, orderId, number);
      } else {
        LOG.warn(
            "Order failed, will be tried again: {} (steps: {})", reason, MessageTrail.of(exchange));
      }
    } finally {
      MDC.remove("orderId");
      MDC.remove("orderNumber");
      PersonalValues.clear();
    }
  }

  /** A plain reason for the shop owner. */
  static String reason(Throwable e, String number) {
    // e-mails by their shape, and the names, streets … of this order that Exact may echo
    return PersonalValues.mask(plainReason(e, number));
  }

  private static String plainReason(Throwable e, String number) {
    String order = number == null ? "The order" : "Order #" + number;
    OrderRejectedException rejected = Bodies.cause(e, OrderRejectedException.class);
    if (rejected != null) {
      return rejected.getMessage();
    }
    ExactReauthorizationRequiredException reauth =
        Bodies.cause(e, ExactReauthorizationRequiredException.class);
    if (reauth != null) {
      return reauth.getMessage();
    }
    ExactBudgetException budget = Bodies.cause(e, ExactBudgetException.class);
    if (budget != null) {
      return order + " waits: " + budget.getMessage();
    }
    ExactFunctionalException functional = Bodies.cause(e, ExactFunctionalException.class);
    if (functional != null) {
      return order
          + " was refused by Exact Online"
          + (functional.getExactMessage() == null ? "" : ": " + functional.getExactMessage())
          + " ("
          + functional.getHttpStatus()
          + " on "
          + functional.getEndpoint()
          + ")";
    }
    ExactOutcomeUnknownException unknown = Bodies.cause(e, ExactOutcomeUnknownException.class);
    if (unknown != null) {
      return order
          + ": no answer from Exact Online while booking; Exact is asked whether it has the"
          + " document before the next try ("
          + unknown.getMessage()
          + ")";
    }
    ExactTransientException transientError = Bodies.cause(e, ExactTransientException.class);
    if (transientError != null) {
      return order
          + ": Exact Online is not reachable right now ("
          + transientError.getMessage()
          + ")";
    }
    ExactException exact = Bodies.cause(e, ExactException.class);
    if (exact != null) {
      return order + ": " + exact.getMessage();
    }
    SquarespaceException squarespace = Bodies.cause(e, SquarespaceException.class);
    if (squarespace != null) {
      return order + ": " + squarespace.getMessage();
    }
    return order
        + " failed unexpectedly ("
        + (e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage())
        + ")";
  }
}
