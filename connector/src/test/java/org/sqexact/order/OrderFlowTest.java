package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/** Each branch of the order flow, through the routes, against WireMock and a real database. */
class OrderFlowTest extends OrderFlowTestSupport {

  @Test
  void aNewPersonDebtorIsCreatedAndTheSalesOrderBooked() {
    ObjectNode order =
        Orders.order("1042").line("ESPRESSO", "Espresso bonen 1 kg", 2, "12.10").total("4.20");
    poll(order);

    var entry = ledger(order);
    assertEquals(State.BOOKED, entry.state());
    assertEquals("1234", entry.documentNumber());
    assertEquals(ORDER_GUID, entry.documentId());

    JsonNode account = body(posts("crm/Accounts").get(0));
    assertEquals("Jan Jansen", account.path("Name").asText());
    assertEquals("jan.jansen@example.nl", account.path("Email").asText());
    assertEquals("C", account.path("Status").asText());
    assertTrue(account.path("IsSales").asBoolean());
    assertFalse(account.has("VATNumber"));
    assertEquals(0, posts("crm/Contacts").size(), "a person debtor has no contact");

    JsonNode so = body(posts("salesorder/SalesOrders").get(0));
    assertEquals(ACCOUNT_NEW, so.path("OrderedBy").asText());
    assertEquals(ACCOUNT_NEW, so.path("InvoiceTo").asText());
    assertEquals(ACCOUNT_NEW, so.path("DeliverTo").asText());
    assertEquals("1042", so.path("YourRef").asText());
    assertEquals("Squarespace order #1042", so.path("Description").asText());
    assertTrue(so.path("OrderDate").asText().matches("\\d{4}-\\d{2}-\\d{2}"));
    assertFalse(so.has("DeliveryAddress"), "billing and shipping are the same");
    JsonNode line = so.path("SalesOrderLines").get(0);
    assertEquals("00000000-0000-4000-8000-0000000000a1", line.path("Item").asText());
    assertEquals(2, line.path("Quantity").asInt());
    assertEquals(new BigDecimal("12.10"), line.path("NetPrice").decimalValue());
    assertEquals("2", line.path("VATCode").asText(), "INCLUSIVE prices get the inclusive code");
    assertEquals("Espresso bonen 1 kg (Maling: Bonen)", line.path("Description").asText());

    List<ActivityLog.Entry> log =
        connector.bean("activityLog", ActivityLog.class).recent("1042", 50);
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    "booked".equals(l.outcome())
                        && l.message().equals("booked in Exact Online as sales order 1234")));
    assertTrue(
        log.stream().noneMatch(l -> l.message() != null && l.message().contains("jansen")),
        "no personal data in the activity log");
  }

  @Test
  void aCompanyFromTheCheckoutFormBecomesACompanyDebtorWithAContact() {
    ObjectNode order =
        Orders.order("1043")
            .form("Bedrijfsnaam", "Koffiehuis De Boon B.V.")
            .form("BTW-nummer", "NL 123456789 B01")
            .line("GRINDER", "Koffiemolen", 1, "149.00")
            .total("25.86");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    JsonNode account = body(posts("crm/Accounts").get(0));
    assertEquals("Koffiehuis De Boon B.V.", account.path("Name").asText());
    assertEquals("NL123456789B01", account.path("VATNumber").asText());
    JsonNode contact = body(posts("crm/Contacts").get(0));
    assertEquals(ACCOUNT_NEW, contact.path("Account").asText());
    assertEquals("Jan", contact.path("FirstName").asText());
    assertEquals("Jansen", contact.path("LastName").asText());
    assertEquals("jan.jansen@example.nl", contact.path("Email").asText());
    JsonNode so = body(posts("salesorder/SalesOrders").get(0));
    assertEquals(CONTACT_NEW, so.path("OrderedByContactPerson").asText());
  }

  @Test
  void aReturningCustomerIsFoundByEmailAndNotWrittenWhenNothingChanged() {
    ObjectNode order =
        Orders.order("1044")
            .set("customerEmail", "piet@example.nl")
            .billing(Orders.address("Piet", "Bakker", "Dorpsstraat 1", "1234 AB", "Utrecht", "NL"))
            .shipTo(Orders.address("Piet", "Bakker", "Dorpsstraat 1", "1234 AB", "Utrecht", "NL"))
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(0, posts("crm/Accounts").size());
    assertEquals(0, puts("crm/Accounts.*").size());
    assertEquals(
        ACCOUNT_EXISTING, body(posts("salesorder/SalesOrders").get(0)).path("OrderedBy").asText());
  }

  @Test
  void aReturningCustomerWhoMovedIsUpdatedWithOnlyTheChangedFields() {
    ObjectNode order =
        Orders.order("1045")
            .set("customerEmail", "piet@example.nl")
            .billing(Orders.address("Piet", "Bakker", "Stationsweg 9", "3511 AB", "Utrecht", "NL"))
            .shipTo(Orders.address("Piet", "Bakker", "Stationsweg 9", "3511 AB", "Utrecht", "NL"))
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(0, posts("crm/Accounts").size());
    var put = puts("crm/Accounts\\(guid'" + ACCOUNT_EXISTING + "'\\)");
    assertEquals(1, put.size());
    JsonNode changes = body(put.get(0));
    assertEquals("Stationsweg 9", changes.path("AddressLine1").asText());
    assertEquals("3511 AB", changes.path("Postcode").asText());
    assertFalse(changes.has("Name"), "unchanged fields are not sent");
    assertFalse(changes.has("City"));
  }

  @Test
  void aDifferentShippingAddressBecomesADeliveryAddressUsedByTheOrder() {
    ObjectNode order =
        Orders.order("1046")
            .shipTo(
                Orders.address("Jan", "Jansen", "Rue de la Loi 16 bte 3", "1000", "Brussel", "BE"))
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);

    JsonNode address = body(posts("crm/Addresses").get(0));
    assertEquals(4, address.path("Type").asInt());
    assertEquals(ACCOUNT_NEW, address.path("Account").asText());
    assertEquals("Rue de la Loi 16 bte 3", address.path("AddressLine1").asText());
    assertEquals("BE", address.path("Country").asText());
    assertEquals(
        ADDRESS_NEW, body(posts("salesorder/SalesOrders").get(0)).path("DeliveryAddress").asText());
  }

  @Test
  void theDefaultDebtorIsUsedAlwaysWhenConfiguredSo() {
    settings.put("orders.default-debtor.mode", "always");
    settings.put("orders.default-debtor.code", "WEBSHOP");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .withQueryParam("$filter", equalTo("trim(Code) eq 'WEBSHOP'"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"ID\":\"" + ACCOUNT_DEFAULT + "\",\"Code\":\"           WEBSHOP\"}",
                        null))));
    ObjectNode order = Orders.order("1047").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(0, posts("crm/Accounts").size());
    assertEquals(
        ACCOUNT_DEFAULT, body(posts("salesorder/SalesOrders").get(0)).path("OrderedBy").asText());
  }

  @Test
  void aPosOrderWithoutEmailGoesToTheDefaultDebtorInFallbackModeAndIsParkedOtherwise() {
    ObjectNode pos =
        Orders.order("1048")
            .set("channel", "pos")
            .set("customerEmail", (String) null)
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(pos);
    var parked = ledger(pos);
    assertEquals(State.PARKED, parked.state());
    assertTrue(
        parked.lastError().startsWith("Order #1048 has no e-mail address"), parked.lastError());
    assertTrue(
        connector.bean("alerts", Alerts.class).recent().stream()
            .anyMatch(a -> a.code().equals("order-parked") && a.message().contains("#1048")));
    assertEquals(0, posts("salesorder/SalesOrders").size());
    connector.close();
    connector = null;

    settings.put("orders.default-debtor.mode", "fallback");
    settings.put("orders.default-debtor.code", "WEBSHOP");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .withQueryParam("$filter", equalTo("trim(Code) eq 'WEBSHOP'"))
            .willReturn(
                ExactStubs.json(
                    200, ExactStubs.page("{\"ID\":\"" + ACCOUNT_DEFAULT + "\"}", null))));
    ObjectNode web = Orders.order("1049").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    ObjectNode pos2 =
        Orders.order("1050")
            .set("channel", "pos")
            .set("customerEmail", (String) null)
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(web, pos2);
    assertEquals(State.BOOKED, ledger(pos2).state());
    assertEquals(State.BOOKED, ledger(web).state());
    var orders = posts("salesorder/SalesOrders");
    assertEquals(2, orders.size());
    assertEquals(1, posts("crm/Accounts").size(), "the web order's customer only");
  }

  @Test
  void anOrderThatExactAlreadyHasIsSkippedAndNamed() {
    ObjectNode booked = Orders.order("1051").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    ObjectNode fresh = Orders.order("1052").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .withQueryParam("$filter", equalTo("YourRef eq '1051' or YourRef eq '1052'"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"OrderID\":\"60ecbe5d-0000-4000-8000-000000000777\",\"OrderNumber\":777,"
                            + "\"YourRef\":\"1051\"}",
                        null))));
    poll(booked, fresh);

    var skipped = ledger(booked);
    assertEquals(State.SKIPPED, skipped.state());
    assertEquals("already in Exact Online as sales order 777", skipped.lastError());
    assertEquals(State.BOOKED, ledger(fresh).state());
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(1, gets("salesorder/SalesOrders").size(), "one question covered both orders");
  }

  @Test
  void anUnknownSkuParksTheOrderNamingTheSkuAfterOneLookUp() {
    ObjectNode order =
        Orders.order("1053")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .line("TSHIRT-XL", "T-shirt XL", 1, "25.00")
            .line("MUG-RED", "Mok rood", 2, "8.00")
            .total("8.61");
    poll(order);

    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertTrue(
        entry
            .lastError()
            .contains("SKU 'TSHIRT-XL', 'MUG-RED' do not exist as an item in Exact Online"),
        entry.lastError());
    assertEquals(0, posts("salesorder/SalesOrders").size());
    assertEquals(
        1, gets("sync/Logistics/Items").size(), "the unknown SKUs were looked up together");
  }

  @Test
  void linesWithoutSkuShippingAndDiscountGetTheirItems() {
    ObjectNode order =
        Orders.order("1054")
            .line("ESPRESSO", "Espresso", 2, "12.10")
            .line(null, "Cadeaubon", 1, "25.00")
            .shipping("PostNL", "4.95")
            .discount("WELKOM10", "5.00")
            .total("0.00");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    JsonNode lines = body(posts("salesorder/SalesOrders").get(0)).path("SalesOrderLines");
    assertEquals(4, lines.size());
    assertEquals("00000000-0000-4000-8000-0000000000a5", lines.get(1).path("Item").asText());
    assertEquals("00000000-0000-4000-8000-0000000000a3", lines.get(2).path("Item").asText());
    assertEquals(new BigDecimal("4.95"), lines.get(2).path("NetPrice").decimalValue());
    assertEquals("00000000-0000-4000-8000-0000000000a4", lines.get(3).path("Item").asText());
    assertEquals(new BigDecimal("-5.00"), lines.get(3).path("NetPrice").decimalValue());
    assertTrue(lines.get(3).path("Description").asText().contains("WELKOM10"));
  }

  @Test
  void exclusivePricesAreBookedWithVatAndTheInclusiveCodeSoTheTotalIsExact() {
    // 2 × 10.00 + 5.00 shipping = 25.00 excl.; 21 % VAT = 5.25; grandTotal 30.25
    ObjectNode order =
        Orders.order("1055")
            .exclusive()
            .line("ESPRESSO", "Espresso", 2, "10.00")
            .shipping("PostNL", "5.00")
            .total("5.25");
    poll(order);

    assertEquals(State.BOOKED, ledger(order).state());
    JsonNode lines = body(posts("salesorder/SalesOrders").get(0)).path("SalesOrderLines");
    // no Transactions taxes here: the item's rate (21 %) is the fallback; the line is sent with
    // VAT (10.00 × 1.21) and the inclusive code, so Exact's total is the grandTotal
    assertEquals("2", lines.get(0).path("VATCode").asText().trim());
    assertEquals(new BigDecimal("12.10"), lines.get(0).path("NetPrice").decimalValue());
    assertEquals(new BigDecimal("6.05"), lines.get(1).path("NetPrice").decimalValue());
  }

  @Test
  void aTotalThatDoesNotAddUpParksTheOrderWithBothAmounts() {
    ObjectNode order =
        Orders.order("1056").line("ESPRESSO", "Espresso", 2, "12.10").grandTotal("25.00");
    poll(order);

    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertTrue(entry.lastError().contains("would total 24.20 EUR"), entry.lastError());
    assertTrue(entry.lastError().contains("grandTotal is 25.00 EUR"), entry.lastError());
    assertEquals(0, posts("salesorder/SalesOrders").size());
  }

  @Test
  void ineligibleOrdersAreNotBooked() {
    ObjectNode test =
        Orders.order("1057").set("testmode", true).line("ESPRESSO", "E", 1, "1.00").total("0.00");
    ObjectNode canceled =
        Orders.order("1058")
            .set("fulfillmentStatus", "CANCELED")
            .line("ESPRESSO", "E", 1, "1.00")
            .total("0.00");
    ObjectNode pending =
        Orders.order("1059")
            .set("paymentState", "PENDING")
            .line("ESPRESSO", "E", 1, "1.00")
            .total("0.00");
    ObjectNode paid = Orders.order("1060").line("ESPRESSO", "E", 1, "1.00").total("0.00");
    poll(test, canceled, pending, paid);

    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals("1060", body(posts("salesorder/SalesOrders").get(0)).path("YourRef").asText());
    var log = connector.bean("activityLog", ActivityLog.class);
    assertTrue(
        log.recent("1057", 5).stream().anyMatch(l -> "placed in test mode".equals(l.message())));
    assertTrue(
        log.recent("1058", 5).stream().anyMatch(l -> "the order was canceled".equals(l.message())));
  }

  @Test
  void anOrderPaidLaterIsBookedWhenItIsPaid() {
    ObjectNode order =
        Orders.order("1061")
            .set("paymentState", "PENDING")
            .line("ESPRESSO", "E", 1, "1.00")
            .total("0.00");
    poll(order);
    assertEquals(0, posts("salesorder/SalesOrders").size());
    order.put("paymentState", "PAID");
    order.put("modifiedOn", java.time.Instant.now().toString());
    poll(order);
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(State.BOOKED, ledger(order).state());
    poll(order);
    assertEquals(1, posts("salesorder/SalesOrders").size(), "a booked order is never booked again");
  }

  @Test
  void anExactErrorThatEchoesAnEmailIsStoredWithoutIt() {
    exact.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                    ExactStubs.REST + "crm/Accounts"))
            .willReturn(
                ExactStubs.json(
                    400, ExactStubs.error("E-mail jan.jansen@example.nl is ongeldig"))));
    ObjectNode order = Orders.order("1062").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order);
    String reason = ledger(order).lastError();
    assertTrue(reason.contains("E-mail <e-mail> is ongeldig"), reason);
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent(null, 100).stream()
            .noneMatch(l -> l.message() != null && l.message().contains("jan.jansen@")),
        "no e-mail address in the activity log");
  }
}
