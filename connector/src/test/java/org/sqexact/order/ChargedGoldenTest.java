package org.sqexact.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sqexact.config.MappingSettings;
import org.sqexact.exact.DocumentType;
import org.sqexact.mapping.DataMapper;
import org.sqexact.mapping.Settings;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.squarespace.SquarespaceOrder;

/**
 * Golden files of the whole money path: a Squarespace order and its Transactions document, split as
 * charged ({@link LineCharges#charge}), priced with the VAT codes of {@code
 * mappings/settings.yaml}, mapped by {@code mappings/exact-online.yaml}, for every document type
 * (and, for a partial refund, every credit document type). Each payload is also totalled the way
 * Exact does it and checked against the order's grandTotal.
 *
 * <p>Layout under {@code src/test/resources/mapping/charged/<case>/}: {@code order.json}, {@code
 * transactions.json}, {@code case.json} ({@code itemRates}: SKU → the rate of its Exact item's VAT
 * code; optional {@code refund}) and {@code expected/<document>.json}. Regenerate after a
 * deliberate change with {@code -Dmapping.golden.update=true} and review the diff.
 */
class ChargedGoldenTest {

  static final Path CASES = Path.of("connector", "src", "test", "resources", "mapping", "charged");
  private static final boolean UPDATE = Boolean.getBoolean("mapping.golden.update");
  private static final ObjectMapper JSON = DataMapper.jsonMapper();
  private static final DataMapper MAPPER =
      DataMapper.load(Path.of("mappings", "exact-online.yaml"), Settings.none());
  private static final String ACCOUNT = "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a01";
  private static final String ITEM = "00000000-0000-4000-8000-0000000000a1";
  private static final String GL = "5d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e01";
  private static final String WAREHOUSE = "2f3e4d5c-6b7a-4899-a0b1-c2d3e4f5a6b8";

  @TestFactory
  Stream<DynamicTest> theMoneyOfEachOrderLandsInEveryDocumentAsCharged() throws IOException {
    MappingSettings file =
        MappingSettings.load(
            Path.of("mappings", "settings.yaml"), v -> v.replaceAll("\\{\\{.*}}", ""));
    VatPolicy vat = new VatPolicy(file.vatRules(), file.standardVatRate(), null);
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(CASES)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        JsonNode spec = JSON.readTree(dir.resolve("case.json").toFile());
        if (spec.has("refund")) {
          for (DocumentType t :
              List.of(
                  DocumentType.SALES_INVOICE,
                  DocumentType.DIRECT_SALES_INVOICE,
                  DocumentType.SALES_ENTRY)) {
            tests.add(
                DynamicTest.dynamicTest(
                    dir.getFileName() + " credit " + t.setting(),
                    () -> check(dir, spec, vat, t, true)));
          }
        } else {
          for (DocumentType t : DocumentType.values()) {
            tests.add(
                DynamicTest.dynamicTest(
                    dir.getFileName() + " " + t.setting(), () -> check(dir, spec, vat, t, false)));
          }
        }
      }
    }
    assertTrue(tests.size() >= 11, "cases: " + tests.size());
    return tests.stream();
  }

  private static void check(
      Path dir, JsonNode spec, VatPolicy vat, DocumentType type, boolean refund)
      throws IOException {
    JsonNode orderJson = JSON.readTree(dir.resolve("order.json").toFile());
    JsonNode transactions =
        JSON.readTree(dir.resolve("transactions.json").toFile()).path("documents").get(0);
    SquarespaceOrder order =
        SquarespaceJson.mapper().convertValue(orderJson, SquarespaceOrder.class);
    boolean entry = type == DocumentType.SALES_ENTRY;
    List<String> notes = new ArrayList<>();
    List<LineSource> charged =
        LineCharges.charge(
            order,
            transactions,
            OrderLines.sources(order),
            l ->
                l.kind() == DocumentLine.Kind.SHIPPING
                    ? new BigDecimal("9")
                    : spec.path("itemRates").path(l.sku()).decimalValue(),
            4,
            notes);
    List<DocumentLine> lines = new ArrayList<>();
    for (LineSource l : charged) {
      String code = vat.code(l.ratePercent(), "NL", !entry);
      lines.add(
          LinePricer.documentLine(
              l,
              ITEM,
              "CODE",
              code,
              l.ratePercent().divide(new BigDecimal("100"), 4, RoundingMode.UNNECESSARY),
              entry,
              4));
    }
    int typeCode = type.typeCode();
    BigDecimal expectedTotal = new BigDecimal(orderJson.path("grandTotal").path("value").asText());
    if (refund) {
      BigDecimal amount = new BigDecimal(spec.path("refund").asText());
      lines =
          RefundBooker.partialLines(lines, amount, 1, order.orderNumber(), ITEM, "DISCOUNT", entry);
      typeCode = type.creditTypeCode();
      expectedTotal = amount.negate();
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("accountId", ACCOUNT);
    doc.putNull("contactId");
    doc.putNull("deliveryAddressId");
    doc.put("paymentCondition", "ST");
    doc.putNull("shippingMethodId");
    doc.put("journal", type == DocumentType.SALES_ORDER ? null : "70");
    doc.put("warehouseId", type == DocumentType.DIRECT_SALES_INVOICE ? WAREHOUSE : null);
    doc.put("yourRef", order.orderNumber() + (refund ? "-R1" : ""));
    if (typeCode != 0) {
      doc.put("documentType", typeCode);
    } else {
      doc.putNull("documentType");
    }
    doc.put("currency", "EUR");
    ArrayNode view = doc.putArray("lines");
    for (DocumentLine l : lines) {
      view.add(DocumentBooker.lineView(l, entry ? GL : null));
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("doc", doc);
    vars.put("settings", Map.of("timeZone", "Europe/Amsterdam"));
    ObjectNode payload = MAPPER.map(type.target(), orderJson, vars);

    // Exact's total of the payload, amounts rounded per line
    BigDecimal total = BigDecimal.ZERO;
    String nav =
        entry
            ? "SalesEntryLines"
            : type == DocumentType.SALES_ORDER ? "SalesOrderLines" : "SalesInvoiceLines";
    for (JsonNode l : payload.path(nav)) {
      total =
          total.add(
              entry
                  ? l.path("AmountFC").decimalValue().add(l.path("VATAmountFC").decimalValue())
                  : l.path("Quantity")
                      .decimalValue()
                      .multiply(l.path("NetPrice").decimalValue())
                      .setScale(2, RoundingMode.HALF_UP));
    }
    assertEquals(0, total.compareTo(expectedTotal), "Exact would total " + total);

    String name = refund ? "credit-" + type.setting() : type.setting();
    Path expected = dir.resolve("expected").resolve(name + ".json");
    String actual = pretty(payload);
    if (UPDATE) {
      Files.createDirectories(expected.getParent());
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(expected)) {
      fail(
          expected + " is missing; generate it with -Dmapping.golden.update=true. Got:\n" + actual);
    }
    assertEquals(
        Files.readString(expected, StandardCharsets.UTF_8).replace("\r\n", "\n"),
        actual,
        "payload of " + dir.getFileName() + " " + name);
  }

  static String pretty(JsonNode node) throws IOException {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    return JSON.writer(printer).writeValueAsString(node) + "\n";
  }
}
