package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.config.SettingsException;
import org.sqexact.ops.Alerts;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/** The pre-flight check, the dry run and a broken mapping file, through the running connector. */
class PreflightAndDryRunTest extends OrderFlowTestSupport {

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> r =
        http.send(connector.request(path).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void brokenSettingsAreAllReportedAtOnceAndNothingIsBookedUntilTheyAreFixed() throws Exception {
    settings.put("orders.document-type", "sales-invoice");
    settings.put("orders.journal", "99");
    settings.put("orders.items.shipping", "VERZENDING");
    DocumentTypesTest.stubDocumentReferenceData();
    // VAT code 4 is of the wrong kind: set for inclusive prices, but excluding in Exact
    stubGet(
        "vat/VATCodes",
        "{\"Code\":\"1\",\"Percentage\":0.21,\"Type\":\"E\"},{\"Code\":\"2\",\"Percentage\":0.21,"
            + "\"Type\":\"I\"},{\"Code\":\"3\",\"Percentage\":0.09,\"Type\":\"E\"},{\"Code\":\"4\","
            + "\"Percentage\":0.09,\"Type\":\"E\"},{\"Code\":\"5\",\"Percentage\":0,\"Type\":\"B\"}");
    ObjectNode order = Orders.order("4001").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order);

    assertEquals(0, posts("salesinvoice/SalesInvoices").size(), "nothing is booked");
    JsonNode report = get("/api/preflight", 409);
    assertFalse(report.path("ok").asBoolean());
    String problems = report.path("problems").toString();
    assertTrue(problems.contains("the journal '99' does not exist in Exact Online"), problems);
    assertTrue(problems.contains("the item 'VERZENDING' does not exist in Exact Online"), problems);
    assertTrue(
        problems.contains(
            "the VAT code '4' is excluding (type E) in Exact, but is set for prices"
                + " including VAT"),
        problems);
    assertEquals(3, report.path("problems").size(), problems);
    assertTrue(
        connector.bean("alerts", Alerts.class).recent().stream()
            .anyMatch(a -> a.code().equals("preflight")));
  }

  @Test
  void aDryRunShowsThePayloadsAndProblemsWithoutWritingToExact() throws Exception {
    ObjectNode order =
        Orders.order("4002")
            .form("Bedrijfsnaam", "Koffiehuis De Boon B.V.")
            .shipTo(Orders.address("Els", "Visser", "Hauptstr. 5b", "10115", "Berlin", "DE"))
            .line("ESPRESSO", "Espresso bonen 1 kg", 2, "12.10")
            .total("4.20");
    poll(); // the connector runs; the order itself is not in the window
    squarespace.stubFor(
        WireMock.get(WireMock.urlPathEqualTo("/1.0/commerce/orders/" + order.path("id").asText()))
            .willReturn(WireMock.okJson(order.toString())));
    exact.resetRequests();

    JsonNode dry = get("/api/orders/" + order.path("id").asText() + "/dry-run", 200);
    assertEquals("4002", dry.path("orderNumber").asText());
    assertEquals("COMPANY", dry.path("resolved").path("customer").asText());
    JsonNode writes = dry.path("customerWrites");
    assertEquals("crm/Accounts", writes.get(0).path("endpoint").asText());
    // which fields would be written, but no customer's name, e-mail or address leaves the API
    assertEquals(
        org.sqexact.ops.PersonalData.MASK, writes.get(0).path("payload").path("Name").asText());
    assertFalse(dry.toString().contains("Koffiehuis"), dry.toString());
    assertFalse(dry.toString().contains("@"), dry.toString());
    assertEquals("crm/Contacts", writes.get(1).path("endpoint").asText());
    assertEquals("crm/Addresses", writes.get(2).path("endpoint").asText());
    JsonNode doc = dry.path("document");
    assertEquals("4002", doc.path("YourRef").asText());
    assertEquals(2, doc.path("SalesOrderLines").get(0).path("Quantity").asInt());
    assertTrue(dry.path("problems").isEmpty(), dry.toString());
    assertTrue(dry.path("wouldBook").asBoolean());
    assertEquals(
        0,
        exact.findAll(WireMock.postRequestedFor(anyUrl())).stream()
            .filter(r -> !r.getUrl().contains("oauth2"))
            .count(),
        "a dry run writes nothing");
    assertEquals(0, exact.findAll(WireMock.putRequestedFor(anyUrl())).size());
    assertTrue(
        connector
            .bean("orderLedger", org.sqexact.store.OrderLedger.class)
            .find(order.path("id").asText())
            .isEmpty(),
        "the ledger is not touched");

    ObjectNode mismatch =
        Orders.order("4003").line("ESPRESSO", "Espresso", 1, "12.10").grandTotal("99.00");
    squarespace.stubFor(
        WireMock.get(
                WireMock.urlPathEqualTo("/1.0/commerce/orders/" + mismatch.path("id").asText()))
            .willReturn(WireMock.okJson(mismatch.toString())));
    JsonNode bad = get("/api/orders/" + mismatch.path("id").asText() + "/dry-run", 200);
    assertFalse(bad.path("wouldBook").asBoolean());
    assertTrue(bad.path("problems").toString().contains("grandTotal is 99.00 EUR"), bad.toString());
  }

  @Test
  void aBrokenMappingStopsStartUpNamingTheFileTheFieldAndTheReason() throws Exception {
    Path dir = Path.of("connector/target/test-data/" + UUID.randomUUID());
    Files.createDirectories(dir);
    Files.copy(Path.of("mappings/settings.yaml"), dir.resolve("settings.yaml"));
    String mapping = Files.readString(Path.of("mappings/exact-online.yaml"));
    Files.writeString(
        dir.resolve("exact-online.yaml"),
        mapping.replace("  Email: customerEmail\n", "  Emial: customerEmail\n"));
    settings.put("connector.mappings-dir", dir.toString());
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> ConnectorHarness.start(settings, clock).close());
    String message = SettingsException.find(e).getMessage();
    assertTrue(message.contains("exact-online.yaml"), message);
    assertTrue(message.contains("Emial"), message);
    assertTrue(message.contains("account"), message);
  }
}
