package org.sqexact.ops;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.order.OrderContext;
import org.sqexact.order.OrderKeys;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Claim;
import org.sqexact.store.OrderLedger.State;

/**
 * Who acts on an order: every actor (the poll, the operator's retry, a second instance) first takes
 * the order in the ledger with one atomic transition, before any call to Exact. The order flow
 * ({@code routes/order-sync.camel.yaml}) goes on only when its exchange holds the claim; the others
 * stop and leave the order to the winner. The idempotent consumer's key is then released only by
 * the holder (the flow's own failure, the operator's retry it won, the recovery of an interrupted
 * order).
 */
public final class OrderClaims {

  private static final Logger LOG = LoggerFactory.getLogger(OrderClaims.class);

  /** Exchange property: the claim this exchange holds (set by whoever took the order). */
  public static final String CLAIM = "orderClaim";

  /** Exchange property: true when the exchange holds the order and may book it. */
  public static final String CLAIMED = "orderClaimed";

  private final OrderLedger ledger;
  private final IdempotentRepository idempotent;
  private final String instance;

  public OrderClaims(OrderLedger ledger, IdempotentRepository idempotent) {
    this(ledger, idempotent, newInstance());
  }

  /**
   * @param instance the process's claim prefix: every connection of one process shares it, since it
   *     is also the node's Quartz id by which a dead node's orders are found
   */
  public OrderClaims(OrderLedger ledger, IdempotentRepository idempotent, String instance) {
    this.ledger = ledger;
    this.idempotent = idempotent;
    this.instance = instance;
  }

  /** A new process's claim prefix. */
  public static String newInstance() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** This process's prefix of every claim it takes. */
  public String instance() {
    return instance;
  }

  /** A new claim of this process. */
  public String newClaim() {
    return instance + "/" + UUID.randomUUID();
  }

  /**
   * The flow's transition: a new order, or a failed one whose pause is over, moves to IN_PROGRESS
   * for this exchange. An exchange the operator's retry already took keeps its claim.
   */
  public void claim(
      @ExchangeProperty(OrderKeys.ORDER_ID) String orderId,
      @ExchangeProperty(CLAIM) String given,
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext context,
      Exchange exchange) {
    if (given != null) {
      exchange.setProperty(CLAIMED, ledger.holds(orderId, given));
      return;
    }
    SquarespaceOrder order = context.getOrder();
    String claim = newClaim();
    Claim c =
        ledger.claim(
            orderId,
            order.orderNumber(),
            order.modifiedOn(),
            EnumSet.of(State.FAILED),
            true,
            claim);
    exchange.setProperty(CLAIMED, c.won());
    if (c.won()) {
      exchange.setProperty(CLAIM, claim);
    } else {
      LOG.info(
          "Order not taken: it is {} (another caller holds it or has handled it)",
          c.current() == null ? "unknown" : c.current().state().name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * A graceful stop, after Camel let its in-flight exchanges finish: orders this process still
   * holds are marked interrupted (due at once on the next start, Exact asked first) and their keys
   * released.
   */
  public int releaseOnStop() {
    List<String> ids = ledger.releaseInstance(instance);
    for (String id : ids) {
      idempotent.remove(id);
    }
    if (!ids.isEmpty()) {
      LOG.warn(
          "{} order(s) were still being booked at the stop; they are looked at first on the next"
              + " start",
          ids.size());
    }
    return ids.size();
  }
}
