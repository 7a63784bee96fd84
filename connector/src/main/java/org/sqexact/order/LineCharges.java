package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.order.OrderTaxes.Booked;
import org.sqexact.order.OrderTaxes.Charged;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.squarespace.SquarespaceOrder;

/**
 * The money of an order split as Squarespace charged it (pure): each line matched to its line in
 * the Transactions API document for its tax and discount, the amounts booked by {@link OrderTaxes}
 * (one discount line per VAT rate), and a line no unit price can reproduce split in two.
 */
final class LineCharges {

  private static final BigDecimal ONE = BigDecimal.ONE;

  private LineCharges() {}

  /**
   * The pure part of {@link OrderLines#charges}: the lines of the order, each with the gross
   * amount, VAT and rate it is booked at, plus one discount line per rate. Lines whose quantity ×
   * unit price cannot reproduce their amount with {@code priceDecimals} decimals are split in two.
   *
   * @param fallbackRate the rate (percent) of a line Squarespace charged no tax on: its item's
   * @param notes receives a note for each line charged at another rate than its item's
   */
  static List<LineSource> charge(
      SquarespaceOrder order,
      JsonNode transactionDocument,
      List<LineSource> lines,
      Function<LineSource, BigDecimal> fallbackRate,
      int priceDecimals,
      List<String> notes) {
    boolean inclusive = !"EXCLUSIVE".equalsIgnoreCase(order.priceTaxInterpretation());
    JsonNode doc = transactionDocument == null ? MissingNode.getInstance() : transactionDocument;
    Map<String, JsonNode> salesById = new HashMap<>();
    List<JsonNode> sales = new ArrayList<>();
    doc.path("salesLineItems").forEach(sales::add);
    for (JsonNode s : sales) {
      salesById.put(s.path("id").asText(""), s);
    }
    List<JsonNode> shipping = new ArrayList<>();
    doc.path("shippingLineItems").forEach(shipping::add);
    long products = lines.stream().filter(l -> l.kind() != Kind.SHIPPING).count();
    List<Charged> charged = new ArrayList<>();
    int p = -1;
    for (int i = 0; i < lines.size(); i++) {
      LineSource l = lines.get(i);
      JsonNode tx;
      if (l.kind() == Kind.SHIPPING) {
        tx = shipping.size() == 1 ? shipping.get(0) : null;
        if (shipping.size() > 1) {
          tx = combine(shipping);
        }
      } else {
        p++;
        tx = l.lineId() == null ? null : salesById.get(l.lineId());
        if (tx == null && sales.size() == products) {
          tx = sales.get(p);
        }
      }
      BigDecimal amount = OrderTaxes.money(l.quantity().multiply(l.unitPricePaid()));
      BigDecimal fallback = fallbackRate.apply(l);
      BigDecimal chargedRate = null;
      BigDecimal tax = null;
      BigDecimal discount = null;
      if (tx != null) {
        discount = decimal(tx.path("discountAmount"));
        for (JsonNode t : tx.path("taxes")) {
          BigDecimal r = SquarespaceJson.parseDecimal(t.path("rate").asText(null));
          BigDecimal a = decimal(t.path("amount"));
          chargedRate = r == null ? chargedRate : chargedRate == null ? r : chargedRate.add(r);
          tax = a == null ? tax : tax == null ? a : tax.add(a);
        }
      }
      BigDecimal rate = chargedRate != null ? OrderTaxes.norm(chargedRate) : fallback;
      if (chargedRate != null
          && fallback != null
          && chargedRate.compareTo(fallback) != 0
          && l.kind() != Kind.SHIPPING
          && l.kind() != Kind.GIFT_CARD) {
        notes.add(
            ": Squarespace charged "
                + rate.toPlainString()
                + "% VAT on '"
                + name(l)
                + "', its Exact item's VAT code has "
                + OrderTaxes.norm(fallback).toPlainString()
                + "%; booked at "
                + rate.toPlainString()
                + "% as charged");
      }
      if (rate == null) {
        rate = BigDecimal.ZERO;
      }
      charged.add(
          new Charged(
              l.kind(),
              i,
              l.quantity(),
              amount,
              discount == null || discount.signum() == 0 ? null : discount,
              rate,
              tax,
              l.kind() == Kind.PRODUCT || l.kind() == Kind.NOSKU));
    }
    List<Booked> booked = OrderTaxes.book(charged, amount(order.discountTotal()), inclusive);
    String discountNames =
        order.discountLines().stream()
            .map(d -> d.promoCode() != null && !d.promoCode().isBlank() ? d.promoCode() : d.name())
            .filter(n -> n != null && !n.isBlank())
            .collect(Collectors.joining(", "));
    List<LineSource> out = new ArrayList<>();
    for (Booked b : booked) {
      if (b.index() < 0) {
        out.add(
            new LineSource(
                    Kind.DISCOUNT,
                    null,
                    discountNames.isEmpty() ? null : discountNames,
                    List.of(),
                    List.of(),
                    ONE,
                    b.gross(),
                    null,
                    null)
                .charged(ONE, b.gross(), b.vat(), b.rate()));
        continue;
      }
      LineSource l = lines.get(b.index());
      BigDecimal q = b.quantity();
      if (OrderTaxes.unitPrice(b.gross(), q, priceDecimals) != null
          || q.compareTo(ONE) <= 0
          || q.stripTrailingZeros().scale() > 0) {
        out.add(l.charged(q, b.gross(), b.vat(), b.rate()));
      } else {
        // no unit price reproduces the amount: q-1 at a price in cents, 1 at the rest
        BigDecimal first = q.subtract(ONE);
        BigDecimal cents = b.gross().divide(q, 2, RoundingMode.DOWN);
        BigDecimal grossA = OrderTaxes.money(cents.multiply(first));
        BigDecimal vatA =
            OrderTaxes.money(b.vat().multiply(grossA).divide(b.gross(), 10, RoundingMode.HALF_UP));
        out.add(l.charged(first, grossA, vatA, b.rate()));
        out.add(l.charged(ONE, b.gross().subtract(grossA), b.vat().subtract(vatA), b.rate()));
      }
    }
    return out;
  }

