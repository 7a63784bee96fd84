package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.TestClock;

/** The generic OData store: query options, paging, validation on POST/PUT, sync views. */
class ExactODataTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:15:00Z"));
  private DemoSandbox sandbox;
  private SandboxClient client;
  private String token;

  @BeforeEach
  void start() {
    sandbox = DemoSandbox.start(0, clock);
    client = new SandboxClient(sandbox);
    token = client.accessToken();
    sandbox.exact().rateLimits(10_000, 100_000); // these tests are about OData, not limits
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private static String q(String s) {
    return SandboxClient.enc(s);
  }

  private SandboxClient.Reply get(String set, String select, String filter) {
    StringBuilder sb = new StringBuilder(set).append("?$select=").append(q(select));
    if (filter != null) {
      sb.append("&$filter=").append(q(filter));
    }
    return client.division(token, sb.toString());
  }

  private static String message(SandboxClient.Reply r) {
    return r.json().at("/error/message/value").asText();
  }

  private String id(String set, String property, String value) {
    for (ObjectNode e : sandbox.exact().entities(set)) {
      if (e.path(property).asText().trim().equals(value)) {
        return e.get(set.contains("SalesOrders") ? "OrderID" : "ID").asText();
      }
    }
    throw new AssertionError("no " + set + " with " + property + " " + value);
  }

  @Test
  void selectIsMandatoryOnLists() {
    SandboxClient.Reply r = client.division(token, "vat/VATCodes");
    assertEquals(400, r.status());
    assertEquals("Please add a $select or a $top=1 statement to the query string.", message(r));
    assertEquals(200, client.division(token, "vat/VATCodes?$top=1").status());
    SandboxClient.Reply unknown = get("vat/VATCodes", "Code,Nope", null);
    assertEquals(400, unknown.status());
    assertTrue(message(unknown).contains("'Nope'"), message(unknown));
  }

  @Test
  void onlySelectedPropertiesWithMetadata() {
    SandboxClient.Reply r = get("vat/VATCodes", "Code,Percentage,Type", "Code eq '3'");
    assertEquals(200, r.status());
    JsonNode vat = r.json().at("/d/results/0");
    assertEquals("Exact.Web.Api.Models.VATCode", vat.at("/__metadata/type").asText());
    assertTrue(vat.at("/__metadata/uri").asText().contains("/vat/VATCodes(guid'"));
    assertEquals(0.09, vat.get("Percentage").asDouble(), 1e-9);
    assertEquals("E", vat.get("Type").asText());
    assertEquals(4, vat.size(), vat.toString());
  }

  @Test
  void filterWithEscapedApostropheFindsOBrien() {
    SandboxClient.Reply r =
        get("crm/Accounts", "ID,Name,Email,Code", "Email eq 'o''brien@example.com'");
    assertEquals(200, r.status(), r.raw().body());
    JsonNode results = r.json().at("/d/results");
    assertEquals(1, results.size());
    assertEquals("Liam O'Brien", results.get(0).get("Name").asText());
    assertEquals(18, results.get(0).get("Code").asText().length());
  }

  @Test
  void filterFunctionsAndLiterals() {
    assertEquals(
        1, get("crm/Accounts", "ID", "trim(Code) eq 'WEBSHOP'").json().at("/d/results").size());
    assertEquals(
        1,
        get("crm/Accounts", "ID", "Code eq '           WEBSHOP'").json().at("/d/results").size());
    assertEquals(
        1,
        get("crm/Accounts", "Name", "substringof('boon', Name) eq true and IsSales eq true")
            .json()
            .at("/d/results")
            .size());
    assertEquals(
        2,
        get("crm/Accounts", "Name", "(Country eq 'DE' or Country eq 'BE') or Name eq 'Henk Jansen'")
            .json()
            .at("/d/results")
            .size());
    String boon = id("crm/Accounts", "Name", "Koffiehuis De Boon B.V.");
    assertEquals(
        1,
        get("crm/Contacts", "FullName", "Account eq guid'" + boon + "'")
            .json()
            .at("/d/results")
            .size());
    assertEquals(
        6,
        get("crm/Accounts", "ID", "Created ge datetime'2026-01-01T00:00:00'")
            .json()
            .at("/d/results")
            .size());
    assertEquals(
        0,
        get("crm/Accounts", "ID", "Created lt datetime'2026-01-01T00:00:00'")
            .json()
            .at("/d/results")
            .size());
    SandboxClient.Reply items =
        get("logistics/Items", "Code", "StandardSalesPrice gt 100 and IsStockItem eq true");
    assertEquals(2, items.json().at("/d/results").size(), items.raw().body());
    SandboxClient.Reply mismatch = get("crm/Accounts", "ID", "ID eq 'abc'");
    assertEquals(400, mismatch.status());
    assertTrue(message(mismatch).contains("incompatible"), message(mismatch));
    SandboxClient.Reply unknown = get("crm/Accounts", "ID", "Nope eq 1");
    assertEquals(400, unknown.status());
    assertTrue(message(unknown).contains("'Nope'"), message(unknown));
  }

  @Test
  void mandatoryFilteringOnSetsWithASyncApi() {
    SandboxClient.Reply r = client.division(token, "crm/Accounts?$select=ID,Name");
    assertEquals(400, r.status());
    assertTrue(message(r).startsWith("This endpoint has mandatory filtering applied."));
    assertEquals(200, client.division(token, "vat/VATCodes?$select=Code").status());
  }

  @Test
  void pagingOver130ItemsGivesThreePagesViaNext() {
    for (int i = 0; i < 130; i++) {
      ObjectNode item = SandboxClient.JSON.createObjectNode();
      item.put("Code", String.format("BULK-%03d", i));
      item.put("Description", "Bulk item " + i);
      item.put("IsSalesItem", true);
      sandbox.exact().put("logistics/Items", item);
    }
    SandboxClient.Reply page = get("logistics/Items", "ID,Code", "startswith(Code, 'BULK-')");
    Set<String> seen = new HashSet<>();
    int pages = 0;
    List<Integer> sizes = new java.util.ArrayList<>();
    while (true) {
      assertEquals(200, page.status(), page.raw().body());
      pages++;
      JsonNode results = page.json().at("/d/results");
      sizes.add(results.size());
      results.forEach(r -> assertTrue(seen.add(r.get("ID").asText()), "duplicate " + r));
      JsonNode next = page.json().at("/d/__next");
      if (next.isMissingNode()) {
        break;
      }
      assertTrue(
          next.asText().startsWith(sandbox.exactBaseUrl() + "/api/v1/123456/logistics/Items?"));
      assertTrue(next.asText().contains("$skiptoken=guid'"), next.asText());
      page = client.exactGetUrl(token, next.asText());
    }
    assertEquals(3, pages);
    assertEquals(List.of(60, 60, 10), sizes);
    assertEquals(130, seen.size());
  }

  @Test
  void topLimitsAndInlineCount() {
    SandboxClient.Reply r =
        client.division(
            token,
            "logistics/Items?$select=Code&$filter="
                + q("IsSalesItem eq true")
                + "&$top=5&$orderby=Code%20desc&$inlinecount=allpages");
    assertEquals(5, r.json().at("/d/results").size());
    assertEquals("18", r.json().at("/d/__count").asText());
    assertEquals("SHIPPING", r.json().at("/d/results/0/Code").asText());
    assertTrue(r.json().at("/d/__next").isMissingNode());
  }

  @Test
  void postUnknownPropertyIsRejectedNamingIt() {
    SandboxClient.Reply r =
        client.exactSend(
            token, "POST", "crm/Accounts", "{\"Name\":\"Nieuw B.V.\",\"CompanyName\":\"x\"}");
    assertEquals(400, r.status());
    assertTrue(message(r).contains("'CompanyName'"), message(r));
    assertTrue(message(r).contains("Exact.Web.Api.Models.Account"), message(r));
    String account = id("crm/Accounts", "Name", "Sanne de Vries");
    String item = id("logistics/Items", "Code", "KOF-ETH-250");
    SandboxClient.Reply line =
        client.exactSend(
            token,
            "POST",
            "salesorder/SalesOrders",
            "{\"OrderedBy\":\""
                + account
                + "\",\"SalesOrderLines\":[{\"Item\":\""
                + item
                + "\",\"Quantity\":1,\"VATPercentage\":0.09,\"Sku\":\"KOF-ETH-250\"}]}");
    assertEquals(400, line.status());
    assertTrue(message(line).contains("'Sku'"), message(line));
    assertTrue(message(line).contains("SalesOrderLine"), message(line));
    assertEquals(0, sandbox.exact().entities("salesorder/SalesOrders").size());
  }

  @Test
  void postSalesOrderReturns201WithOrderNumberAndStoresLines() {
    String account = id("crm/Accounts", "Name", "Sanne de Vries");
    String item = id("logistics/Items", "Code", "KOF-ETH-250");
    String shipping = id("logistics/Items", "Code", "SHIPPING");
    String body =
        "{\"OrderedBy\":\""
            + account
            + "\",\"OrderDate\":\"2026-11-30\",\"YourRef\":\"1041\","
            + "\"Description\":\"Squarespace #1041\",\"PaymentCondition\":\"ST\","
            + "\"SalesOrderLines\":[{\"Item\":\""
            + item
            + "\",\"Quantity\":2,\"NetPrice\":10.96,"
            + "\"VATCode\":\"3\"},{\"Item\":\""
            + shipping
            + "\",\"Quantity\":1,\"NetPrice\":4.09}]}";
    SandboxClient.Reply r = client.exactSend(token, "POST", "salesorder/SalesOrders", body);
    assertEquals(201, r.status(), r.raw().body());
    JsonNode d = r.json().get("d");
    assertEquals(1, d.get("OrderNumber").asInt());
    assertEquals("Exact.Web.Api.Models.SalesOrder", d.at("/__metadata/type").asText());
    String orderId = d.get("OrderID").asText();
    assertTrue(d.at("/SalesOrderLines/__deferred/uri").asText().endsWith("/SalesOrderLines"));
    assertTrue(r.header("Location").endsWith("SalesOrders(guid'" + orderId + "')"));
    assertEquals("Sanne de Vries", d.get("OrderedByName").asText());
    assertTrue(d.get("OrderDate").asText().matches("/Date\\(\\d+\\)/"));
    assertEquals(12, d.get("Status").asInt());
    SandboxClient.Reply deferred =
        client.exactGetUrl(token, d.at("/SalesOrderLines/__deferred/uri").asText());
    assertEquals(2, deferred.json().at("/d/results").size(), deferred.raw().body());
    SandboxClient.Reply headers =
        client.division(
            token,
            "sync/SalesOrder/SalesOrderHeaders?$select=Timestamp,ID,OrderNumber,YourRef&$filter="
                + q("Timestamp gt 1L"));
    assertEquals(orderId, headers.json().at("/d/results/0/ID").asText());
    assertEquals("1041", headers.json().at("/d/results/0/YourRef").asText());
    SandboxClient.Reply bulk =
        client.division(token, "bulk/SalesOrder/SalesOrders?$select=OrderID,YourRef");
    assertEquals(1, bulk.json().at("/d/results").size(), bulk.raw().body());
    SandboxClient.Reply second = client.exactSend(token, "POST", "salesorder/SalesOrders", body);
    assertEquals(2, second.json().at("/d/OrderNumber").asInt());

    SandboxClient.Reply byKey =
        client.division(
            token,
            "salesorder/SalesOrders(guid'"
                + orderId
                + "')?$select=OrderNumber,YourRef,"
                + "SalesOrderLines/ItemCode,SalesOrderLines/Quantity&$expand=SalesOrderLines");
    assertEquals(200, byKey.status(), byKey.raw().body());
    JsonNode lines = byKey.json().at("/d/SalesOrderLines/results");
    assertEquals(2, lines.size());
    assertEquals("KOF-ETH-250", lines.get(0).get("ItemCode").asText());
    assertEquals(2.0, lines.get(0).get("Quantity").asDouble());
    assertEquals(
        "Exact.Web.Api.Models.SalesOrderLine", lines.get(0).at("/__metadata/type").asText());

    SandboxClient.Reply lineSet =
        client.division(
            token,
            "salesorder/SalesOrderLines?$select=ItemCode,OrderNumber,LineNumber,AmountFC&$orderby=LineNumber&$filter="
                + q("OrderID eq guid'" + orderId + "'"));
    assertEquals(2, lineSet.json().at("/d/results").size());
    assertEquals(21.92, lineSet.json().at("/d/results/0/AmountFC").asDouble(), 1e-9);

    SandboxClient.Reply stock =
        get(
            "sync/Inventory/StockPositions",
            "ItemCode,CurrentStock,ReservedStock,FreeStock",
            "ItemCode eq 'KOF-ETH-250'");
    assertEquals(42.0, stock.json().at("/d/results/0/CurrentStock").asDouble());
    assertEquals(4.0, stock.json().at("/d/results/0/ReservedStock").asDouble());
    assertEquals(38.0, stock.json().at("/d/results/0/FreeStock").asDouble());
  }

  @Test
  void salesOrderRules() {
    String account = id("crm/Accounts", "Name", "Sanne de Vries");
    SandboxClient.Reply noOrderedBy =
        client.exactSend(token, "POST", "salesorder/SalesOrders", "{\"SalesOrderLines\":[]}");
    assertEquals(400, noOrderedBy.status());
    assertEquals("Mandatory: OrderedBy", message(noOrderedBy));
    SandboxClient.Reply noLines =
        client.exactSend(
            token, "POST", "salesorder/SalesOrders", "{\"OrderedBy\":\"" + account + "\"}");
    assertEquals(400, noLines.status());
    SandboxClient.Reply unknownItem =
        client.exactSend(
            token,
            "POST",
            "salesorder/SalesOrders",
            "{\"OrderedBy\":\""
                + account
                + "\",\"SalesOrderLines\":[{\"Item\":\""
                + java.util.UUID.randomUUID()
                + "\"}]}");
    assertEquals(400, unknownItem.status());
    assertTrue(message(unknownItem).startsWith("Invalid reference: Item"), message(unknownItem));
    SandboxClient.Reply unknownAccount =
        client.exactSend(
            token,
            "POST",
            "salesorder/SalesOrders",
            "{\"OrderedBy\":\""
                + java.util.UUID.randomUUID()
                + "\",\"SalesOrderLines\":[{\"Item\":\""
                + id("logistics/Items", "Code", "MOK-WIT")
                + "\"}]}");
    assertEquals(400, unknownAccount.status());
    assertTrue(message(unknownAccount).startsWith("Invalid reference: OrderedBy"));
    SandboxClient.Reply badGuid =
        client.exactSend(token, "POST", "salesorder/SalesOrders", "{\"OrderedBy\":\"not-a-guid\"}");
    assertEquals(400, badGuid.status());
    assertTrue(message(badGuid).contains("'OrderedBy'"));
  }

  @Test
  void salesInvoiceAndSalesEntryRules() {
    String account = id("crm/Accounts", "Name", "Henk Jansen");
    String item = id("logistics/Items", "Code", "MOL-ELEK");
    String warehouse = sandbox.exact().entities("inventory/Warehouses").get(0).get("ID").asText();
    String lines = ",\"SalesInvoiceLines\":[{\"Item\":\"" + item + "\",\"Quantity\":1}]}";
    SandboxClient.Reply noJournal =
        client.exactSend(
            token,
            "POST",
            "salesinvoice/SalesInvoices",
            "{\"OrderedBy\":\"" + account + "\"" + lines);
    assertEquals(400, noJournal.status());
    assertEquals("Mandatory: Journal", message(noJournal));
    SandboxClient.Reply direct =
        client.exactSend(
            token,
            "POST",
            "salesinvoice/SalesInvoices",
            "{\"Journal\":\"70\",\"Type\":8023,\"OrderedBy\":\"" + account + "\"" + lines);
    assertEquals(400, direct.status());
    assertTrue(message(direct).startsWith("Mandatory: Warehouse"), message(direct));
    SandboxClient.Reply ok =
        client.exactSend(
            token,
            "POST",
            "salesinvoice/SalesInvoices",
            "{\"Journal\":\"70\",\"Type\":8023,\"Warehouse\":\""
                + warehouse
                + "\",\"OrderedBy\":\""
                + account
                + "\""
                + lines);
    assertEquals(201, ok.status(), ok.raw().body());
    assertEquals(26700001, ok.json().at("/d/InvoiceNumber").asInt());
    assertEquals(
        3.0,
        get("sync/Inventory/StockPositions", "CurrentStock", "ItemCode eq 'MOL-ELEK'")
            .json()
            .at("/d/results/0/CurrentStock")
            .asDouble());

    SandboxClient.Reply entryWithoutGl =
        client.exactSend(
            token,
            "POST",
            "salesentry/SalesEntries",
            "{\"Journal\":\"70\",\"Customer\":\""
                + account
                + "\",\"SalesEntryLines\":[{\"AmountFC\":10}]}");
    assertEquals(400, entryWithoutGl.status());
    assertEquals("Mandatory: GLAccount", message(entryWithoutGl));
    String gl = id("financial/GLAccounts", "Code", "8010");
    SandboxClient.Reply entry =
        client.exactSend(
            token,
            "POST",
            "salesentry/SalesEntries",
            "{\"Journal\":\"70\",\"Customer\":\""
                + account
                + "\",\"YourRef\":\"1054\",\"SalesEntryLines\":[{\"GLAccount\":\""
                + gl
                + "\",\"AmountFC\":100.00}]}");
    assertEquals(201, entry.status(), entry.raw().body());
    assertEquals(26700002, entry.json().at("/d/EntryNumber").asInt());
    assertEquals(109.0, entry.json().at("/d/AmountFC").asDouble(), 1e-9);
  }

  @Test
  void accountsGetPaddedCodesAndNeedAName() {
    SandboxClient.Reply noName =
        client.exactSend(token, "POST", "crm/Accounts", "{\"Email\":\"x@example.nl\"}");
    assertEquals(400, noName.status());
    assertEquals("Mandatory: Name", message(noName));
    SandboxClient.Reply created =
        client.exactSend(
            token,
            "POST",
            "crm/Accounts",
            "{\"Name\":\"Fatima El Amrani\",\"Status\":\"C\",\"IsSales\":true}");
    assertEquals(201, created.status());
    assertEquals("              1006", created.json().at("/d/Code").asText());
    SandboxClient.Reply ownCode =
        client.exactSend(
            token,
            "POST",
            "crm/Accounts",
            "{\"Name\":\"Café Sonnenschein GmbH\",\"Code\":\"DE-042\"}");
    assertEquals("            DE-042", ownCode.json().at("/d/Code").asText());
    SandboxClient.Reply duplicate =
        client.exactSend(token, "POST", "crm/Accounts", "{\"Name\":\"Nog een\",\"Code\":\"1006\"}");
    assertEquals(400, duplicate.status());
  }

  @Test
  void putDeleteAndSyncTimestamps() {
    String henk = id("crm/Accounts", "Name", "Henk Jansen");
    long before = sandbox.exact().lastTimestamp();
    SandboxClient.Reply put =
        client.exactSend(
            token,
            "PUT",
            "crm/Accounts(guid'" + henk + "')",
            "{\"AddressLine1\":\"Biltstraat 101\",\"Postcode\":\"3572 AS\",\"City\":\"Utrecht\"}");
    assertEquals(204, put.status());
    assertEquals("", put.raw().body());
    SandboxClient.Reply changed =
        client.division(
            token,
            "sync/CRM/Accounts?$select=Timestamp,ID,City&$filter="
                + q("Timestamp gt " + before + "L"));
    assertEquals(200, changed.status(), changed.raw().body());
    JsonNode results = changed.json().at("/d/results");
    assertEquals(1, results.size());
    assertEquals("Utrecht", results.get(0).get("City").asText());
    assertTrue(results.get(0).get("Timestamp").isTextual(), "Int64 is a JSON string in OData v2");
    assertTrue(Long.parseLong(results.get(0).get("Timestamp").asText()) > before);

    SandboxClient.Reply putUnknown =
        client.exactSend(token, "PUT", "crm/Accounts(guid'" + henk + "')", "{\"Street\":\"x\"}");
    assertEquals(400, putUnknown.status());

    String contact = sandbox.exact().entities("crm/Contacts").get(0).get("ID").asText();
    assertEquals(
        204,
        client.exactSend(token, "DELETE", "crm/Contacts(guid'" + contact + "')", null).status());
    assertEquals(404, client.division(token, "crm/Contacts(guid'" + contact + "')").status());
    SandboxClient.Reply deleted =
        client.division(
            token,
            "sync/Deleted?$select=Timestamp,EntityKey,EntityType&$filter="
                + q("Timestamp gt " + before + "L"));
    assertEquals(contact, deleted.json().at("/d/results/0/EntityKey").asText());
    assertEquals(5, deleted.json().at("/d/results/0/EntityType").asInt());

    SandboxClient.Reply noSelect =
        client.division(token, "sync/CRM/Accounts?$filter=" + q("Timestamp gt 1L"));
    assertEquals(400, noSelect.status());
  }

  @Test
  void getByKeyReturnsAllProperties() {
    String item = id("logistics/Items", "Code", "KOF-HUIS-1000");
    SandboxClient.Reply r = client.division(token, "logistics/Items(guid'" + item + "')");
    assertEquals(200, r.status());
    JsonNode d = r.json().get("d");
    assertEquals("KOF-HUIS-1000", d.get("Code").asText());
    assertTrue(d.has("Barcode") && d.get("Barcode").isNull());
    assertTrue(d.get("Created").asText().startsWith("/Date("));
    assertEquals(
        404,
        client
            .division(token, "logistics/Items(guid'" + java.util.UUID.randomUUID() + "')")
            .status());
    assertEquals(404, client.division(token, "logistics/Nope?$select=ID").status());
  }

  @Test
  void acceptHeaderIsRequired() {
    SandboxClient.Reply r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(sandbox.exactBaseUrl() + "/api/v1/123456/vat/VATCodes?$select=Code"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build());
    assertEquals(406, r.status());
  }

  @Test
  void droppedResponseStillCommitsThePost() {
    sandbox.exact().dropResponseOfNextPost("crm/Accounts");
    assertThrows(
        UncheckedIOException.class,
        () -> client.exactSend(token, "POST", "crm/Accounts", "{\"Name\":\"Verloren Antwoord\"}"));
    assertEquals(
        1,
        sandbox.exact().entities("crm/Accounts").stream()
            .filter(a -> a.path("Name").asText().equals("Verloren Antwoord"))
            .count());
    ExactDivision.LoggedRequest last =
        sandbox.exact().requestLog().get(sandbox.exact().requestLog().size() - 1);
    assertEquals("POST", last.method());
    assertEquals(0, last.status());
    SandboxClient.Reply next =
        client.exactSend(token, "POST", "crm/Accounts", "{\"Name\":\"Wel Antwoord\"}");
    assertEquals(201, next.status());
  }

  @Test
  void putControlAssignsKeysAndRejectsUnknownProperties() {
    ObjectNode item = SandboxClient.JSON.createObjectNode();
    item.put("Code", "POSTER-A2");
    item.put("Description", "Poster A2 De Branderij");
    item.put("IsSalesItem", true);
    ObjectNode stored = sandbox.exact().put("logistics/Items", item);
    assertNotNull(stored.get("ID"));
    assertTrue(stored.get("Timestamp").asLong() > ExactDivision.FIRST_TIMESTAMP);
    ObjectNode bad = SandboxClient.JSON.createObjectNode();
    bad.put("Sku", "x");
    assertThrows(IllegalArgumentException.class, () -> sandbox.exact().put("logistics/Items", bad));
    assertFalse(sandbox.exact().entities("logistics/Items").isEmpty());
    assertNull(
        sandbox
            .exact()
            .find("logistics/Items", java.util.UUID.randomUUID().toString())
            .orElse(null));
  }
}
