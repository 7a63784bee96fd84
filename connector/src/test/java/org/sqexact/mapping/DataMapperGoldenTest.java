package org.sqexact.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: realistic Squarespace orders, each with a fixed {@code $doc}, mapped by the default
 * mapping file {@code mappings/exact-online.yaml}, compared character by character with the
 * expected Exact payloads.
 *
 * <p>Layout, per order under {@code src/test/resources/mapping/golden/<order>/}: {@code order.json}
 * (the order as Squarespace returns it; a list response's {@code result[0]} is used), {@code
 * case.json} ({@code variables}, named {@code docs}, and {@code cases}: case name → {@code target},
 * {@code doc} name and {@code set}, fields that override the doc) and {@code expected/<case>.json}.
 *
 * <p>After a deliberate change of the mapping, regenerate the expected files and review the diff:
 *
 * <pre>
 * mvn -o test -Dtest='org.sqexact.mapping.DataMapperGoldenTest' -Dmapping.golden.update=true
 * git diff src/test/resources/mapping/golden
 * </pre>
 */
class DataMapperGoldenTest {

  static final Path MAPPING = Path.of("mappings", "exact-online.yaml");
  static final Path GOLDEN = Path.of("connector", "src", "test", "resources", "mapping", "golden");
  private static final boolean UPDATE = Boolean.getBoolean("mapping.golden.update");
  private static final ObjectMapper JSON = DataMapper.jsonMapper();

  static final Settings SETTINGS =
      Settings.of(
          Map.of(
              "paymentConditions", Map.of("STRIPE/VISA", "IC", "PAYPAL", "PP"),
              "shippingMethods", Map.of("Flat Rate", "2f3e4d5c-6b7a-4899-a0b1-c2d3e4f5a6b7")));

  @TestFactory
  Stream<DynamicTest> defaultMappingMatchesTheGoldenFiles() throws IOException {
    DataMapper mapper = DataMapper.load(MAPPING, SETTINGS);
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> orders = Files.list(GOLDEN)) {
      for (Path dir : orders.filter(Files::isDirectory).sorted().toList()) {
        JsonNode order = JSON.readTree(dir.resolve("order.json").toFile());
        if (order.has("result")) {
          order = order.get("result").get(0);
        }
        JsonNode spec = JSON.readTree(dir.resolve("case.json").toFile());
        JsonNode input = order;
        spec.get("cases")
            .properties()
            .forEach(
                c ->
                    tests.add(
                        DynamicTest.dynamicTest(
                            dir.getFileName() + " " + c.getKey(),
                            () -> check(mapper, dir, input, spec, c.getKey(), c.getValue()))));
      }
    }
    assertTrue(tests.size() >= 20, "golden cases found: " + tests.size());
    return tests.stream();
  }

  private static void check(
      DataMapper mapper, Path dir, JsonNode order, JsonNode spec, String name, JsonNode c)
      throws IOException {
    Map<String, Object> variables = new LinkedHashMap<>();
    spec.get("variables").properties().forEach(v -> variables.put(v.getKey(), v.getValue()));
    variables.put("settings", Map.of("timeZone", "Europe/Amsterdam"));
    if (c.has("doc")) {
      ObjectNode doc = spec.get("docs").get(c.get("doc").asText()).deepCopy();
      if (c.has("set")) {
        doc.setAll((ObjectNode) c.get("set"));
      }
      variables.put("doc", doc);
    }
    String target = c.get("target").asText();
    ObjectNode payload = mapper.map(target, order, variables);
    assertOnlyEdmxFields(target, payload);
    String actual = pretty(payload);
    Path expected = dir.resolve("expected").resolve(name + ".json");
    if (UPDATE) {
      Files.createDirectories(expected.getParent());
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(expected)) {
      fail(
          expected
              + " is missing; generate it with -Dmapping.golden.update=true and review it. Got:\n"
              + actual);
    }
    assertEquals(
        Files.readString(expected, StandardCharsets.UTF_8).replace("\r\n", "\n"),
        actual,
        "payload of " + dir.getFileName() + " " + name);
  }

  /** Independent of the loader's check: every field sent exists on the Exact entity type. */
  private static void assertOnlyEdmxFields(String target, ObjectNode payload) {
    String[] endpoint = DataMapper.endpoint(target).split("/");
    Edmx.EntityType type = Edmx.service(endpoint[0]).entitySet(endpoint[1]);
    payload
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isArray()) {
                Edmx.EntityType lineType = type.navigation().get(field.getKey());
                assertTrue(lineType != null, field.getKey() + " is no line collection of " + type);
                field
                    .getValue()
                    .forEach(
                        line ->
                            line.fieldNames()
                                .forEachRemaining(
                                    name ->
                                        assertTrue(
                                            lineType.propertyType(name) != null,
                                            name + " is no property of " + lineType)));
              } else {
                assertTrue(
                    type.propertyType(field.getKey()) != null,
                    field.getKey() + " is no property of " + type);
              }
            });
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

  @Test
  void theGoldenOrdersAreTheOnesTheBriefAsksFor() throws IOException {
    JsonNode official = JSON.readTree(GOLDEN.resolve("official-example/order.json").toFile());
    assertEquals("585d498fdee9f31a60284a37", official.get("result").get(0).get("id").asText());
    JsonNode nl = JSON.readTree(GOLDEN.resolve("nl-b2b-koffiehuis/order.json").toFile());
    assertEquals(
        "Koffiehuis De Boon B.V.",
        MappingFunctions.formValue(nl.get("formSubmission"), "Company", "Bedrijfsnaam"));
    assertEquals(
        "NL123456789B01", MappingFunctions.formValue(nl.get("formSubmission"), "BTW-nummer"));
  }
}
