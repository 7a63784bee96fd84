package org.sqexact.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/**
 * A catalogue of awkward orders (src/test/resources/awkward/*.json, one order and its expected
 * outcome per file), all run through one connector as production starts it: the process survives
 * every one, good orders are booked, bad ones are parked with a reason that names the order and the
 * field.
 *
 * <p>Each file holds changes to a plain order (one line ESPRESSO × 1 at 12.10): objects are merged,
 * arrays replaced (a line given in {@code lineItems} is merged onto the plain line), {@code
 * "$absent"} removes a field, {@code "$repeatLines": n} makes n lines, and totals are made to match
 * the lines unless {@code "$keepTotals": true}.
 */
class AwkwardOrdersTest extends OrderFlowTestSupport {

  private static ConnectorHarness shared;
  private static int sequence = 6000;

  static Stream<Path> catalogue() throws IOException, URISyntaxException {
    Path dir = Path.of(AwkwardOrdersTest.class.getResource("/awkward").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertTrue(all.size() >= 25, "the catalogue holds at least 25 awkward orders");
      return all.stream();
    }
  }

  @BeforeEach
  void sharedConnector() {
    if (shared == null) {
      shared = start();
    }
    connector = shared; // one process for the whole catalogue
  }

  @AfterEach
  void keepConnector() {
    connector = null; // not closed between cases
  }

  @AfterAll
  static void closeConnector() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void anAwkwardOrderIsBookedOrParkedWithAReason(Path file) throws IOException {
    JsonNode spec;
    try (InputStream in = Files.newInputStream(file)) {
      spec = JSON.readTree(in);
    }
    ObjectNode changes = (ObjectNode) spec.path("order");
    String number =
        changes.hasNonNull("orderNumber")
            ? changes.get("orderNumber").asText()
            : Integer.toString(++sequence);
    ObjectNode order = build(number, changes);

    poll(order);

    assertTrue(connector.context().getStatus().isStarted(), "the connector survives");
    OrderLedger.Entry entry = ledger(order);
    JsonNode expect = spec.path("expect");
    String why = file.getFileName() + " (" + spec.path("description").asText() + ")";
    assertEquals(
        State.valueOf(expect.path("state").asText()),
        entry.state(),
        why + ": " + entry.lastError());
    if (entry.state() == State.BOOKED) {
      assertTrue(
          posts("salesorder/SalesOrders").stream()
              .anyMatch(r -> number.equals(body(r).path("YourRef").asText())),
          why + ": a sales order with YourRef " + number + " was posted");
    } else {
      String reason = entry.lastError();
      assertTrue(reason.contains("#" + number), why + ": the reason names the order: " + reason);
      for (JsonNode m : expect.path("reasonMentions")) {
        assertTrue(
            reason.contains(m.asText()), why + ": the reason names " + m.asText() + ": " + reason);
      }
      assertEquals(
          0, posts("salesorder/SalesOrders").size(), why + ": nothing booked for a parked order");
    }
  }

  private static ObjectNode build(String number, ObjectNode changes) {
    ObjectNode order =
        Orders.order(number)
            // a customer of one's own: each case creates its account
            .set("customerEmail", "awkward" + number + "@example.nl")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("0.00")
            .deepCopy();
    JsonNode plainLine = order.path("lineItems").get(0).deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = changes.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      switch (f.getKey()) {
        case "$keepTotals", "$repeatLines", "orderNumber" -> {}
        case "lineItems" -> {
          ArrayNode lines = order.putArray("lineItems");
          for (JsonNode change : f.getValue()) {
            ObjectNode line = plainLine.deepCopy();
            merge(line, change);
            line.put("id", "li" + (lines.size() + 1));
            lines.add(line);
          }
        }
        default -> mergeField(order, f.getKey(), f.getValue());
      }
    }
    int repeat = changes.path("$repeatLines").asInt(0);
    if (repeat > 0) {
      ArrayNode lines = order.putArray("lineItems");
      for (int i = 0; i < repeat; i++) {
        ObjectNode line = plainLine.deepCopy();
        line.put("id", "li" + (i + 1));
        line.put("quantity", 1 + i % 4);
        lines.add(line);
      }
    }
    if (!changes.path("$keepTotals").asBoolean(false)) {
      BigDecimal subtotal = BigDecimal.ZERO;
      for (JsonNode line : order.path("lineItems")) {
        try {
          subtotal =
              subtotal.add(
                  new BigDecimal(line.path("unitPricePaid").path("value").asText())
                      .multiply(new BigDecimal(line.path("quantity").asText("1"))));
        } catch (NumberFormatException e) {
          // an unreadable price or quantity is the case itself: the total stays as far as known
        }
      }
      String total = subtotal.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
      order.putObject("subtotal").put("value", total).put("currency", "EUR");
      order.putObject("grandTotal").put("value", total).put("currency", "EUR");
    }
    return order;
  }

  private static void merge(ObjectNode target, JsonNode changes) {
    Iterator<Map.Entry<String, JsonNode>> fields = changes.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      mergeField(target, f.getKey(), f.getValue());
    }
  }

  private static void mergeField(ObjectNode target, String name, JsonNode value) {
    if (value.isTextual() && value.asText().equals("$absent")) {
      target.remove(name);
    } else if (value.isObject() && target.path(name).isObject()) {
      merge((ObjectNode) target.get(name), value);
    } else {
      target.set(name, value.deepCopy());
    }
  }
}
