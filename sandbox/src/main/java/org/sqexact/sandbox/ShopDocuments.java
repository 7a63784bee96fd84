package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Squarespace JSON shapes: order normalisation (every documented field present, in the documented
 * order, empty values as the API sends them), money, and Transactions API documents built from an
 * order and its payments.
 */
final class ShopDocuments {

  static final String CURRENCY = "EUR";

  /** Order fields in the order of the official example, then the newer ones. */
  static final List<String> ORDER_FIELDS =
      List.of(
          "id",
          "orderNumber",
          "createdOn",
          "modifiedOn",
          "channel",
          "testmode",
          "customerEmail",
          "customerId",
          "billingAddress",
          "shippingAddress",
          "fulfillmentStatus",
          "lineItems",
          "internalNotes",
          "shippingLines",
          "discountLines",
          "formSubmission",
          "fulfillments",
          "subtotal",
          "shippingTotal",
          "discountTotal",
          "taxTotal",
          "refundedTotal",
          "grandTotal",
          "channelName",
          "externalOrderReference",
          "fulfilledOn",
          "priceTaxInterpretation",
          "paymentState",
          "shippingOptionName",
          "shippingOptionServiceType");

  static final List<String> LINE_FIELDS =
      List.of(
          "id",
          "variantId",
          "sku",
          "weight",
          "width",
          "length",
          "height",
          "productId",
          "productName",
          "quantity",
          "unitPricePaid",
          "variantOptions",
          "customizations",
          "imageUrl",
          "lineItemType");

  static final List<String> ADDRESS_FIELDS =
      List.of(
          "firstName",
          "lastName",
          "address1",
          "address2",
          "city",
          "state",
          "countryCode",
          "postalCode",
          "phone");

  private ShopDocuments() {}

  // ----------------------------------------------------------------------------- money

  static ObjectNode money(BigDecimal value) {
    ObjectNode m = Http.object();
    m.put("value", value.setScale(2, RoundingMode.HALF_UP).toPlainString());
    m.put("currency", CURRENCY);
    return m;
  }

  static ObjectNode money(String value) {
    return money(new BigDecimal(value));
  }

  /** The decimal in a money object ({@code value} as string or number); zero when absent. */
  static BigDecimal amount(JsonNode money) {
    if (money == null || money.isNull() || !money.has("value") || money.get("value").isNull()) {
      return BigDecimal.ZERO;
    }
    JsonNode v = money.get("value");
    return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
  }

  // ----------------------------------------------------------------------------- ids

  /** Deterministic 24-hex id (like a Squarespace ObjectId) from a seed string. */
  static String hexId(String seed) {
    UUID u = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    return (Long.toHexString(u.getMostSignificantBits())
            + Long.toHexString(u.getLeastSignificantBits())
            + "000000000000000000000000")
        .substring(0, 24);
  }

  static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  // ----------------------------------------------------------------------------- orders

