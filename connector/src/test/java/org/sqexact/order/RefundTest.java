package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.Orders;

/** Refunds after booking: one credit document per refund, of the kind the document type asks. */
class RefundTest extends OrderFlowTestSupport {

  @BeforeEach
  void referenceData() {
    DocumentTypesTest.stubDocumentReferenceData();
  }

  /** 2 × 12.10 incl. 21 % = 24.20. */
  private ObjectNode order() {
    return Orders.order("5001").line("ESPRESSO", "Espresso", 2, "12.10").total("4.20");
  }

  private static void refunds(String... idAndAmount) {
    StringBuilder refunds = new StringBuilder();
    for (int i = 0; i < idAndAmount.length; i += 2) {
      refunds
          .append(refunds.length() == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(idAndAmount[i])
          .append("\",\"amount\":{\"value\":\"")
          .append(idAndAmount[i + 1])
          .append("\",\"currency\":\"EUR\"},\"refundedOn\":\"2026-11-30T10:0")
          .append(i / 2)
          .append(":00Z\"}");
    }
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/transactions"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"documents\":[{\"payments\":[{\"amount\":{\"value\":\"24.20\",\"currency\":"
                            + "\"EUR\"},\"provider\":\"STRIPE\",\"creditCardType\":\"VISA\","
                            + "\"giftCardId\":null,\"refunds\":["
                            + refunds
                            + "]}]}],\"pagination\":{\"hasNextPage\":false}}")));
  }

  private static void refunded(ObjectNode order, String total) {
    order.putObject("refundedTotal").put("value", total).put("currency", "EUR");
  }

  @Test
  void aPartialRefundOfAnInvoiceBecomesOneCreditNoteOnce() {
    settings.put("orders.document-type", "sales-invoice");
    ObjectNode order = order();
    poll(order);
    assertEquals(1, posts("salesinvoice/SalesInvoices").size());

    refunds("rf1", "5.00");
    refunded(order, "5.00");
    poll(order);
    poll(order);

    assertEquals(2, posts("salesinvoice/SalesInvoices").size(), "one credit note, once");
    JsonNode credit = body(posts("salesinvoice/SalesInvoices").get(1));
    assertEquals(8021, credit.path("Type").asInt());
    assertEquals("5001-R1", credit.path("YourRef").asText());
    JsonNode line = credit.path("SalesInvoiceLines").get(0);
    assertEquals(1, credit.path("SalesInvoiceLines").size());
    assertEquals(-1, line.path("Quantity").asInt());
    assertEquals(new BigDecimal("5.00"), line.path("NetPrice").decimalValue());
    assertEquals("2", line.path("VATCode").asText());
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent("5001", 50).stream()
            .anyMatch(l -> l.message() != null && l.message().contains("refund of 5.00 credited")));
  }

  @Test
  void aCreditNoteWhoseResponseIsLostIsFoundByItsYourRefAndNotSentAgain() {
    settings.put("orders.document-type", "sales-invoice");
    ObjectNode order = order();
    poll(order);
    assertEquals(1, posts("salesinvoice/SalesInvoices").size());

    // the credit note's POST reaches Exact, the answer is lost; Exact then has it under 5001-R1
    exact.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                urlPathEqualTo(org.sqexact.testing.ExactStubs.REST + "salesinvoice/SalesInvoices"))
            .atPriority(1)
            .inScenario("credit")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("committed"));
    exact.stubFor(
        get(urlPathEqualTo(org.sqexact.testing.ExactStubs.REST + "salesinvoice/SalesInvoices"))
            .atPriority(1)
            .inScenario("credit")
            .whenScenarioStateIs("committed")
            .willReturn(
                org.sqexact.testing.ExactStubs.json(
                    200,
                    org.sqexact.testing.ExactStubs.page(
                        "{\"InvoiceID\":\"c0000000-0000-4000-8000-000000000001\","
                            + "\"InvoiceNumber\":7001,\"YourRef\":\"5001-R1\"}",
                        null))));
    refunds("rf1", "5.00");
    refunded(order, "5.00");
    poll(order); // one poll: the look-up settles the unknown outcome at once

    assertEquals(
        2, posts("salesinvoice/SalesInvoices").size(), "the credit note is not sent twice");
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent("5001", 50).stream()
            .anyMatch(
                l ->
                    l.message() != null
                        && l.message().contains("credited in Exact Online as credit note 7001")));
  }

  @Test
  void aFullRefundOfASalesEntryCreditsEveryLine() {
    settings.put("orders.document-type", "sales-entry");
    ObjectNode order = order();
    poll(order);
    refunds("rf2", "24.20");
    refunded(order, "24.20");
    order.put("paymentState", "REFUNDED");
    poll(order);

    assertEquals(2, posts("salesentry/SalesEntries").size());
    JsonNode credit = body(posts("salesentry/SalesEntries").get(1));
    assertEquals(21, credit.path("Type").asInt());
    JsonNode line = credit.path("SalesEntryLines").get(0);
    assertEquals(new BigDecimal("-20.00"), line.path("AmountFC").decimalValue());
    assertEquals(new BigDecimal("-4.20"), line.path("VATAmountFC").decimalValue());
  }

  @Test
  void aRefundOfABookedSalesOrderIsReportedForManualHandling() {
    ObjectNode order = order();
    poll(order);
    refunds("rf3", "12.10");
    refunded(order, "12.10");
    poll(order);
    poll(order);

    assertEquals(1, posts("salesorder/SalesOrders").size(), "no negative sales order");
    var alerts = connector.bean("alerts", Alerts.class).recent();
    assertEquals(1, alerts.stream().filter(a -> a.code().equals("refund-manual")).count());
    assertTrue(
        alerts.stream()
            .anyMatch(
                a ->
                    a.message()
                        .contains(
                            "Order #5001 was refunded 12.10 after it was booked"
                                + " as sales order 1234")));
  }
}