  static String name(LineSource l) {
    return l.productName() != null ? l.productName() : String.valueOf(l.kind());
  }

  /** Several shipping lines of the Transactions document as one (the order has one total). */
  private static JsonNode combine(List<JsonNode> shipping) {
    com.fasterxml.jackson.databind.node.ObjectNode one =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    BigDecimal discount = BigDecimal.ZERO;
    com.fasterxml.jackson.databind.node.ArrayNode taxes = one.putArray("taxes");
    BigDecimal rate = null;
    BigDecimal tax = BigDecimal.ZERO;
    boolean sameRate = true;
    for (JsonNode s : shipping) {
      BigDecimal d = decimal(s.path("discountAmount"));
      discount = d == null ? discount : discount.add(d);
      for (JsonNode t : s.path("taxes")) {
        BigDecimal r = SquarespaceJson.parseDecimal(t.path("rate").asText(null));
        BigDecimal a = decimal(t.path("amount"));
        tax = a == null ? tax : tax.add(a);
        if (r != null) {
          sameRate &= rate == null || rate.compareTo(r) == 0;
          rate = rate == null ? r : rate;
        }
      }
    }
    one.put("discountAmount", discount);
    if (rate != null && sameRate) {
      taxes.addObject().put("rate", rate.toPlainString()).put("amount", tax);
    }
    return one;
  }

  static BigDecimal decimal(JsonNode money) {
    if (money == null || money.isMissingNode() || money.isNull()) {
      return null;
    }
    JsonNode v = money.isObject() ? money.path("value") : money;
    return v.isMissingNode() || v.isNull() ? null : SquarespaceJson.parseDecimal(v.asText());
  }

  private static BigDecimal amount(SquarespaceOrder.Money m) {
    return m == null || m.value() == null ? BigDecimal.ZERO : m.value();
  }
}
