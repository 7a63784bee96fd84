package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.Orders;

/**
 * Orders booked as Squarespace charged them, through the routes: taxes per line from the
 * Transactions document, a discount over two rates, prospects found and made customers, items Exact
 * will not sell parked before any write, a rate no rule covers.
 */
class OrderChargesTest extends OrderFlowTestSupport {

  /** The items the settings name (the pre-flight check wants them all). */
  private static final String SPECIAL =
      item("a3", "SHIPPING") + "," + item("a4", "DISCOUNT") + "," + item("a5", "NOSKU");

  /** The order's Transactions document: per sales line [id, discount, rate, tax], shipping tax. */
  private static void transactions(
      ObjectNode order, String[][] sales, String shippingRate, String shippingTax) {
    StringBuilder lines = new StringBuilder();
    for (String[] s : sales) {
      if (lines.length() > 0) {
        lines.append(',');
      }
      lines
          .append("{\"id\":\"")
          .append(s[0])
          .append("\",\"discountAmount\":{\"value\":\"")
          .append(s[1])
          .append("\",\"currency\":\"EUR\"},\"taxes\":[{\"amount\":{\"value\":\"")
          .append(s[3])
          .append("\",\"currency\":\"EUR\"},\"rate\":\"")
          .append(s[2])
          .append("\",\"name\":\"BTW\",\"jurisdiction\":\"COUNTRY:")
          .append(s.length > 4 ? s[4] : "NL")
          .append("\"}]}");
    }
    String shipping =
        shippingRate == null
            ? ""
            : "{\"id\":\"s1\",\"discountAmount\":{\"value\":\"0.00\",\"currency\":\"EUR\"},"
                + "\"taxes\":[{\"amount\":{\"value\":\""
                + shippingTax
                + "\",\"currency\":\"EUR\"},\"rate\":\""
                + shippingRate
                + "\",\"name\":\"BTW\",\"jurisdiction\":\"COUNTRY:NL\"}]}";
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/transactions"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"documents\":[{\"salesOrderId\":\""
                            + order.path("id").asText()
                            + "\",\"salesLineItems\":["
                            + lines
                            + "],\"shippingLineItems\":["
                            + shipping
                            + "],\"payments\":[{\"amount\":{\"value\":\""
                            + order.path("grandTotal").path("value").asText()
                            + "\",\"currency\":\"EUR\"},\"provider\":\"STRIPE\","
                            + "\"creditCardType\":\"VISA\",\"giftCardId\":null,\"refunds\":[]}]}],"
                            + "\"pagination\":{\"hasNextPage\":false}}")));
  }

  private static String itemWithVat(String id, String code, String vatCode, String extra) {
    return "{\"ID\":\"00000000-0000-4000-8000-0000000000"
        + id
        + "\",\"Code\":\""
        + code
        + "\",\"Description\":\""
        + code
        + "\",\"IsSalesItem\":true,\"SalesVatCode\":\""
        + vatCode
        + "\""
        + extra
        + ",\"Timestamp\":"
        + (code.hashCode() & 0xffff)
        + "}";
  }

  @Test
  void anExclusiveOrderWithGoodsAtTwoRatesShippingAt21AndADiscountIsBookedAsCharged() {
    stubGet(
        "sync/Logistics/Items",
        itemWithVat("a1", "ESPRESSO", "4", "")
            + ","
            + itemWithVat("a2", "GRINDER", "2", "")
            + ","
            + itemWithVat("a3", "SHIPPING", "2", "")
            + ","
            + itemWithVat("a4", "DISCOUNT", "2", "")
            + ","
            + item("a5", "NOSKU"));
    // 3 × 8.95 at 9 %, 49.99 at 21 %, shipping 4.95 at 21 %, discount 10.00 (3.00 + 7.00):
    // taxes 9 % of 23.85 = 2.15, 21 % of 42.99 = 9.03, 21 % of 4.95 = 1.04; total 84.01
    ObjectNode order =
        Orders.order("1201")
            .exclusive()
            .line("ESPRESSO", "Espresso bonen 1 kg", 3, "8.95")
            .line("GRINDER", "Koffiemolen", 1, "49.99")
            .shipping("PostNL", "4.95")
            .discount("WELKOM10", "10.00")
            .total("12.22");
    assertEquals("84.01", order.path("grandTotal").path("value").asText());
    transactions(
        order,
        new String[][] {{"li1", "3.00", "9.0", "2.15"}, {"li2", "7.00", "21.0", "9.03"}},
        "21.0",
        "1.04");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state(), ledger(order).lastError());
    JsonNode posted = body(posts("salesorder/SalesOrders").get(0));
    assertEquals("EUR", posted.path("Currency").asText());
    JsonNode lines = posted.path("SalesOrderLines");
    assertEquals(5, lines.size());
    // espresso: 26.85 + 2.15 VAT + 0.27 VAT of its discount = 29.27 gross, 9 % inclusive code
    assertLine(lines.get(0), "3", "9.757", "4"); // 3 × 9.757 = 29.271 → 29.27
    assertLine(lines.get(1), "1", "60.49", "2");
    assertLine(lines.get(2), "1", "5.99", "2"); // shipping at the 21 % Squarespace charged
    assertLine(lines.get(3), "1", "-8.47", "2"); // discount at 21 %: 7.00 + 1.47
    assertLine(lines.get(4), "1", "-3.27", "4"); // discount at 9 %: 3.00 + 0.27
    BigDecimal total = BigDecimal.ZERO;
    for (JsonNode l : lines) {
      total =
          total.add(
              l.path("Quantity")
                  .decimalValue()
                  .multiply(l.path("NetPrice").decimalValue())
                  .setScale(2, java.math.RoundingMode.HALF_UP));
    }
    assertEquals(new BigDecimal("84.01"), total);
    // the espresso's item says 9 %; nothing noted. No line was charged at another rate.
    assertTrue(
        connector
            .bean("activityLog", ActivityLog.class)
            .recent(order.path("id").asText(), 200)
            .stream()
            .noneMatch(e -> e.message() != null && e.message().contains("as charged")));
  }

  @Test
  void aRateChargedThatTheItemDoesNotHaveIsBookedAsChargedAndNoted() {
    stubGet(
        "sync/Logistics/Items",
        itemWithVat("a1", "ESPRESSO", "4", "")
            + ","
            + itemWithVat("a3", "SHIPPING", "2", "")
            + ","
            + SPECIAL);
    ObjectNode order =
        Orders.order("1202").line("ESPRESSO", "Espresso bonen 1 kg", 1, "12.10").total("2.10");
    transactions(order, new String[][] {{"li1", "0.00", "21.0", "2.10"}}, null, null);
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state(), ledger(order).lastError());
    JsonNode lines = body(posts("salesorder/SalesOrders").get(0)).path("SalesOrderLines");
    assertLine(lines.get(0), "1", "12.10", "2");
    assertTrue(
        connector
            .bean("activityLog", ActivityLog.class)
            .recent(order.path("id").asText(), 200)
            .stream()
            .anyMatch(
                e ->
                    e.message() != null
                        && e.message().contains("charged 21% VAT")
                        && e.message().contains("booked at 21% as charged")));
  }

  @Test
  void aRateNoRuleCoversParksTheOrderNamingTheRateAndTheCountry() {
    ObjectNode order =
        Orders.order("1203")
            .shipTo(Orders.address("Anna", "Schmidt", "Hauptstr. 5b", "10115", "Berlin", "DE"))
            .line("ESPRESSO", "Espresso bonen 1 kg", 1, "11.90")
            .total("1.90");
    transactions(order, new String[][] {{"li1", "0.00", "19.0", "1.90", "DE"}}, null, null);
    poll(order);

    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertTrue(entry.lastError().contains("19%"), entry.lastError());
    assertTrue(entry.lastError().contains("DE"), entry.lastError());
    assertEquals(0, posts("salesorder/SalesOrders").size());
  }

  @Test
  void aProspectWithTheOrdersEmailIsFoundAndMadeACustomerNotDuplicated() {
    stubGet(
        "sync/CRM/Accounts",
        "{\"ID\":\""
            + ACCOUNT_EXISTING
            + "\",\"Code\":\"                77\",\"Name\":\"Sanne de Vries\","
            + "\"Email\":\"sanne@example.nl\",\"Status\":\"P\",\"IsSales\":false,\"Blocked\":false,"
            + "\"AddressLine1\":\"Dorpsstraat 1\",\"AddressLine2\":null,\"Postcode\":\"1234 AB\","
            + "\"City\":\"Utrecht\",\"Country\":\"NL\",\"VATNumber\":null,\"Phone\":null,"
            + "\"Timestamp\":1001}");
    ObjectNode order =
        Orders.order("1204")
            .set("customerEmail", "Sanne@Example.nl")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state(), ledger(order).lastError());
    assertEquals(0, posts("crm/Accounts").size(), "no second account for the same e-mail");
    var put = puts("crm/Accounts\\(guid'" + ACCOUNT_EXISTING + "'\\)");
    assertEquals(1, put.size());
    assertEquals("C", body(put.get(0)).path("Status").asText());
    assertEquals(
        ACCOUNT_EXISTING, body(posts("salesorder/SalesOrders").get(0)).path("OrderedBy").asText());
    assertTrue(
        connector
            .bean("activityLog", ActivityLog.class)
            .recent(order.path("id").asText(), 200)
            .stream()
            .anyMatch(e -> e.message() != null && e.message().contains("prospect")));
  }

  @Test
  void aBlockedAccountWithTheOrdersEmailParksTheOrderInsteadOfADuplicate() {
    stubGet(
        "sync/CRM/Accounts",
        "{\"ID\":\""
            + ACCOUNT_EXISTING
            + "\",\"Code\":\"                78\",\"Name\":\"Kees Blok\","
            + "\"Email\":\"kees@example.nl\",\"Status\":\"C\",\"IsSales\":true,\"Blocked\":true,"
            + "\"Timestamp\":1002}");
    ObjectNode order =
        Orders.order("1207")
            .set("customerEmail", "kees@example.nl")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);

    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertTrue(entry.lastError().contains("account 78"), entry.lastError());
    assertTrue(entry.lastError().contains("blocked"), entry.lastError());
    assertEquals(0, posts("crm/Accounts").size(), "no second account for the same e-mail");
    assertEquals(0, posts("salesorder/SalesOrders").size());
  }

  @Test
  void aDiscontinuedItemAndANonSalesItemParkTheOrderBeforeAnyWrite() {
    stubGet(
        "sync/Logistics/Items",
        item("a1", "ESPRESSO")
            + ","
            + SPECIAL
            + ","
            // EndDate 2019-12-31 as Exact sends dates: /Date(epoch ms)/
            + itemWithVat("b1", "OLD-MUG-2019", "2", ",\"EndDate\":\"/Date(1577750400000)/\"")
            + ","
            + "{\"ID\":\"00000000-0000-4000-8000-0000000000b2\",\"Code\":\"GIFTBOX\","
            + "\"Description\":\"Gift box\",\"IsSalesItem\":false,\"Timestamp\":77}");
    ObjectNode order =
        Orders.order("1205")
            .set("customerEmail", "nieuw@example.nl")
            .line("OLD-MUG-2019", "Mok 2019", 1, "9.95")
            .line("GIFTBOX", "Cadeauverpakking", 1, "2.50")
            .total("2.16");
    poll(order);

    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertTrue(entry.lastError().contains("'OLD-MUG-2019'"), entry.lastError());
    assertTrue(entry.lastError().contains("no longer active"), entry.lastError());
    assertTrue(entry.lastError().contains("'GIFTBOX'"), entry.lastError());
    assertTrue(entry.lastError().contains("not a sales item"), entry.lastError());
    assertEquals(0, posts("crm/Accounts").size(), "no customer written for an order parked");
    assertEquals(0, posts("salesorder/SalesOrders").size());
    assertEquals(1, entry.attempts());
  }

  @Test
  void aGiftCardSoldIsBookedOnItsItemAtTheVoucherRate() {
    ObjectNode order =
        Orders.order("1206")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .line(null, "Cadeaubon", 1, "25.00")
            .total("2.10");
    ((ObjectNode) order.path("lineItems").get(1)).put("lineItemType", "GIFT_CARD");
    transactions(
        order,
        new String[][] {{"li1", "0.00", "21.0", "2.10"}, {"li2", "0.00", "0.0", "0.00"}},
        null,
        null);
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state(), ledger(order).lastError());
    JsonNode lines = body(posts("salesorder/SalesOrders").get(0)).path("SalesOrderLines");
    assertLine(lines.get(0), "1", "12.10", "2");
    // no gift-card item set: the no-SKU item; the 0 % code (vouchers carry no VAT when sold)
    assertEquals("00000000-0000-4000-8000-0000000000a5", lines.get(1).path("Item").asText());
    assertLine(lines.get(1), "1", "25.00", "5");
  }

  private static void assertLine(JsonNode line, String quantity, String price, String vatCode) {
    assertEquals(new BigDecimal(quantity), line.path("Quantity").decimalValue(), line.toString());
    assertEquals(new BigDecimal(price), line.path("NetPrice").decimalValue(), line.toString());
    assertEquals(vatCode, line.path("VATCode").asText().trim(), line.toString());
  }
}
