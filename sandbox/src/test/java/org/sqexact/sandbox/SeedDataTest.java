package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.TestClock;

/** The seeded demo data is consistent with itself, with Exact and with the official schemas. */
class SeedDataTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:15:00Z");
  private static DemoSandbox sandbox;

  @BeforeAll
  static void start() {
    sandbox = DemoSandbox.start(0, new TestClock(NOW));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static BigDecimal amount(JsonNode order, String field) {
    JsonNode value = order.get(field).get("value");
    assertTrue(value.isTextual(), field + " value must be a string: " + order.get(field));
    assertEquals("EUR", order.get(field).get("currency").asText());
    return new BigDecimal(value.asText());
  }

  @Test
  void seedTotalsAddUpForEveryOrder() {
    List<ObjectNode> orders = sandbox.shop().orders();
    assertTrue(orders.size() >= 12);
    for (JsonNode o : orders) {
      String n = o.get("orderNumber").asText();
      BigDecimal lines = BigDecimal.ZERO;
      for (JsonNode line : o.get("lineItems")) {
        lines =
            lines.add(
                amount(line, "unitPricePaid")
                    .multiply(BigDecimal.valueOf(line.get("quantity").asInt())));
      }
      assertEquals(0, lines.compareTo(amount(o, "subtotal")), "subtotal of #" + n);
      BigDecimal shipping = BigDecimal.ZERO;
      JsonNode shippingLines = o.get("shippingLines");
      if (shippingLines.isArray()) {
        for (JsonNode s : shippingLines) {
          shipping = shipping.add(amount(s, "amount"));
        }
      }
      assertEquals(0, shipping.compareTo(amount(o, "shippingTotal")), "shipping of #" + n);
      BigDecimal discount = BigDecimal.ZERO;
      if (o.get("discountLines").isArray()) {
        for (JsonNode d : o.get("discountLines")) {
          discount = discount.add(amount(d, "amount"));
        }
      }
      assertEquals(0, discount.compareTo(amount(o, "discountTotal")), "discount of #" + n);
      BigDecimal expected = lines.add(shipping).subtract(discount);
      String interpretation = o.get("priceTaxInterpretation").asText();
      assertTrue(interpretation.equals("INCLUSIVE") || interpretation.equals("EXCLUSIVE"));
      if (interpretation.equals("EXCLUSIVE")) {
        expected = expected.add(amount(o, "taxTotal"));
      } else {
        assertTrue(amount(o, "taxTotal").compareTo(expected) < 0, "tax is a part of #" + n);
      }
      assertEquals(0, expected.compareTo(amount(o, "grandTotal")), "grandTotal of #" + n);
      assertTrue(amount(o, "taxTotal").signum() > 0, "taxTotal of #" + n);
    }
  }

  @Test
  void paymentsMatchTheOrders() {
    for (ObjectNode o : sandbox.shop().orders()) {
      String state = o.get("paymentState").asText();
      var doc = sandbox.shop().transactionOf(o.get("id").asText());
      if (state.equals("PENDING")) {
        assertTrue(doc.isEmpty());
        continue;
      }
      JsonNode d = doc.orElseThrow();
      BigDecimal paid = BigDecimal.ZERO;
      BigDecimal refunded = BigDecimal.ZERO;
      for (JsonNode p : d.get("payments")) {
        paid = paid.add(amount(p, "amount"));
        refunded = refunded.add(amount(p, "refundedAmount"));
        assertTrue(
            Set.of("STRIPE", "PAYPAL", "SQUARESPACE", "SQUARE")
                .contains(p.get("provider").asText()));
      }
      assertEquals(
          0, paid.compareTo(amount(o, "grandTotal")), "payments of #" + o.get("orderNumber"));
      assertEquals(
          0, refunded.compareTo(amount(o, "refundedTotal")), "refunds of #" + o.get("orderNumber"));
      assertEquals(
          o.get("fulfillmentStatus").asText().equals("CANCELED"), d.get("voided").asBoolean());
    }
  }

  @Test
  void skusExistInExactExceptTheOneParkedOrder() {
    Set<String> itemCodes =
        sandbox.exact().entities("logistics/Items").stream()
            .map(i -> i.get("Code").asText())
            .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (JsonNode o : sandbox.shop().orders()) {
      for (JsonNode line : o.get("lineItems")) {
        String sku = line.get("sku").asText(null);
        if (sku == null) {
          assertEquals("DIGITAL", line.get("lineItemType").asText());
          continue;
        }
        if (!itemCodes.contains(sku)) {
          missing.add(
              o.get("orderNumber").asText() + ":" + sku + ":" + o.get("paymentState").asText());
        }
      }
    }
    assertEquals(List.of(SquarespaceShop.SEED_PARKED_ORDER_NUMBER + ":POSTER-A2:PAID"), missing);
  }

  @Test
  void seededScenariosArePresent() {
    List<ObjectNode> orders = sandbox.shop().orders();
    Set<String> emails =
        sandbox.exact().entities("crm/Accounts").stream()
            .map(a -> a.path("Email").asText(""))
            .collect(Collectors.toSet());
    long returning =
        orders.stream().filter(o -> emails.contains(o.path("customerEmail").asText())).count();
    assertTrue(returning >= 4, "returning customers: " + returning);
    assertTrue(orders.stream().anyMatch(o -> o.get("testmode").asBoolean()));
    assertTrue(
        orders.stream()
            .anyMatch(
                o -> o.get("channel").asText().equals("pos") && o.get("customerEmail").isNull()));
    assertTrue(
        orders.stream().anyMatch(o -> o.get("fulfillmentStatus").asText().equals("CANCELED")));
    assertTrue(orders.stream().anyMatch(o -> o.get("paymentState").asText().equals("PENDING")));
    assertTrue(
        orders.stream()
            .anyMatch(o -> o.get("priceTaxInterpretation").asText().equals("EXCLUSIVE")));
    assertTrue(orders.stream().anyMatch(o -> o.get("discountLines").isNull()));
    assertTrue(orders.stream().anyMatch(o -> o.get("formSubmission").isNull()));
    assertTrue(orders.stream().anyMatch(o -> o.toString().contains("\"variantOptions\":null")));
    assertTrue(orders.stream().anyMatch(o -> o.toString().contains("\"label\":\"Bedrijfsnaam\"")));
    assertTrue(orders.stream().anyMatch(o -> o.toString().contains("\"label\":\"Firmenname\"")));
    assertTrue(orders.stream().anyMatch(o -> o.toString().contains("Rue de la Loi 16 bte 3")));
    assertTrue(
        orders.stream()
            .anyMatch(
                o ->
                    o.get("billingAddress").isObject()
                        && !o.get("billingAddress").equals(o.get("shippingAddress"))));
    for (JsonNode o : orders) {
      Instant created = Instant.parse(o.get("createdOn").asText());
      assertTrue(
          created.isAfter(NOW.minus(Duration.ofDays(3))) && created.isBefore(NOW),
          o.get("orderNumber").asText());
      assertTrue(o.get("id").asText().matches("[0-9a-f]{24}"));
      assertFalse(Instant.parse(o.get("modifiedOn").asText()).isBefore(created));
    }
    JsonNode webshop =
        sandbox.exact().entities("crm/Accounts").stream()
            .filter(a -> a.get("Code").asText().trim().equals("WEBSHOP"))
            .findFirst()
            .orElseThrow();
    assertEquals("           WEBSHOP", webshop.get("Code").asText());
    assertEquals("Webshop particulieren", webshop.get("Name").asText());
    assertEquals(
        1,
        sandbox.exact().entities("crm/Addresses").stream()
            .filter(a -> a.get("Type").asInt() == 4)
            .count());
  }

  @Test
  void ordersFollowTheOfficialOpenApiSchema() throws Exception {
    JsonNode schemas;
    try (InputStream in = getClass().getResourceAsStream("/squarespace/openapi.json")) {
      schemas = SandboxClient.JSON.readTree(in).at("/components/schemas");
    }
    Set<String> orderFields = fieldNames(schemas.at("/Order/properties"));
    Set<String> lineFields = fieldNames(schemas.at("/LineItem/properties"));
    Set<String> addressFields = fieldNames(schemas.at("/Address/properties"));
    for (JsonNode o : sandbox.shop().orders()) {
      assertEquals(orderFields, fieldNames(o), "order #" + o.get("orderNumber"));
      for (JsonNode line : o.get("lineItems")) {
        assertEquals(lineFields, fieldNames(line));
      }
      for (String a : List.of("billingAddress", "shippingAddress")) {
        if (!o.get(a).isNull()) {
          assertEquals(addressFields, fieldNames(o.get(a)));
        }
      }
    }
    Set<String> docFields = fieldNames(schemas.at("/TransactionDocument/properties"));
    Set<String> paymentFields = fieldNames(schemas.at("/TransactionPayment/properties"));
    for (JsonNode d : sandbox.shop().transactions()) {
      assertEquals(docFields, fieldNames(d));
      for (JsonNode p : d.get("payments")) {
        assertEquals(paymentFields, fieldNames(p));
      }
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
