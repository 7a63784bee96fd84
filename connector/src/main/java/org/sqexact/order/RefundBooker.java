package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.OrderSettings;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactFunctionalException;
import org.sqexact.exact.ExactOutcomeUnknownException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.ops.Alerts;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.RefundLedger;

/**
 * Refunds made in Squarespace after an order was booked: each gets one credit document of the
 * matching kind (credit note 8021, direct credit note 8024, or sales entry Type 21), found in
 * Squarespace's Transactions API. A full refund mirrors the booked lines exactly; a partial one is
 * one line per VAT rate of the order, the amount spread in proportion to what was booked at each,
 * so that its VAT is right. A booked sales order is reported for manual handling instead, as Exact
 * rejects negative order quantities.
 */
public final class RefundBooker {

  /** Exchange property: the refund being credited ({@link Refund}). */
  public static final String REFUND = "refund";

  /** A refund of an order, numbered in the order they were made. */
  public record Refund(String id, BigDecimal amount, String refundedOn, int number) {}

  private static final Logger LOG = LoggerFactory.getLogger(RefundBooker.class);

  private final DocumentSettings documents;
  private final OrderSettings settings;
  private final SquarespaceApi squarespace;
  private final ExactApi exact;
  private final OrderLedger orders;
  private final RefundLedger refunds;
  private final DocumentBooker booker;
  private final OrderPayloads payloads;
  private final ItemCatalog items;
  private final ActivityLog activity;
  private final Alerts alerts;

  public RefundBooker(
      DocumentSettings documents,
      OrderSettings settings,
      SquarespaceApi squarespace,
      ExactApi exact,
      OrderLedger orders,
      RefundLedger refunds,
      DocumentBooker booker,
      OrderPayloads payloads,
      ItemCatalog items,
      ActivityLog activity,
      Alerts alerts) {
    this.documents = documents;
    this.settings = settings;
    this.squarespace = squarespace;
    this.exact = exact;
    this.orders = orders;
    this.refunds = refunds;
    this.booker = booker;
    this.payloads = payloads;
    this.items = items;
    this.activity = activity;
    this.alerts = alerts;
  }

  /**
   * For the poll's choice: a booked order whose refunded total exceeds what has been credited (or
   * reported) so far.
   */
  public boolean hasRefundsToBook(JsonNode order) {
    BigDecimal refunded =
        SquarespaceJson.parseDecimal(order.path("refundedTotal").path("value").asText(null));
    if (refunded == null || refunded.signum() <= 0) {
      return false;
    }
    String id = order.path("id").asText();
    var entry = orders.find(id);
    if (entry.isEmpty() || entry.get().state() != OrderLedger.State.BOOKED) {
      return false;
    }
    BigDecimal handled = BigDecimal.ZERO;
    for (RefundLedger.Entry r : refunds.forOrder(id)) {
      boolean done =
          r.state() == RefundLedger.State.BOOKED
              || r.state() == RefundLedger.State.MANUAL
              || (r.state() == RefundLedger.State.FAILED && r.attempts() >= settings.maxAttempts());
      if (done) {
        handled = handled.add(r.amount());
      }
    }
    return handled.compareTo(refunded) < 0;
  }

