package org.sqexact.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Squarespace orders for tests, shaped as the Orders API sends them (money as strings). */
public final class Orders {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SEQ = new AtomicInteger(0x100);

  private final ObjectNode order = JSON.createObjectNode();
  private BigDecimal lines = BigDecimal.ZERO;

  private Orders(String number) {
    int n = SEQ.incrementAndGet();
    order.put("id", String.format("5f3c39ce69e11e796f19%04x", n));
    order.put("orderNumber", number);
    String now = Instant.now().minusSeconds(120).toString();
    order.put("createdOn", now);
    order.put("modifiedOn", now);
    order.put("channel", "web");
    order.put("testmode", false);
    order.put("customerEmail", "jan.jansen@example.nl");
    order.put("fulfillmentStatus", "PENDING");
    order.put("paymentState", "PAID");
    order.put("priceTaxInterpretation", "INCLUSIVE");
    order.set(
        "billingAddress",
        address("Jan", "Jansen", "Keizersgracht 123-A", "1015 CJ", "Amsterdam", "NL"));
    order.set(
        "shippingAddress",
        address("Jan", "Jansen", "Keizersgracht 123-A", "1015 CJ", "Amsterdam", "NL"));
    order.putArray("lineItems");
    order.putNull("shippingLines");
    order.putArray("discountLines");
    order.putArray("formSubmission");
    money("shippingTotal", "0.00");
    money("discountTotal", "0.00");
    money("taxTotal", "0.00");
    money("refundedTotal", "0.00");
  }

  public static Orders order(String number) {
    return new Orders(number);
  }

  public static ObjectNode address(
      String first, String last, String line1, String postcode, String city, String country) {
    ObjectNode a = JSON.createObjectNode();
    a.put("firstName", first);
    a.put("lastName", last);
    a.put("address1", line1);
    a.putNull("address2");
    a.put("city", city);
    a.putNull("state");
    a.put("countryCode", country);
    a.put("postalCode", postcode);
    a.putNull("phone");
    return a;
  }

  public Orders line(String sku, String name, int quantity, String unitPrice) {
    ArrayNode items = (ArrayNode) order.get("lineItems");
    ObjectNode li = items.addObject();
    li.put("id", "li" + items.size());
    if (sku == null) {
      li.putNull("sku");
      li.putNull("variantOptions");
      li.put("lineItemType", "DIGITAL");
    } else {
      li.put("sku", sku);
      li.putArray("variantOptions").addObject().put("optionName", "Maling").put("value", "Bonen");
      li.put("lineItemType", "PHYSICAL_PRODUCT");
    }
    li.put("productName", name);
    li.put("quantity", quantity);
    ObjectNode price = li.putObject("unitPricePaid");
    price.put("value", unitPrice);
    price.put("currency", "EUR");
    lines = lines.add(new BigDecimal(unitPrice).multiply(BigDecimal.valueOf(quantity)));
    return this;
  }

  public Orders shipping(String method, String amount) {
    ArrayNode s = order.putArray("shippingLines");
    ObjectNode l = s.addObject();
    l.put("method", method);
    l.putObject("amount").put("value", amount).put("currency", "EUR");
    money("shippingTotal", amount);
    return this;
  }

  public Orders discount(String promo, String amount) {
    ArrayNode d = order.putArray("discountLines");
    ObjectNode l = d.addObject();
    l.put("name", "Korting");
    l.put("promoCode", promo);
    l.putObject("amount").put("value", amount).put("currency", "EUR");
    money("discountTotal", amount);
    return this;
  }

  public Orders form(String label, String value) {
    ((ArrayNode) order.get("formSubmission")).addObject().put("label", label).put("value", value);
    return this;
  }

  public Orders set(String field, String value) {
    if (value == null) {
      order.putNull(field);
    } else {
      order.put(field, value);
    }
    return this;
  }

  public Orders set(String field, boolean value) {
    order.put(field, value);
    return this;
  }

  public Orders billing(ObjectNode address) {
    order.set("billingAddress", address);
    return this;
  }

  public Orders shipTo(ObjectNode address) {
    order.set("shippingAddress", address);
    return this;
  }

  public Orders exclusive() {
    order.put("priceTaxInterpretation", "EXCLUSIVE");
    return this;
  }

  /** Sets subtotal, tax and grandTotal: lines + shipping − discount (+ tax when exclusive). */
  public ObjectNode total(String tax) {
    BigDecimal shipping = new BigDecimal(order.path("shippingTotal").path("value").asText());
    BigDecimal discount = new BigDecimal(order.path("discountTotal").path("value").asText());
    BigDecimal t = new BigDecimal(tax);
    money("subtotal", lines.setScale(2).toPlainString());
    money("taxTotal", t.toPlainString());
    BigDecimal grand = lines.add(shipping).subtract(discount);
    if ("EXCLUSIVE".equals(order.path("priceTaxInterpretation").asText())) {
      grand = grand.add(t);
    }
    money("grandTotal", grand.setScale(2).toPlainString());
    return order;
  }

  /** As {@link #total(String)} but with a grandTotal of one's own. */
  public ObjectNode grandTotal(String value) {
    total("0.00");
    money("grandTotal", value);
    return order;
  }

  private void money(String field, String value) {
    order.putObject(field).put("value", value).put("currency", "EUR");
  }

  /** A page of the order list. */
  public static String page(ObjectNode... orders) {
    ObjectNode p = JSON.createObjectNode();
    ArrayNode result = p.putArray("result");
    for (ObjectNode o : orders) {
      result.add(o);
    }
    p.putObject("pagination")
        .put("hasNextPage", false)
        .putNull("nextPageCursor")
        .putNull("nextPageUrl");
    return p.toString();
  }
}
