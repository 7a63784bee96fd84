package org.sqexact.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, checking and evaluating mapping files. */
class DataMapperTest {

  private static final ObjectMapper JSON = DataMapper.jsonMapper();

  @TempDir Path dir;

  private Path file(String yaml) throws IOException {
    Path file = dir.resolve("mapping.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private DataMapper load(String yaml) throws IOException {
    return DataMapper.load(file(yaml), Settings.none());
  }

  private MappingException loadFails(String yaml) throws IOException {
    Path file = file(yaml);
    MappingException e =
        assertThrows(MappingException.class, () -> DataMapper.load(file, Settings.none()));
    assertEquals(file.toString(), e.file());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(e.reason()), e.getMessage());
    return e;
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static final String ORDER =
      """
      {"orderNumber": "1042", "createdOn": "2026-11-29T23:30:12.401Z",
       "customerEmail": "jan@example.nl",
       "billingAddress": {"firstName": "Jan", "lastName": "de Vries", "address1": "Keizersgracht 123-A",
                          "address2": null, "city": "Amsterdam", "countryCode": "NL",
                          "postalCode": "1015cj", "phone": ""},
       "formSubmission": [{"label": "Company", "value": "Koffiehuis De Boon B.V."}]}
      """;

  // ---------------------------------------------------------------------------------------------
  // Broken files: file, line, target, field and reason are named
  // ---------------------------------------------------------------------------------------------

  @Test
  void aJsonataSyntaxErrorIsReportedWithItsPosition() throws IOException {
    MappingException e =
        loadFails(
            """
            # a comment
            account:
              Email: customerEmail
              Name: $company ? $company ; 'x'
            """);
    assertEquals("account", e.target());
    assertEquals("Name", e.field());
    assertEquals(
        "JSONata syntax error S0201 at line 1, column 21 of the expression: Syntax error: \";\"",
        e.reason());
    assertEquals(
        e.file()
            + ":4:29: target 'account', field 'Name': "
            + e.reason()
            + "\n      Name: $company ? $company ; 'x'"
            + "\n                                ^",
        e.getMessage());
  }

  @Test
  void aSyntaxErrorInABlockPointsAtItsLineInTheFile() throws IOException {
    MappingException e =
        loadFails(
            """
            account:
              Name: |
                $coalesce(
                  $company,
                  $fullName(billingAddress.firstName billingAddress.lastName)
                )
            """);
    assertEquals("Name", e.field());
    assertTrue(e.reason().startsWith("JSONata syntax error S0202 at line 3, column 51"));
    assertTrue(
        e.getMessage().startsWith(e.file() + ":5:55: target 'account', field 'Name': "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("billingAddress.lastName)\n" + " ".repeat(58) + "^"));
  }

  @Test
  void anIncompleteExpressionIsASyntaxErrorNotACrash() throws IOException {
    MappingException e = loadFails("account:\n  Name: |\n    /* unclosed\n");
    assertTrue(e.reason().startsWith("JSONata syntax error"), e.reason());
    e = loadFails("account:\n  Name: |\n    'abc' &\n");
    assertTrue(e.reason().startsWith("JSONata syntax error"), e.reason());
  }

  @Test
  void anUnknownFunctionIsReportedAtLoadTime() throws IOException {
    MappingException e =
        loadFails(
            "account:\n  Name: $fulName(billingAddress.firstName, billingAddress.lastName)\n");
    assertEquals("Name", e.field());
    assertEquals(
        "unknown function $fulName() at line 1, column 1 of the expression"
            + " (did you mean '$fullName'?)",
        e.reason());
    assertTrue(e.getMessage().startsWith(e.file() + ":2:9: target 'account', field 'Name': "));

    e = loadFails("salesOrder:\n  OrderDate: $exactdate(createdOn)\n");
    assertEquals(
        "unknown function $exactdate() at line 1, column 1 of the expression"
            + " (did you mean '$exactDate'?)",
        e.reason());
  }

  @Test
  void anUnknownVariableIsReportedAtLoadTime() throws IOException {
    MappingException e = loadFails("account:\n  Name: $coalesce($compnay, customerEmail)\n");
    assertEquals(
        "unknown variable $compnay at line 1, column 11 of the expression"
            + " (did you mean '$company'?); the variables are"
            + " $accountId, $company, $contactId, $doc, $settings, $vatNumber",
        e.reason());
    // $line exists only inside a line collection
    e = loadFails("salesOrder:\n  Description: $line.productName\n");
    assertTrue(e.reason().startsWith("unknown variable $line at"), e.reason());
  }

  @Test
  void namesTheExpressionBindsItselfAreKnown() throws IOException {
    DataMapper mapper =
        load(
            """
            account:
              Name: |
                (
                  $shout := function($s) { $uppercase($s) };
                  $n := $fullName(billingAddress.firstName, billingAddress.lastName);
                  $shout($n) & ' ' & $join(formSubmission#$i.($string($i) & label), ',')
                )
              Email: customerEmail ~> $lowercase
              City: $replace(billingAddress.city, /m$/, 'M')
            """);
    ObjectNode account = mapper.map("account", json(ORDER), Map.of());
    assertEquals("JAN DE VRIES 0Company", account.get("Name").asText());
    assertEquals("jan@example.nl", account.get("Email").asText());
    assertEquals("AmsterdaM", account.get("City").asText());
  }

  @Test
  void aFieldThatExactDoesNotHaveIsRefused() throws IOException {
    MappingException e = loadFails("account:\n  Nmae: customerEmail\n");
    assertEquals("Nmae", e.field());
    assertEquals(
        "field 'Nmae' does not exist on Exact crm Account (did you mean 'Name'?);"
            + " Exact rejects unknown fields",
        e.reason());
    assertTrue(e.getMessage().startsWith(e.file() + ":2:9: target 'account', field 'Nmae': "));

    // the names differ between entity types; the EDMX decides
    e = loadFails("salesInvoice:\n  DeliveryAddress: $doc.deliveryAddressId\n");
    assertTrue(e.reason().contains("(did you mean 'DeliverToAddress'?)"), e.reason());
    e = loadFails("salesInvoice:\n  WarehouseID: $doc.warehouseId\n");
    assertTrue(e.reason().contains("salesinvoice SalesInvoice"), e.reason());
    e = loadFails("salesOrder:\n  Warehouse: $doc.warehouseId\n");
    assertTrue(e.reason().contains("(did you mean 'WarehouseID'?)"), e.reason());
    e = loadFails("account:\n  VatNumber: $vatNumber\n");
    assertTrue(e.reason().contains("(did you mean 'VATNumber'?)"), e.reason());
  }

  @Test
  void aLineFieldThatExactDoesNotHaveIsRefused() throws IOException {
    MappingException e =
        loadFails(
            """
            salesOrder:
              SalesOrderLines:
                each: $doc.lines
                fields:
                  Item: $line.itemId
                  SalesVatCode: $line.vatCode
            """);
    assertEquals("salesOrder", e.target());
    assertEquals("SalesOrderLines.SalesVatCode", e.field());
    assertEquals(
        "field 'SalesVatCode' does not exist on Exact salesorder SalesOrderLine;"
            + " Exact rejects unknown fields",
        e.reason());
    assertTrue(e.getMessage().startsWith(e.file() + ":6:21: "), e.getMessage());
  }

  @Test
  void lineCollectionsMustBeNavigationProperties() throws IOException {
    MappingException e =
        loadFails("salesOrder:\n  Lines:\n    each: $doc.lines\n    fields:\n      Item: x\n");
    assertEquals(
        "'Lines' is not a line collection (navigation property) of Exact salesorder SalesOrder;"
            + " line collections are: SalesOrderOrderChargeLines, SalesOrderLines",
        e.reason());
    e = loadFails("salesOrder:\n  Description:\n    each: $doc.lines\n");
    assertTrue(e.reason().startsWith("'Description' is a single field"), e.reason());
    e = loadFails("salesOrder:\n  SalesOrderLines: $doc.lines\n");
    assertTrue(e.reason().startsWith("'SalesOrderLines' is a line collection"), e.reason());
    e = loadFails("salesOrder:\n  SalesOrderLines:\n    each: $doc.lines\n    feilds: {}\n");
    assertTrue(e.reason().startsWith("unknown key 'feilds'"), e.reason());
    assertTrue(e.reason().contains("(did you mean 'fields'?)"), e.reason());
    e = loadFails("salesOrder:\n  SalesOrderLines:\n    fields:\n      Item: $line.itemId\n");
    assertTrue(e.reason().startsWith("'each' must be an expression"), e.reason());
    e =
        loadFails(
            "salesEntry:\n  SalesEntryLines:\n    each: $doc.lines\n    fields:\n"
                + "      SalesEntryLines:\n        each: x\n        fields: {}\n");
    assertEquals("SalesEntryLines.SalesEntryLines", e.field());
  }

  @Test
  void unknownTargetsAreRefused() throws IOException {
    MappingException e = loadFails("acount:\n  Name: customerEmail\n");
    assertEquals("acount", e.target());
    assertEquals(
        "unknown target 'acount' (did you mean 'account'?); targets are account, contact,"
            + " deliveryAddress, salesOrder, salesInvoice, salesEntry",
        e.reason());
    assertTrue(e.getMessage().startsWith(e.file() + ":1:1: target 'acount': "));
  }

  @Test
  void quotedTextThatLooksLikeAnExpressionIsRefused() throws IOException {
    MappingException e = loadFails("account:\n  Name: \"$company\"\n");
    assertTrue(e.reason().contains("looks like an expression"), e.reason());
    e = loadFails("salesOrder:\n  Description: \"'Order ' & orderNumber\"\n");
    assertTrue(e.reason().contains("looks like an expression"), e.reason());
  }

  @Test
  void constantsMustFitTheirField() throws IOException {
    MappingException e = loadFails("account:\n  IsSales: 4\n");
    assertEquals("the value yields the number 4, but Edm.Boolean needs true or false", e.reason());
    e = loadFails("deliveryAddress:\n  Type: \"four\"\n");
    assertEquals("the value yields the text 'four', but Edm.Int16 needs a number", e.reason());
    e = loadFails("salesOrder:\n  OrderedBy: \"ACME\"\n");
    assertTrue(e.reason().endsWith("needs an Exact id (GUID)"), e.reason());
  }

  @Test
  void yamlAndStructureErrors() throws IOException {
    MappingException e = loadFails("account:\n  Name: x\n  - y\n");
    assertTrue(e.reason().startsWith("YAML syntax error"), e.reason());
    assertTrue(e.getMessage().startsWith(e.file() + ":3:3: "), e.getMessage());
    e = loadFails("# only comments\n");
    assertEquals("the file is empty: it must define at least one target", e.reason());
    e = loadFails("- account\n");
    assertTrue(e.reason().startsWith("the file must be a map of targets"), e.reason());
    e = loadFails("account: customerEmail\n");
    assertTrue(e.reason().startsWith("a target must be a map of Exact fields"), e.reason());
    e = loadFails("account:\n  Name: x\n  Name: y\n");
    assertEquals("field 'Name' is mapped twice", e.reason());
    e = loadFails("account:\n  Name: x\naccount:\n  Email: y\n");
    assertEquals("target 'account' is defined twice", e.reason());
    e = loadFails("account:\n  Name: [a, b]\n");
    assertTrue(e.reason().startsWith("a field takes one expression"), e.reason());
    e = loadFails("account:\n  Name: |\n\n");
    assertTrue(e.reason().startsWith("the expression is empty"), e.reason());
    Path missing = dir.resolve("missing.yaml");
    e = assertThrows(MappingException.class, () -> DataMapper.load(missing, Settings.none()));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read the file"), e.getMessage());
  }

  @Test
  void theDefaultMappingDefinesEveryTarget() {
    DataMapper mapper = DataMapper.load(DataMapperGoldenTest.MAPPING, Settings.none());
    assertEquals(DataMapper.knownTargets(), mapper.targets());
    assertEquals(
        List.of(
            "account", "contact", "deliveryAddress", "salesOrder", "salesInvoice", "salesEntry"),
        List.copyOf(mapper.targets()));
    assertEquals("salesorder/SalesOrders", DataMapper.endpoint("salesOrder"));
    assertEquals("crm/Addresses", DataMapper.endpoint("deliveryAddress"));
    assertThrows(IllegalArgumentException.class, () -> DataMapper.endpoint("invoice"));
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation
  // ---------------------------------------------------------------------------------------------

  @Test
  void fieldsThatYieldNothingAreLeftOut() throws IOException {
    DataMapper mapper =
        load(
            """
            account:
              Name: billingAddress.firstName
              AddressLine2: billingAddress.address2
              AddressLine3: billingAddress.nonexistent
              Phone: billingAddress.phone
              Website: "  "
              Remarks:
              State: formSubmission[label = 'Nothing'].value
              Blocked: false
              CreditLineSales: 0
            """);
    ObjectNode account = mapper.map("account", json(ORDER), Map.of());
    assertEquals("{\"Name\":\"Jan\",\"Blocked\":false,\"CreditLineSales\":0}", account.toString());
  }

  @Test
  void numbersStayExactDecimals() throws IOException {
    DataMapper mapper =
        load(
            """
            salesEntry:
              SalesEntryLines:
                each: $doc.lines
                fields:
                  AmountFC: $line.amount
                  Quantity: $line.quantity
            """);
    Map<String, Object> doc =
        Map.of(
            "lines",
            List.of(
                Map.of("amount", new BigDecimal("12.10"), "quantity", 2),
                Map.of("amount", "0.10", "quantity", new BigDecimal("1.500")),
                Map.of("amount", 7.5, "quantity", -1L)));
    ObjectNode entry = mapper.map("salesEntry", json("{}"), Map.of("doc", doc));
    assertEquals(
        "{\"SalesEntryLines\":[{\"AmountFC\":12.10,\"Quantity\":2},"
            + "{\"AmountFC\":0.10,\"Quantity\":1.500},{\"AmountFC\":7.5,\"Quantity\":-1}]}",
        JSON.writeValueAsString(entry));
    // the same from JSON read by the data mapper's JSON mapper
    JsonNode jsonDoc = json("{\"lines\": [{\"amount\": 12.10, \"quantity\": 2}]}");
    entry = mapper.map("salesEntry", json("{}"), Map.of("doc", jsonDoc));
    assertEquals(
        "{\"SalesEntryLines\":[{\"AmountFC\":12.10,\"Quantity\":2}]}",
        JSON.writeValueAsString(entry));
    assertEquals(
        new BigDecimal("12.10"),
        entry.get("SalesEntryLines").get(0).get("AmountFC").decimalValue());
  }

  @Test
  void arithmeticInAnExpressionGivesItsShortestDecimal() throws IOException {
    DataMapper mapper =
        load(
            "salesEntry:\n  SalesEntryLines:\n    each: $doc.lines\n    fields:\n"
                + "      AmountFC: $line.a * 2\n      Quantity: $line.a + 0.9\n");
    ObjectNode entry =
        mapper.map(
            "salesEntry",
            json("{}"),
            Map.of("doc", Map.of("lines", List.of(Map.of("a", new BigDecimal("6.05"))))));
    assertEquals(
        "{\"SalesEntryLines\":[{\"AmountFC\":12.1,\"Quantity\":6.95}]}",
        JSON.writeValueAsString(entry));
  }

  @Test
  void textIsTrimmedAndCutToExactsLength() throws IOException {
    DataMapper mapper =
        load(
            """
            account:
              Name: $doc.name
              City: "  Amsterdam  "
              Email: $doc.name
            salesOrder:
              YourRef: $doc.ref
              SalesOrderLines:
                each: $doc.lines
                fields:
                  Description: $line
            """);
    String longName = "Koffiebranderij en Theehandel De Gouden Boon Amsterdam-Noord B.V.";
    ObjectNode account =
        mapper.map("account", json("{}"), Map.of("doc", Map.of("name", " " + longName + " ")));
    assertEquals(longName.substring(0, 50).stripTrailing(), account.get("Name").asText());
    assertEquals(longName, account.get("Email").asText(), "e-mail addresses are never cut");
    assertEquals("Amsterdam", account.get("City").asText());
    ObjectNode order =
        mapper.map(
            "salesOrder",
            json("{}"),
            Map.of(
                "doc",
                Map.of("ref", "SQ-1042-" + "9".repeat(40), "lines", List.of("x".repeat(70)))));
    assertEquals(30, order.get("YourRef").asText().length());
    assertEquals(60, order.get("SalesOrderLines").get(0).get("Description").asText().length());
  }

  @Test
  void valuesMustFitTheFieldType() throws IOException {
    DataMapper mapper =
        load(
            """
            salesOrder:
              OrderedBy: $doc.account
              OrderDate: $doc.date
              Description: $doc.description
              SalesOrderLines:
                each: $doc.lines
                fields:
                  Quantity: $line.q
            """);
    Map<String, Object> good = new HashMap<>();
    good.put("account", "A58C29D9-EF92-40F1-B817-31B36990898C");
    good.put("date", "2026-11-30");
    good.put("description", 1042);
    good.put("lines", List.of(Map.of("q", "3")));
    ObjectNode order = mapper.map("salesOrder", json(ORDER), Map.of("doc", good));
    assertEquals(
        "{\"OrderedBy\":\"A58C29D9-EF92-40F1-B817-31B36990898C\",\"OrderDate\":\"2026-11-30\","
            + "\"Description\":\"1042\",\"SalesOrderLines\":[{\"Quantity\":3}]}",
        JSON.writeValueAsString(order));

    Map<String, Object> bad = new HashMap<>(good);
    bad.put("account", "ACME");
    MappingException e =
        assertThrows(
            MappingException.class,
            () -> mapper.map("salesOrder", json(ORDER), Map.of("doc", bad)));
    assertEquals("OrderedBy", e.field());
    assertEquals("1042", e.orderNumber());
    assertEquals(
        "the expression yields the text 'ACME', but this field needs an Exact id (GUID)",
        e.reason());

    Map<String, Object> badDate = new HashMap<>(good);
    badDate.put("date", "tomorrow");
    e =
        assertThrows(
            MappingException.class,
            () -> mapper.map("salesOrder", json(ORDER), Map.of("doc", badDate)));
    assertEquals("OrderDate", e.field());
    assertEquals("the expression cannot read 'tomorrow' as a date", e.reason());

    Map<String, Object> badQuantity = new HashMap<>(good);
    badQuantity.put("lines", List.of(Map.of("q", 1), Map.of("q", "two")));
    e =
        assertThrows(
            MappingException.class,
            () -> mapper.map("salesOrder", json(ORDER), Map.of("doc", badQuantity)));
    assertEquals("SalesOrderLines[2].Quantity", e.field());
    assertEquals(
        e.file()
            + ": target 'salesOrder', field 'SalesOrderLines[2].Quantity', order #1042:"
            + " the expression yields the text 'two', but Edm.Double needs a number",
        e.getMessage());

    Map<String, Object> objectDescription = new HashMap<>(good);
    objectDescription.put("description", Map.of("a", 1));
    e =
        assertThrows(
            MappingException.class,
            () -> mapper.map("salesOrder", json(ORDER), Map.of("doc", objectDescription)));
    assertTrue(e.reason().startsWith("the expression yields an object"), e.reason());
  }

  @Test
  void aRuntimeErrorNamesTargetFieldAndOrder() throws IOException {
    DataMapper mapper =
        load(
            """
            salesOrder:
              OrderDate: $exactDate(customerEmail)
              Description: $truncate(customerEmail)
              Remarks: $number(customerEmail)
            """);
    MappingException e =
        assertThrows(MappingException.class, () -> mapper.map("salesOrder", json(ORDER), null));
    assertEquals("salesOrder", e.target());
    assertEquals("OrderDate", e.field());
    assertEquals("1042", e.orderNumber());
    assertEquals(
        e.file()
            + ": target 'salesOrder', field 'OrderDate', order #1042:"
            + " $exactDate: cannot read 'jan@example.nl' as a date",
        e.getMessage());

    DataMapper arguments = load("salesOrder:\n  Description: $truncate(customerEmail)\n");
    e = assertThrows(MappingException.class, () -> arguments.map("salesOrder", json(ORDER), null));
    assertEquals("$truncate: expects 2 arguments, got 1", e.reason());

    DataMapper jsonataError = load("salesOrder:\n  Remarks: customerEmail + 1\n");
    e =
        assertThrows(
            MappingException.class, () -> jsonataError.map("salesOrder", json(ORDER), null));
    assertEquals(
        "JSONata error T2001: The left side of the \"+\" operator must evaluate to a number",
        e.reason());

    // no orderNumber: said so
    e = assertThrows(MappingException.class, () -> mapper.map("salesOrder", json("{}"), null));
    assertEquals(null, e.orderNumber());
    assertTrue(e.getMessage().contains("order without orderNumber"), e.getMessage());
  }

  @Test
  void aRunawayExpressionIsStopped() throws IOException {
    DataMapper mapper =
        load(
            """
            salesOrder:
              Description: |
                ($f := function($n) { $f($n + 1) }; $f(0))
            """);
    MappingException e =
        assertThrows(MappingException.class, () -> mapper.map("salesOrder", json(ORDER), null));
    assertEquals("Description", e.field());
    assertTrue(
        e.reason().startsWith("JSONata error at line 1, column")
            && e.reason().contains("Expression evaluation timeout"),
        e.reason());
  }

  @Test
  void unknownAndUndefinedTargetsFailAtMapTime() throws IOException {
    DataMapper mapper = load("account:\n  Name: customerEmail\n");
    assertEquals(Set.of("account"), mapper.targets());
    MappingException e =
        assertThrows(MappingException.class, () -> mapper.map("salesOrder", json(ORDER), null));
    assertEquals("target 'salesOrder' is not defined in this mapping file", e.reason());
    e = assertThrows(MappingException.class, () -> mapper.map("acount", json(ORDER), null));
    assertEquals("unknown target 'acount' (did you mean 'account'?)", e.reason());
  }

  @Test
  void constantsAndLineNumbers() throws IOException {
    DataMapper mapper =
        load(
            """
            deliveryAddress:
              Type: 4
              Main: true
              Notes: 'Fixed text: with a colon'
            salesInvoice:
              Type: 8020
              SalesInvoiceLines:
                each: $doc.lines[kind != 'discount']
                fields:
                  LineNumber: $lineNumber
                  Description: |
                    $lineNumber & '. ' & $line.productName
            """);
    assertEquals(
        "{\"Type\":4,\"Main\":true,\"Notes\":\"Fixed text: with a colon\"}",
        mapper.map("deliveryAddress", json("{}"), null).toString());
    List<Map<String, Object>> lines = new ArrayList<>();
    lines.add(Map.of("kind", "product", "productName", "Espresso"));
    lines.add(Map.of("kind", "discount", "productName", "WELKOM5"));
    lines.add(Map.of("kind", "shipping", "productName", "PostNL"));
    assertEquals(
        "{\"Type\":8020,\"SalesInvoiceLines\":[{\"LineNumber\":1,\"Description\":\"1. Espresso\"},"
            + "{\"LineNumber\":2,\"Description\":\"2. PostNL\"}]}",
        mapper.map("salesInvoice", json("{}"), Map.of("doc", Map.of("lines", lines))).toString());
    // a single line (JSONata yields an object, not a list) and no lines at all
    assertEquals(
        "{\"Type\":8020,\"SalesInvoiceLines\":[{\"LineNumber\":1,\"Description\":\"1. Espresso\"}]}",
        mapper
            .map("salesInvoice", json("{}"), Map.of("doc", Map.of("lines", lines.subList(0, 1))))
            .toString());
    assertEquals(
        "{\"Type\":8020}",
        mapper
            .map("salesInvoice", json("{}"), Map.of("doc", Map.of("lines", List.of())))
            .toString());
  }

  @Test
  void helperFunctionsInExpressions() throws IOException {
    Settings settings =
        Settings.of(
            Map.of(
                "paymentConditions", Map.of("STRIPE/VISA", "IC"),
                "shippingMethods", Map.of("Flat Rate", "2f3e4d5c-6b7a-4899-a0b1-c2d3e4f5a6b7")));
    Path file =
        file(
            """
            contact:
              AddressStreet: $street(billingAddress.address1, billingAddress.countryCode)
              AddressStreetNumber: $houseNumber(billingAddress.address1, billingAddress.countryCode)
              AddressStreetNumberSuffix: |
                $splitAddress(billingAddress.address1, billingAddress.countryCode).addition
              FullName: $fullName(billingAddress.firstName, billingAddress.lastName)
              Country: $country('Nederland')
              Postcode: $postcode(billingAddress.postalCode, 'NL')
              BirthName: $formValue(formSubmission, ['Bedrijfsnaam', 'company'])
              Notes: $formatDate(createdOn, 'd MMMM yyyy HH:mm', 'Europe/Amsterdam', 'nl')
              Title: $lookup('paymentConditions', 'stripe/visa')
              Initials: $lookup('paymentConditions', 'IDEAL', 'B')
              JobTitleDescription: $lookup(billingAddress, 'city')
              Mobile: $coalesce(billingAddress.phone, '+31 6 0000 0000')
              BirthDate: $exactDate(createdOn)
              Code: $truncate(customerEmail, 3)
            """);
    ObjectNode contact =
        DataMapper.load(file, settings).map("contact", json(ORDER), Map.of("company", "X"));
    assertEquals(
        "{\"AddressStreet\":\"Keizersgracht\",\"AddressStreetNumber\":\"123\","
            + "\"AddressStreetNumberSuffix\":\"A\",\"FullName\":\"Jan de Vries\","
            + "\"Country\":\"NL\",\"Postcode\":\"1015 CJ\","
            + "\"BirthName\":\"Koffiehuis De Boon B.V.\","
            + "\"Notes\":\"30 november 2026 00:30\",\"Title\":\"IC\",\"Initials\":\"B\","
            + "\"JobTitleDescription\":\"Amsterdam\",\"Mobile\":\"+31 6 0000 0000\","
            + "\"BirthDate\":\"2026-11-30\",\"Code\":\"jan\"}",
        contact.toString());
  }

  record Line(String kind, BigDecimal amount) {}

  @Test
  void variablesMayBeRecordsMapsAndJsonTrees() throws IOException {
    DataMapper mapper =
        load(
            """
            salesEntry:
              Description: $doc.kind & ' ' & $company
              SalesEntryLines:
                each: $doc.lines
                fields:
                  AmountFC: $line.amount
                  Description: $line.kind
            """);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "sale");
    doc.put("lines", List.of(new Line("product", new BigDecimal("20.60"))));
    Map<String, Object> variables = new HashMap<>();
    variables.put("doc", doc);
    variables.put("company", json("\"ACME\""));
    variables.put("vatNumber", null);
    assertEquals(
        "{\"Description\":\"sale ACME\","
            + "\"SalesEntryLines\":[{\"AmountFC\":20.60,\"Description\":\"product\"}]}",
        JSON.writeValueAsString(mapper.map("salesEntry", json("{}"), variables)));
  }

  @Test
  void extraVariablesCanBeDeclared() throws IOException {
    Path file = file("salesOrder:\n  PaymentCondition: $lookup('pc', $transaction.provider)\n");
    assertThrows(MappingException.class, () -> DataMapper.load(file, Settings.none()));
    DataMapper mapper =
        DataMapper.load(
            file, Settings.of(Map.of("pc", Map.of("STRIPE", "IC"))), Set.of("transaction"));
    assertEquals(
        "{\"PaymentCondition\":\"IC\"}",
        mapper
            .map("salesOrder", json("{}"), Map.of("transaction", Map.of("provider", "stripe")))
            .toString());
  }

  @Test
  void aLoadedMapperCanBeUsedByManyThreads() throws Exception {
    DataMapper mapper = DataMapper.load(DataMapperGoldenTest.MAPPING, Settings.none());
    JsonNode order = json(ORDER);
    String expected =
        mapper.map("account", order, Map.of("company", "Koffiehuis De Boon B.V.")).toString();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String company = i % 2 == 0 ? "Koffiehuis De Boon B.V." : null;
        Map<String, Object> variables = new HashMap<>();
        variables.put("company", company);
        results.add(pool.submit(() -> mapper.map("account", order, variables).toString()));
      }
      for (int i = 0; i < results.size(); i++) {
        String result = results.get(i).get();
        if (i % 2 == 0) {
          assertEquals(expected, result);
        } else {
          assertFalse(result.contains("Koffiehuis"), result);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