  /** The refunds of the order not yet credited (body: {@code List<Refund>}). */
  public List<Refund> newRefunds(@ExchangeProperty(OrderKeys.ORDER_ID) String orderId) {
    JsonNode docs = squarespace.get("/1.0/commerce/transactions", "orderId=" + orderId);
    List<Refund> all = new ArrayList<>();
    for (JsonNode doc : docs == null ? List.<JsonNode>of() : iterable(docs.path("documents"))) {
      for (JsonNode p : doc.path("payments")) {
        for (JsonNode r : p.path("refunds")) {
          JsonNode amount = r.path("amount");
          BigDecimal value =
              SquarespaceJson.parseDecimal(
                  (amount.isObject() ? amount.path("value") : amount).asText(null));
          if (value != null && value.signum() > 0) {
            all.add(new Refund(r.path("id").asText(), value, r.path("refundedOn").asText(""), 0));
          }
        }
      }
    }
    all.sort(Comparator.comparing(Refund::refundedOn).thenComparing(Refund::id));
    List<Refund> open = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Refund r = all.get(i);
      var known = refunds.find(r.id());
      boolean done =
          known.isPresent()
              && (known.get().state() == RefundLedger.State.BOOKED
                  || known.get().state() == RefundLedger.State.MANUAL
                  || known.get().attempts() >= settings.maxAttempts());
      if (!done) {
        open.add(new Refund(r.id(), r.amount(), r.refundedOn(), i + 1));
      }
    }
    return open;
  }

  /**
   * Starts crediting one refund (a split step). A sales order cannot be credited: it is reported
   * for manual handling. Sets {@code refundSkip} when nothing more is to be done. The refund gets
   * an order context of its own, in which the route resolves its customer and lines.
   */
  public void begin(
      @Body Refund r,
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext order,
      Exchange exchange) {
    exchange.setProperty(REFUND, r);
    exchange.setProperty(OrderContext.PROPERTY, order.fresh());
    String orderId = order.getOrderId();
    String number = order.getNumber();
    String yourRef = order.getYourRef() + "-R" + r.number();
    RefundLedger.Entry before = refunds.begin(r.id(), orderId, number, r.amount(), yourRef);
    OrderLedger.Entry booked = orders.find(orderId).orElseThrow();
    exchange.setProperty("refundSkip", false);
    if (documents.type() == DocumentType.SALES_ORDER
        || DocumentType.SALES_ORDER.setting().equals(booked.documentType())) {
      String reason =
          "Order #"
              + number
              + " was refunded "
              + r.amount().toPlainString()
              + " after it was booked as sales order "
              + booked.documentNumber()
              + ". Exact Online accepts no negative sales orders: credit it in Exact by hand (a"
              + " credit note on the order's invoice, or change the order if not yet invoiced).";
      refunds.markManual(r.id(), reason);
      activity.record(orderId, number, "refund", "manual", reason);
      alerts.raise("refund-manual", reason, orderId, number);
      exchange.setProperty("refundSkip", true);
      return;
    }
    if (before != null && before.outcomeUnknown()) {
      ExistenceCheck.Found found = findExisting(yourRef);
      if (found != null) {
        refunds.markBooked(r.id(), found.id(), found.number(), "found after an unanswered attempt");
        activity.record(
            orderId,
            number,
            "refund",
            "booked",
            "refund credited in Exact Online as " + found.describe());
        exchange.setProperty("refundSkip", true);
      }
    }
  }

  /** Books the credit document for the refund (customer and lines are resolved by the route). */
  public void book(
      @ExchangeProperty(REFUND) Refund r,
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    SquarespaceOrder order = context.getOrder();
    List<DocumentLine> orderLines = context.getLines();
    List<DocumentLine> credit =
        r.amount().compareTo(order.grandTotal().amount()) == 0
            ? negated(orderLines)
            : partial(orderLines, r, order.orderNumber());
    String yourRef = context.getYourRef() + "-R" + r.number();
    ObjectNode doc = booker.docView(context, credit, documents.type().creditTypeCode(), yourRef);
    ObjectNode document = payloads.document(documents.type(), context.getJson(), doc);
    refunds.markPosting(r.id(), documents.type().setting());
    String id;
    String no;
    try {
      JsonNode created;
      try {
        created = exact.post(documents.type().path(), document, Priority.ORDERS);
      } catch (ExactOutcomeUnknownException unknown) {
        // settled at once, as for orders (DocumentBooker): Exact has it, or it is sent once more
        ExistenceCheck.Found found;
        try {
          found = findExisting(yourRef);
        } catch (RuntimeException lookUpFailed) {
          unknown.addSuppressed(lookUpFailed);
          throw unknown;
        }
        created =
            found != null
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode()
                    .put(documents.type().idField(), found.id())
                    .put(documents.type().numberField(), found.number())
                : exact.post(documents.type().path(), document, Priority.ORDERS);
      }
      id = created.path(documents.type().idField()).asText(null);
      no = created.path(documents.type().numberField()).asText(null);
    } catch (ExactFunctionalException e) {
      refunds.markFailed(r.id(), e.getMessage(), true);
      throw e;
    }
    refunds.markBooked(r.id(), id, no, null);
    String label =
        documents.type() == DocumentType.SALES_ENTRY ? "sales credit entry" : "credit note";
    activity.record(
        order.id(),
        order.orderNumber(),
        "refund",
        "booked",
        "refund of "
            + r.amount().toPlainString()
            + " credited in Exact Online as "
            + label
            + " "
            + (no != null ? no : id));
    LOG.info("Refund {} credited in Exact Online as {} {}", r.number(), label, no);
  }

  /** A refund could not be credited: noted, tried again at a later poll, parked at the last try. */
  public void failed(
      @ExchangeProperty(REFUND) Refund r,
      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e,
      @ExchangeProperty(OrderKeys.ORDER_ID) String orderId,
      @ExchangeProperty(OrderKeys.ORDER_NUMBER) String number) {
    String reason = OrderFailures.reason(e, number);
    if (r != null) {
      refunds.markFailed(r.id(), reason, false);
      boolean last =
          refunds.find(r.id()).map(x -> x.attempts() >= settings.maxAttempts()).orElse(true);
      activity.record(orderId, number, "refund", "failed", reason);
      if (last) {
        alerts.raise(
            "refund-parked",
            "The refund of order #" + number + " could not be credited: " + reason,
            orderId,
            number);
      }
    }
  }

  private ExistenceCheck.Found findExisting(String yourRef) {
    DocumentType type = documents.type();
    List<JsonNode> rows =
        exact.all(
            type.path(),
            OData.select(type.idField(), type.numberField(), "YourRef")
                .filter("YourRef eq " + OData.quote(yourRef)),
            Priority.ORDERS);
    return rows.isEmpty()
        ? null
        : new ExistenceCheck.Found(
            type,
            rows.get(0).path(type.idField()).asText(null),
            rows.get(0).path(type.numberField()).asText(null));
  }

  private static List<DocumentLine> negated(List<DocumentLine> lines) {
    List<DocumentLine> out = new ArrayList<>();
    for (DocumentLine l : lines) {
      out.add(
          new DocumentLine(
              l.kind(),
              l.sku(),
              l.itemId(),
              l.itemCode(),
              l.productName(),
              l.variantOptions(),
              l.customizations(),
              l.quantity().negate(),
              l.unitPrice(),
              l.unitPriceExcl(),
              l.unitPriceIncl(),
              l.amountExcl().negate(),
              l.amountIncl().negate(),
              l.vatCode(),
              l.vatRate(),
              l.glAccount(),
              l.description()));
    }
    return out;
  }

  /**
   * The lines of a partial refund: the amount spread over the order's VAT rates in proportion to
   * what was booked at each (one line per rate, on the discount item), so that its VAT is right.
   */
  private List<DocumentLine> partial(List<DocumentLine> lines, Refund r, String orderNumber) {
    Map<String, JsonNode> found = items.resolve(Set.of(settings.discountItem()));
    JsonNode item = found.get(settings.discountItem());
    if (item == null) {
      throw new OrderRejectedException(
          "Order #"
              + orderNumber
              + ": the item '"
              + settings.discountItem()
              + "' (items.discount, also used for partial refunds) does not exist in Exact Online");
    }
    return partialLines(
        lines,
        r.amount(),
        r.number(),
        orderNumber,
        item.path("ID").asText(),
        settings.discountItem(),
        documents.type() == DocumentType.SALES_ENTRY);
  }

  /**
   * The lines of a partial refund of {@code amount} (gross, positive) over the booked lines (pure).
   *
   * @param amountsExclusive sales entries: amounts without VAT and the VAT of each share
   */
  public static List<DocumentLine> partialLines(
      List<DocumentLine> lines,
      BigDecimal amount,
      int refundNumber,
      String orderNumber,
      String itemId,
      String itemCode,
      boolean amountsExclusive) {
    Map<String, DocumentLine> templates = new java.util.LinkedHashMap<>();
    Map<String, BigDecimal> bases = new java.util.LinkedHashMap<>();
    for (DocumentLine l : lines) {
      String key = l.vatCode() + "|" + l.vatRate().stripTrailingZeros().toPlainString();
      templates.putIfAbsent(key, l);
      bases.merge(key, l.amountIncl(), BigDecimal::add);
    }
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, BigDecimal> e : bases.entrySet()) {
      if (e.getValue().signum() > 0) {
        keys.add(e.getKey());
      }
    }
    if (keys.isEmpty()) {
      keys.add(bases.keySet().iterator().next());
    }
    keys.sort((a, b) -> templates.get(b).vatRate().compareTo(templates.get(a).vatRate()));
    BigDecimal[] weights = new BigDecimal[keys.size()];
    for (int k = 0; k < weights.length; k++) {
      weights[k] = bases.get(keys.get(k)).max(BigDecimal.ZERO);
    }
    BigDecimal[] shares = OrderTaxes.apportion(amount, weights);
    List<DocumentLine> out = new ArrayList<>();
    for (int k = 0; k < shares.length; k++) {
      if (shares[k].signum() == 0) {
        continue;
      }
      DocumentLine t = templates.get(keys.get(k));
      BigDecimal incl = shares[k];
      BigDecimal vat =
          OrderTaxes.exactVatOfGross(incl, t.vatRate().multiply(new BigDecimal("100")));
      BigDecimal excl = incl.subtract(vat);
      out.add(
          new DocumentLine(
              DocumentLine.Kind.DISCOUNT,
              null,
              itemId,
              itemCode,
              "refund " + refundNumber,
              List.of(),
              List.of(),
              BigDecimal.ONE.negate(),
              amountsExclusive ? excl : incl,
              excl,
              incl,
              excl.negate(),
              incl.negate(),
              t.vatCode(),
              t.vatRate(),
              t.glAccount(),
              "Refund "
                  + refundNumber
                  + " of Squarespace order #"
                  + orderNumber
                  + (shares.length > 1
                      ? " ("
                          + t.vatRate()
                              .multiply(new BigDecimal("100"))
                              .stripTrailingZeros()
                              .toPlainString()
                          + "% VAT)"
                      : "")));
    }
    return out;
  }

  private static Iterable<JsonNode> iterable(JsonNode array) {
    return array == null || !array.isArray() ? List.of() : array::elements;
  }
}
