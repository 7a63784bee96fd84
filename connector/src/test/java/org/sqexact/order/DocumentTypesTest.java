package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * Switching the document type books the same order as a sales order, a sales invoice, a direct
 * sales invoice or a sales entry, with what Exact requires for each (journal, warehouse, revenue
 * accounts), through the routes and the datamapper.
 */
class DocumentTypesTest extends OrderFlowTestSupport {

  static final String INVOICE_GUID = "7a1b2c3d-0000-4000-8000-000000000001";
  static final String ENTRY_GUID = "7a1b2c3d-0000-4000-8000-000000000002";
  static final String WAREHOUSE_GUID = "9f8e7d6c-0000-4000-8000-000000000001";
  static final String GL_8000 = "6a5b4c3d-0000-4000-8000-000000008000";
  static final String GL_8010 = "6a5b4c3d-0000-4000-8000-000000008010";

  @BeforeEach
  void referenceData() {
    stubDocumentReferenceData();
  }

  /** Journals, warehouses, revenue accounts and the document endpoints. */
  static void stubDocumentReferenceData() {
    stubGet(
        "financial/Journals",
        "{\"ID\":\"j1\",\"Code\":\"70\",\"Description\":\"Verkoopboek\",\"Type\":20},"
            + "{\"ID\":\"j2\",\"Code\":\"10\",\"Description\":\"Kas\",\"Type\":10}");
    stubGet(
        "inventory/Warehouses",
        "{\"ID\":\"" + WAREHOUSE_GUID + "\",\"Code\":\"1\",\"Description\":\"Hoofdmagazijn\"}");
    stubGet(
        "financial/GLAccounts",
        "{\"ID\":\""
            + GL_8000
            + "\",\"Code\":\"8000\",\"Description\":\"Omzet hoog\"},"
            + "{\"ID\":\""
            + GL_8010
            + "\",\"Code\":\"8010\",\"Description\":\"Omzet laag\"},"
            + "{\"ID\":\"6a5b4c3d-0000-4000-8000-000000008020\",\"Code\":\"8020\"}");
    stubGet("salesinvoice/SalesInvoices", "");
    stubGet("salesentry/SalesEntries", "");
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesinvoice/SalesInvoices"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"InvoiceID\":\""
                        + INVOICE_GUID
                        + "\",\"InvoiceNumber\":26000042}}")));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesinvoice/PrintedSalesInvoices"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"InvoiceID\":\""
                        + INVOICE_GUID
                        + "\",\"DocumentCreationError\":null}}")));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesentry/SalesEntries"))
            .willReturn(
                ExactStubs.json(
                    201, "{\"d\":{\"EntryID\":\"" + ENTRY_GUID + "\",\"EntryNumber\":26700007}}")));
  }

  /** 2 × 12.10 incl. 21 % + 4.95 shipping (PostNL) − 2.00 discount = 27.15. */
  private ObjectNode order() {
    return Orders.order("2001")
        .line("ESPRESSO", "Espresso bonen 1 kg", 2, "12.10")
        .shipping("PostNL", "4.95")
        .discount("WELKOM", "2.00")
        .total("4.71");
  }

  private JsonNode booked(String path) {
    assertEquals(1, posts(path).size(), path);
    return body(posts(path).get(0));
  }

  @Test
  void asASalesOrder() {
    ObjectNode order = order();
    poll(order);
    JsonNode so = booked("salesorder/SalesOrders");
    assertEquals("ST", so.path("PaymentCondition").asText(), "Stripe paid: condition ST");
    assertEquals(SHIPPING_POSTNL, so.path("ShippingMethod").asText());
    assertFalse(so.has("Journal"));
    assertEquals(3, so.path("SalesOrderLines").size());
    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals("sales-order", ledger(order).documentType());
  }

  @Test
  void asASalesInvoiceInTheSalesJournalAndFinalised() {
    settings.put("orders.document-type", "sales-invoice");
    settings.put("orders.finalise-invoices", "true");
    ObjectNode order = order();
    poll(order);
    JsonNode inv = booked("salesinvoice/SalesInvoices");
    assertEquals(8020, inv.path("Type").asInt());
    assertEquals("70", inv.path("Journal").asText());
    assertEquals("2001", inv.path("YourRef").asText());
    assertFalse(inv.has("Warehouse"), "Exact refuses a warehouse on a normal invoice");
    JsonNode lines = inv.path("SalesInvoiceLines");
    assertEquals(3, lines.size());
    assertEquals(new BigDecimal("12.10"), lines.get(0).path("NetPrice").decimalValue());
    assertEquals("2", lines.get(0).path("VATCode").asText());
    assertEquals("PostNL", lines.get(1).path("Description").asText());
    assertEquals("Korting WELKOM", lines.get(2).path("Description").asText());
    var entry = ledger(order);
    assertEquals(State.BOOKED, entry.state());
    assertEquals("26000042", entry.documentNumber());
    assertEquals(
        INVOICE_GUID,
        body(posts("salesinvoice/PrintedSalesInvoices").get(0)).path("InvoiceID").asText());
    assertEquals(0, posts("salesorder/SalesOrders").size());
  }

  @Test
  void asADirectSalesInvoiceFromTheWarehouse() {
    settings.put("orders.document-type", "direct-sales-invoice");
    ObjectNode order = order();
    poll(order);
    JsonNode inv = booked("salesinvoice/SalesInvoices");
    assertEquals(8023, inv.path("Type").asInt());
    assertEquals(WAREHOUSE_GUID, inv.path("Warehouse").asText());
    assertEquals("70", inv.path("Journal").asText());
    assertEquals(0, posts("salesinvoice/PrintedSalesInvoices").size(), "not finalised by default");
  }

  @Test
  void asASalesEntryOnRevenueAccountsWithAmountsWithoutVat() {
    settings.put("orders.document-type", "sales-entry");
    ObjectNode order = order();
    poll(order);
    JsonNode entry = booked("salesentry/SalesEntries");
    assertEquals("70", entry.path("Journal").asText());
    assertEquals(ACCOUNT_NEW, entry.path("Customer").asText());
    assertEquals(20, entry.path("Type").asInt());
    assertEquals("2001", entry.path("YourRef").asText());
    JsonNode lines = entry.path("SalesEntryLines");
    assertEquals(3, lines.size());
    JsonNode first = lines.get(0);
    assertEquals(GL_8000, first.path("GLAccount").asText());
    assertEquals("1", first.path("VATCode").asText(), "entries carry the exclusive code");
    assertEquals(new BigDecimal("20.00"), first.path("AmountFC").decimalValue()); // 24.20 / 1.21
    assertEquals(new BigDecimal("4.20"), first.path("VATAmountFC").decimalValue());
    assertFalse(first.has("Item"), "sales entries carry no items");
    BigDecimal total = BigDecimal.ZERO;
    for (JsonNode l : lines) {
      total =
          total.add(l.path("AmountFC").decimalValue()).add(l.path("VATAmountFC").decimalValue());
    }
    assertEquals(new BigDecimal("27.15"), total, "amounts and VAT add up to the grandTotal");
    assertEquals("26700007", ledger(order).documentNumber());
  }

  @Test
  void theExistenceCheckLooksAtTheChosenDocumentType() {
    settings.put("orders.document-type", "sales-invoice");
    stubGet(
        "salesinvoice/SalesInvoices",
        "{\"InvoiceID\":\"" + INVOICE_GUID + "\",\"InvoiceNumber\":26000001,\"YourRef\":\"2001\"}");
    ObjectNode order = order();
    poll(order);
    var entry = ledger(order);
    assertEquals(State.SKIPPED, entry.state());
    assertEquals("already in Exact Online as sales invoice 26000001", entry.lastError());
    assertEquals(0, posts("salesinvoice/SalesInvoices").size());
    assertTrue(gets("salesorder/SalesOrders").isEmpty(), "sales orders were not asked");
  }
}
