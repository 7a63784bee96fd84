package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but deterministic (seeded) paid web orders for the live demo: customers from {@code
 * demo/drip-customers.json}, 1–3 physical variants that exist as Exact items, PostNL/DHL shipping
 * under 50 EUR, now and then a promo code; INCLUSIVE prices with totals that add up.
 */
final class OrderGenerator {

  /** An order plus its payment specs. */
  record Generated(ObjectNode order, List<ObjectNode> payments) {}

  /** SKUs that must not be generated (the one parked order is seeded, not generated). */
  private static final String EXCLUDED_SKU = "POSTER-A2";

  private final Random random;
  private final List<ObjectNode> customers;

  OrderGenerator(long seed, List<ObjectNode> customers) {
    this.random = new Random(seed);
    this.customers = customers;
  }

  /** VAT rate of a SKU in the demo shop: coffee 9 %, the rest 21 %. */
  static BigDecimal vatRate(String sku) {
    return sku != null && sku.startsWith("KOF-") ? new BigDecimal("0.09") : new BigDecimal("0.21");
  }

  Generated next(SquarespaceShop shop, String orderNumber, Instant now) {
    ObjectNode customer = customers.get(random.nextInt(customers.size()));
    List<ObjectNode[]> candidates = new ArrayList<>();
    for (ObjectNode p : shop.liveProducts()) {
      if (!"PHYSICAL".equals(p.path("type").asText())) {
        continue;
      }
      for (JsonNode v : p.path("variants")) {
        String sku = v.path("sku").asText(null);
        if (sku != null && !sku.equals(EXCLUDED_SKU)) {
          candidates.add(new ObjectNode[] {p, (ObjectNode) v});
        }
      }
    }
    String id = ShopDocuments.hexId("drip-" + orderNumber + "-" + now.toEpochMilli());
    ObjectNode order = Http.object();
    order.put("id", id);
    order.put("orderNumber", orderNumber);
    String ts = Http.iso(now);
    order.put("createdOn", ts);
    order.put("modifiedOn", ts);
    order.put("channel", "web");
    order.put("testmode", false);
    order.set("customerEmail", customer.get("email"));
    order.put("customerId", ShopDocuments.hexId("customer-" + customer.path("email").asText()));
    ObjectNode address = customer.get("address").deepCopy();
    order.set("billingAddress", address);
    order.set("shippingAddress", address.deepCopy());
    order.put("fulfillmentStatus", "PENDING");
    ArrayNode lines = order.putArray("lineItems");
    int count = 1 + (random.nextInt(10) < 6 ? 0 : random.nextInt(3));
    BigDecimal subtotal = BigDecimal.ZERO;
    BigDecimal taxLines = BigDecimal.ZERO;
    BigDecimal maxRate = new BigDecimal("0.09");
    List<String> used = new ArrayList<>();
    for (int i = 0; i < count && !candidates.isEmpty(); i++) {
      ObjectNode[] pv = candidates.get(random.nextInt(candidates.size()));
      ObjectNode product = pv[0];
      ObjectNode variant = pv[1];
      String sku = variant.path("sku").asText();
      if (used.contains(sku)) {
        continue;
      }
      used.add(sku);
      int qty = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(2);
      BigDecimal price = ShopDocuments.amount(variant.path("pricing").path("basePrice"));
      ObjectNode line = lines.addObject();
      line.put("id", ShopDocuments.hexId(id + "-line-" + i));
      line.set("variantId", variant.get("id"));
      line.put("sku", sku);
      line.put("productId", product.path("id").asText());
      line.set("productName", product.get("name"));
      line.put("quantity", qty);
      line.set("unitPricePaid", ShopDocuments.money(price));
      ArrayNode options = line.putArray("variantOptions");
      for (java.util.Map.Entry<String, JsonNode> a : variant.path("attributes").properties()) {
        ObjectNode option = options.addObject();
        option.put("optionName", a.getKey());
        option.put("value", a.getValue().asText());
      }
      line.putArray("customizations");
      line.putNull("imageUrl");
      line.put("lineItemType", "PHYSICAL_PRODUCT");
      BigDecimal gross = price.multiply(BigDecimal.valueOf(qty));
      subtotal = subtotal.add(gross);
      BigDecimal rate = vatRate(sku);
      maxRate = maxRate.max(rate);
      taxLines =
          taxLines.add(
              gross.multiply(rate).divide(BigDecimal.ONE.add(rate), 10, RoundingMode.HALF_UP));
    }
    order.putArray("internalNotes");
    ArrayNode shippingLines = order.putArray("shippingLines");
    BigDecimal shipping = BigDecimal.ZERO;
    if (subtotal.compareTo(new BigDecimal("50")) < 0) {
      boolean nl = "NL".equals(address.path("countryCode").asText());
      shipping = new BigDecimal(nl ? "4.95" : "7.95");
      ObjectNode s = shippingLines.addObject();
      s.put("method", nl ? "PostNL pakket" : "DHL Europe");
      s.set("amount", ShopDocuments.money(shipping));
    }
    BigDecimal discount = BigDecimal.ZERO;
    if (subtotal.compareTo(new BigDecimal("30")) > 0 && random.nextInt(100) < 15) {
      discount = new BigDecimal("5.00");
      ArrayNode d = order.putArray("discountLines");
      ObjectNode dl = d.addObject();
      dl.put("description", "5 euro korting");
      dl.put("name", "Koffieliefhebber");
      dl.set("amount", ShopDocuments.money(discount));
      dl.put("promoCode", "KOFFIE5");
    } else if (random.nextBoolean()) {
      order.putArray("discountLines");
    } else {
      order.putNull("discountLines");
    }
    if (random.nextBoolean()) {
      order.putArray("formSubmission");
    } else {
      order.putNull("formSubmission");
    }
    order.putArray("fulfillments");
    BigDecimal tax = taxLines;
    if (subtotal.signum() > 0 && discount.signum() > 0) {
      tax =
          tax.multiply(
              BigDecimal.ONE.subtract(discount.divide(subtotal, 10, RoundingMode.HALF_UP)));
    }
    tax =
        tax.add(
            shipping
                .multiply(maxRate)
                .divide(BigDecimal.ONE.add(maxRate), 10, RoundingMode.HALF_UP));
    order.set("subtotal", ShopDocuments.money(subtotal));
    order.set("shippingTotal", ShopDocuments.money(shipping));
    order.set("discountTotal", ShopDocuments.money(discount));
    order.set("taxTotal", ShopDocuments.money(tax));
    order.set("refundedTotal", ShopDocuments.money(BigDecimal.ZERO));
    order.set("grandTotal", ShopDocuments.money(subtotal.add(shipping).subtract(discount)));
    order.put("priceTaxInterpretation", "INCLUSIVE");
    order.put("paymentState", "PAID");
    ObjectNode payment = Http.object();
    int r = random.nextInt(10);
    if (r < 6) {
      payment.put("provider", "STRIPE");
      payment.put("creditCardType", random.nextInt(10) < 7 ? "VISA" : "MASTERCARD");
    } else if (r < 9) {
      payment.put("provider", "PAYPAL");
      payment.putNull("creditCardType");
    } else {
      payment.put("provider", "STRIPE");
      payment.putNull("creditCardType");
    }
    return new Generated(order, List.of(payment));
  }
}