  /** Rebuilds an order with every documented field present (null when unknown), in order. */
  static ObjectNode normalize(ObjectNode order) {
    ObjectNode out = Http.object();
    for (String f : ORDER_FIELDS) {
      JsonNode v = order.get(f);
      if (v == null) {
        v = defaultFor(f);
      }
      if ((f.equals("createdOn") || f.equals("modifiedOn") || f.equals("fulfilledOn"))
          && v.isTextual()) {
        try {
          v = Http.JSON.getNodeFactory().textNode(Http.iso(Instant.parse(v.asText())));
        } catch (java.time.format.DateTimeParseException e) {
          // leave unparseable values as given
        }
      }
      if ((f.equals("billingAddress") || f.equals("shippingAddress")) && v.isObject()) {
        v = ordered((ObjectNode) v, ADDRESS_FIELDS);
      }
      if (f.equals("lineItems") && v.isArray()) {
        ArrayNode lines = Http.JSON.createArrayNode();
        for (JsonNode line : v) {
          ObjectNode l = ordered((ObjectNode) line, LINE_FIELDS);
          for (String dim : new String[] {"weight", "width", "length", "height"}) {
            if (l.get(dim).isNull()) {
              l.put(dim, 0.0);
            }
          }
          lines.add(l);
        }
        v = lines;
      }
      out.set(f, v);
    }
    for (Map.Entry<String, JsonNode> e : order.properties()) {
      if (!out.has(e.getKey()) && !e.getKey().startsWith("_")) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static JsonNode defaultFor(String field) {
    switch (field) {
      case "lineItems":
      case "internalNotes":
      case "shippingLines":
      case "discountLines":
      case "formSubmission":
      case "fulfillments":
        return Http.JSON.createArrayNode();
      case "subtotal":
      case "shippingTotal":
      case "discountTotal":
      case "taxTotal":
      case "refundedTotal":
      case "grandTotal":
        return money(BigDecimal.ZERO);
      case "testmode":
        return Http.JSON.getNodeFactory().booleanNode(false);
      case "channel":
        return Http.JSON.getNodeFactory().textNode("web");
      case "fulfillmentStatus":
        return Http.JSON.getNodeFactory().textNode("PENDING");
      case "priceTaxInterpretation":
        return Http.JSON.getNodeFactory().textNode("INCLUSIVE");
      default:
        return NullNode.getInstance();
    }
  }

  private static ObjectNode ordered(ObjectNode in, List<String> fields) {
    ObjectNode out = Http.object();
    for (String f : fields) {
      JsonNode v = in.get(f);
      out.set(f, v == null ? NullNode.getInstance() : v);
    }
    for (Map.Entry<String, JsonNode> e : in.properties()) {
      if (!out.has(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Σ unitPricePaid × quantity over the line items. */
  static BigDecimal linesTotal(JsonNode order) {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode line : order.path("lineItems")) {
      sum =
          sum.add(
              amount(line.get("unitPricePaid"))
                  .multiply(BigDecimal.valueOf(line.path("quantity").asInt())));
    }
    return sum;
  }

  /**
   * The grand total the other totals imply: Σ lines + shipping − discount, plus tax when prices are
   * EXCLUSIVE of tax.
   */
  static BigDecimal expectedGrandTotal(JsonNode order) {
    BigDecimal total =
        linesTotal(order)
            .add(amount(order.get("shippingTotal")))
            .subtract(amount(order.get("discountTotal")));
    if ("EXCLUSIVE".equals(order.path("priceTaxInterpretation").asText())) {
      total = total.add(amount(order.get("taxTotal")));
    }
    return total;
  }

  // ----------------------------------------------------------------------------- transactions

  /**
   * Builds a Transactions API document for an order.
   *
   * @param payments specs: {@code provider}, {@code creditCardType}, {@code giftCardId}, optional
   *     {@code amount} (default: what is left of the grand total), optional {@code refunds} [{@code
   *     amount}, {@code refundedOn}]
   */
  static ObjectNode transaction(ObjectNode order, List<ObjectNode> payments, Instant paidOn) {
    String orderId = order.get("id").asText();
    ObjectNode doc = Http.object();
    doc.put("id", uuid("document-" + orderId));
    doc.set("createdOn", order.get("createdOn"));
    doc.set("modifiedOn", order.get("createdOn"));
    doc.set("customerEmail", order.get("customerEmail"));
    doc.put("salesOrderId", orderId);
    doc.put("voided", "CANCELED".equals(order.path("fulfillmentStatus").asText()));
    doc.set("total", order.get("grandTotal"));
    doc.set("totalSales", money(linesTotal(order)));
    doc.set("totalNetSales", money(linesTotal(order).subtract(amount(order.get("discountTotal")))));
    doc.set("totalNetShipping", order.get("shippingTotal"));
    doc.set("totalTaxes", order.get("taxTotal"));
    ArrayNode discounts = doc.putArray("discounts");
    for (JsonNode d : order.path("discountLines")) {
      ObjectNode td = discounts.addObject();
      td.set("name", d.get("name"));
      td.set("description", d.get("description"));
      td.set("amount", d.get("amount"));
    }
    // taxes per line as Squarespace charges them: on each line after its share of the discount,
    // rounded per line (OpenAPI TransactionSalesLineItem / TransactionShippingLineItem / TaxTax)
    Charges charges = charges(order);
    ArrayNode sales = doc.putArray("salesLineItems");
    int k = 0;
    for (JsonNode line : order.path("lineItems")) {
      ObjectNode s = sales.addObject();
      s.set("id", line.get("id"));
      BigDecimal total =
          amount(line.get("unitPricePaid"))
              .multiply(BigDecimal.valueOf(line.path("quantity").asInt()));
      BigDecimal net = total.subtract(charges.discounts[k]);
      s.set("discountAmount", money(charges.discounts[k]));
      s.set("totalSales", money(total));
      s.set("totalNetSales", money(net));
      s.set("total", money(charges.inclusive ? net : net.add(charges.taxes[k])));
      tax(s.putArray("taxes"), charges.taxes[k], charges.rates[k], order);
      k++;
    }
    ArrayNode shipping = doc.putArray("shippingLineItems");
    int i = 0;
    for (JsonNode line : order.path("shippingLines")) {
      ObjectNode s = shipping.addObject();
      s.put("id", hexId(orderId + "-shipping-" + i));
      s.set("description", line.get("method"));
      s.set("amount", line.get("amount"));
      s.set("discountAmount", money(BigDecimal.ZERO));
      s.set("netAmount", line.get("amount"));
      tax(s.putArray("taxes"), charges.shippingTaxes[i], SHIPPING_RATE, order);
      i++;
    }
    ArrayNode out = doc.putArray("payments");
    BigDecimal remaining = amount(order.get("grandTotal"));
    for (ObjectNode spec : payments) {
      if (spec.hasNonNull("amount")) {
        remaining = remaining.subtract(new BigDecimal(spec.get("amount").asText()));
      }
    }
    int n = 0;
    for (ObjectNode spec : payments) {
      BigDecimal value =
          spec.hasNonNull("amount") ? new BigDecimal(spec.get("amount").asText()) : remaining;
      out.add(payment(orderId, n++, spec, value, paidOn));
    }
    doc.putNull("paymentGatewayError");
    recalcTransaction(doc);
    return doc;
  }

  /** VAT the demo shop charges on shipping (percent): the standard rate, as Squarespace does. */
  static final BigDecimal SHIPPING_RATE = new BigDecimal("21");

  /**
   * The demo shop's tax settings (Squarespace: Commerce → Taxes): coffee (SKU KOF-…) at 9 %, gift
   * cards untaxed, everything else and shipping at 21 %. The shop stays under the EU distance-sales
   * threshold, so Dutch rates apply to every destination.
   */
  static BigDecimal rateOf(JsonNode line) {
    if ("GIFT_CARD".equals(line.path("lineItemType").asText())) {
      return BigDecimal.ZERO;
    }
    return line.path("sku").asText("").startsWith("KOF-") ? new BigDecimal("9") : SHIPPING_RATE;
  }

  /** What Squarespace charges per line: discount shares, rates and taxes (rounded per line). */
  static final class Charges {
    boolean inclusive;
    BigDecimal[] discounts;
    BigDecimal[] rates;
    BigDecimal[] taxes;
    BigDecimal[] shippingTaxes;

    BigDecimal taxTotal() {
      BigDecimal t = BigDecimal.ZERO;
      for (BigDecimal x : taxes) {
        t = t.add(x);
      }
      for (BigDecimal x : shippingTaxes) {
        t = t.add(x);
      }
      return t;
    }
  }

  static Charges charges(JsonNode order) {
    Charges c = new Charges();
    c.inclusive = !"EXCLUSIVE".equals(order.path("priceTaxInterpretation").asText());
    List<JsonNode> lines = new ArrayList<>();
    order.path("lineItems").forEach(lines::add);
    int n = lines.size();
    c.discounts = new BigDecimal[n];
    c.rates = new BigDecimal[n];
    c.taxes = new BigDecimal[n];
    BigDecimal[] amounts = new BigDecimal[n];
    BigDecimal goods = BigDecimal.ZERO;
    for (int k = 0; k < n; k++) {
      JsonNode l = lines.get(k);
      amounts[k] =
          amount(l.get("unitPricePaid")).multiply(BigDecimal.valueOf(l.path("quantity").asInt()));
      c.rates[k] = rateOf(l);
      c.discounts[k] = BigDecimal.ZERO;
      if (c.rates[k].signum() > 0) {
        goods = goods.add(amounts[k]);
      }
    }
    // the order's discount over the taxed goods in proportion, to the cent (largest remainder)
    BigDecimal discount = amount(order.get("discountTotal"));
    if (discount.signum() > 0 && goods.signum() > 0) {
      BigDecimal given = BigDecimal.ZERO;
      int largest = -1;
      for (int k = 0; k < n; k++) {
        if (c.rates[k].signum() > 0) {
          c.discounts[k] = discount.multiply(amounts[k]).divide(goods, 2, RoundingMode.HALF_UP);
          given = given.add(c.discounts[k]);
          largest = largest < 0 || amounts[k].compareTo(amounts[largest]) > 0 ? k : largest;
        }
      }
      c.discounts[largest] = c.discounts[largest].add(discount.subtract(given));
    }
    for (int k = 0; k < n; k++) {
      c.taxes[k] = taxOn(amounts[k].subtract(c.discounts[k]), c.rates[k], c.inclusive);
    }
    List<JsonNode> shipping = new ArrayList<>();
    order.path("shippingLines").forEach(shipping::add);
    c.shippingTaxes = new BigDecimal[shipping.size()];
    for (int k = 0; k < shipping.size(); k++) {
      c.shippingTaxes[k] = taxOn(amount(shipping.get(k).get("amount")), SHIPPING_RATE, c.inclusive);
    }
    return c;
  }

  private static BigDecimal taxOn(BigDecimal amount, BigDecimal rate, boolean inclusive) {
    BigDecimal hundred = new BigDecimal("100");
    BigDecimal tax =
        inclusive
            ? amount.multiply(rate).divide(hundred.add(rate), 10, RoundingMode.HALF_UP)
            : amount.multiply(rate).divide(hundred, 10, RoundingMode.HALF_UP);
    return tax.setScale(2, RoundingMode.HALF_UP);
  }

  private static void tax(ArrayNode taxes, BigDecimal amount, BigDecimal rate, JsonNode order) {
    ObjectNode t = taxes.addObject();
    t.set("amount", money(amount));
    t.put("name", "BTW " + rate.toPlainString() + "%");
    t.put("rate", rate.setScale(1).toPlainString());
    String country = order.path("shippingAddress").path("countryCode").asText("NL");
    t.put("jurisdiction", "COUNTRY:" + (country.isEmpty() ? "NL" : country));
  }

  /**
   * Sets the order's taxTotal to what the lines are charged (and, for prices without VAT, its
   * grandTotal), so the order and its Transactions document agree as they do in Squarespace.
   */
  static void applyCharges(ObjectNode order) {
    Charges c = charges(order);
    order.set("taxTotal", money(c.taxTotal()));
    if (!c.inclusive) {
      order.set(
          "grandTotal",
          money(
              linesTotal(order)
                  .add(amount(order.get("shippingTotal")))
                  .subtract(amount(order.get("discountTotal")))
                  .add(c.taxTotal())));
    }
  }

  static ObjectNode payment(
      String orderId, int index, ObjectNode spec, BigDecimal value, Instant paidOn) {
    String provider = spec.path("provider").asText("STRIPE");
    ObjectNode p = Http.object();
    p.put("id", uuid("payment-" + orderId + "-" + index));
    p.set("amount", money(value));
    p.set("refundedAmount", money(BigDecimal.ZERO));
    p.set("netAmount", money(value));
    p.put("paidOn", Http.iso(paidOn));
    p.put("provider", provider);
    p.set(
        "creditCardType",
        spec.has("creditCardType") ? spec.get("creditCardType") : NullNode.getInstance());
    p.set("giftCardId", spec.has("giftCardId") ? spec.get("giftCardId") : NullNode.getInstance());
    String ext = hexId("ext-" + orderId + index);
    switch (provider) {
      case "STRIPE":
        p.put("externalTransactionId", "ch_3" + ext);
        p.put("externalCustomerId", "cus_" + ext.substring(0, 14));
        break;
      case "PAYPAL":
        p.put("externalTransactionId", ext.substring(0, 17).toUpperCase(java.util.Locale.ROOT));
        p.put("externalCustomerId", ext.substring(4, 17).toUpperCase(java.util.Locale.ROOT));
        break;
      case "SQUARE":
        p.put("externalTransactionId", "sq0" + ext);
        p.putNull("externalCustomerId");
        break;
      default:
        p.putNull("externalTransactionId");
        p.putNull("externalCustomerId");
        break;
    }
    p.putArray("externalTransactionProperties");
    ArrayNode fees = p.putArray("processingFees");
    BigDecimal fee = fee(provider, value, p.path("giftCardId").isTextual());
    if (fee.signum() > 0) {
      ObjectNode f = fees.addObject();
      f.put("id", ext.substring(0, 10));
      f.set("amount", money(fee));
      f.set("amountGatewayCurrency", money(fee));
      f.put("exchangeRate", 1.0);
      f.set("netAmount", money(fee));
      f.set("refundedAmount", money(BigDecimal.ZERO));
      f.putArray("feeRefunds");
    }
    ArrayNode refunds = p.putArray("refunds");
    for (JsonNode r : spec.path("refunds")) {
      ObjectNode refund = refunds.addObject();
      refund.put("id", uuid("refund-" + orderId + "-" + index + "-" + refunds.size()));
      refund.set("amount", money(r.get("amount").asText()));
      refund.set("refundedOn", r.get("refundedOn"));
      refund.put("externalTransactionId", "re_3" + hexId("re" + orderId + refunds.size()));
    }
    return p;
  }

  /** Processing fee of a payment: Stripe 1.4 % + 0.25, PayPal 1.9 % + 0.35, Square 1.75 %. */
  static BigDecimal fee(String provider, BigDecimal amount, boolean giftCard) {
    if (giftCard) {
      return BigDecimal.ZERO;
    }
    switch (provider) {
      case "STRIPE":
        return amount
            .multiply(new BigDecimal("0.014"))
            .add(new BigDecimal("0.25"))
            .setScale(2, RoundingMode.HALF_UP);
      case "PAYPAL":
        return amount
            .multiply(new BigDecimal("0.019"))
            .add(new BigDecimal("0.35"))
            .setScale(2, RoundingMode.HALF_UP);
      case "SQUARE":
        return amount.multiply(new BigDecimal("0.0175")).setScale(2, RoundingMode.HALF_UP);
      default:
        return BigDecimal.ZERO;
    }
  }

  /** Recomputes refunded/net amounts and the document's modifiedOn from its payments. */
  static void recalcTransaction(ObjectNode doc) {
    BigDecimal netPayment = BigDecimal.ZERO;
    String modified = doc.path("createdOn").asText();
    for (JsonNode pn : doc.path("payments")) {
      ObjectNode p = (ObjectNode) pn;
      BigDecimal refunded = BigDecimal.ZERO;
      for (JsonNode r : p.path("refunds")) {
        refunded = refunded.add(amount(r.get("amount")));
        if (r.path("refundedOn").asText().compareTo(modified) > 0) {
          modified = r.path("refundedOn").asText();
        }
      }
      if (p.path("paidOn").asText().compareTo(modified) > 0) {
        modified = p.path("paidOn").asText();
      }
      BigDecimal fees = BigDecimal.ZERO;
      for (JsonNode f : p.path("processingFees")) {
        fees = fees.add(amount(f.get("amount")));
      }
      p.set("refundedAmount", money(refunded));
      BigDecimal net = amount(p.get("amount")).subtract(refunded).subtract(fees);
      p.set("netAmount", money(net));
      netPayment = netPayment.add(net);
    }
    doc.set("totalNetPayment", money(netPayment));
    doc.put("modifiedOn", modified);
  }

  static List<ObjectNode> list(JsonNode array) {
    List<ObjectNode> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode n : array) {
        out.add((ObjectNode) n);
      }
    }
    return out;
  }
}
