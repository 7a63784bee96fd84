package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;

/**
 * The demo charges like Squarespace (taxes per line in its Transactions documents) and books its
 * EXCLUSIVE sample order 1042, coffee at 9 %, shipping taxed at 21 % and a discount, in its Exact
 * to the cent, with the VAT per rate Squarespace charged.
 */
class DemoChargesTest {

  @Test
  void theExclusiveMixedRateOrderWithADiscountIsBookedToTheCent() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    try (ConnectorHarness demo = ConnectorHarness.start(settings, null)) {
      OrderLedger ledger = demo.bean("orderLedger", OrderLedger.class);
      long deadline = System.currentTimeMillis() + 60_000;
      Optional<OrderLedger.Entry> entry = ledger.findByIdOrNumber("1042");
      while ((entry.isEmpty() || entry.get().state() != OrderLedger.State.BOOKED)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
        entry = ledger.findByIdOrNumber("1042");
      }
      assertEquals(OrderLedger.State.BOOKED, entry.orElseThrow().state(), entry.toString());

      DemoSandbox sandbox = demo.bean("demoSandbox", DemoSandbox.class);
      JsonNode order = sandbox.shop().orderByNumber("1042").orElseThrow();
      assertEquals("EXCLUSIVE", order.path("priceTaxInterpretation").asText());
      ObjectNode transactions = transactionOf(sandbox, order.path("id").asText());
      Map<String, BigDecimal> charged = new java.util.TreeMap<>();
      for (JsonNode line : transactions.path("salesLineItems")) {
        for (JsonNode t : line.path("taxes")) {
          charged.merge(
              rate(t), new BigDecimal(t.path("amount").path("value").asText()), BigDecimal::add);
        }
      }
      for (JsonNode line : transactions.path("shippingLineItems")) {
        for (JsonNode t : line.path("taxes")) {
          assertEquals("21", rate(t), "Squarespace taxes the shipping at 21 %");
          charged.merge(
              rate(t), new BigDecimal(t.path("amount").path("value").asText()), BigDecimal::add);
        }
      }

      ObjectNode booked =
          sandbox.exact().entities("salesorder/SalesOrders").stream()
              .filter(o -> "1042".equals(o.path("YourRef").asText()))
              .findFirst()
              .orElseThrow();
      assertEquals("EUR", booked.path("Currency").asText());
      assertEquals(
          0,
          new BigDecimal(order.path("grandTotal").path("value").asText())
              .compareTo(booked.path("AmountFC").decimalValue()),
          "Exact's total "
              + booked.path("AmountFC")
              + " is the grandTotal "
              + order.path("grandTotal"));
      Map<String, BigDecimal> vat = new java.util.TreeMap<>();
      Map<String, Integer> lines = new java.util.TreeMap<>();
      for (JsonNode l : booked.path("SalesOrderLines")) {
        String rate =
            l.path("VATPercentage")
                .decimalValue()
                .multiply(new BigDecimal("100"))
                .stripTrailingZeros()
                .toPlainString();
        vat.merge(rate, l.path("VATAmount").decimalValue(), BigDecimal::add);
        lines.merge(rate, 1, Integer::sum);
      }
      assertEquals(
          charged.keySet(), vat.keySet(), "rates booked: " + vat + ", charged: " + charged);
      for (String rate : charged.keySet()) {
        BigDecimal diff = vat.get(rate).subtract(charged.get(rate)).abs();
        assertTrue(
            diff.compareTo(new BigDecimal("0.01").multiply(BigDecimal.valueOf(lines.get(rate))))
                <= 0,
            rate + "%: Exact " + vat.get(rate) + ", Squarespace " + charged.get(rate));
      }
      // a discount line at 9 %: the discount was on the coffee
      assertTrue(
          java.util.stream.StreamSupport.stream(booked.path("SalesOrderLines").spliterator(), false)
              .anyMatch(
                  l ->
                      l.path("AmountFC").decimalValue().signum() < 0
                          && l.path("VATPercentage")
                                  .decimalValue()
                                  .compareTo(new BigDecimal("0.09"))
                              == 0),
          booked.toString());
    }
  }

  @Test
  void theProspectOfOrder1054IsMadeACustomerNotDuplicated() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    try (ConnectorHarness demo = ConnectorHarness.start(settings, null)) {
      DemoSandbox sandbox = demo.bean("demoSandbox", DemoSandbox.class);
      assertEquals("P", henk(sandbox).get(0).path("Status").asText(), "seeded as a prospect");
      OrderLedger ledger = demo.bean("orderLedger", OrderLedger.class);
      long deadline = System.currentTimeMillis() + 60_000;
      Optional<OrderLedger.Entry> entry = ledger.findByIdOrNumber("1054");
      while ((entry.isEmpty() || entry.get().state() != OrderLedger.State.BOOKED)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
        entry = ledger.findByIdOrNumber("1054");
      }
      assertEquals(OrderLedger.State.BOOKED, entry.orElseThrow().state(), entry.toString());
      java.util.List<ObjectNode> accounts = henk(sandbox);
      assertEquals(1, accounts.size(), "one account for the e-mail: " + accounts);
      assertEquals("C", accounts.get(0).path("Status").asText());
      assertEquals("1005", accounts.get(0).path("Code").asText().trim());
    }
  }

  private static java.util.List<ObjectNode> henk(DemoSandbox sandbox) {
    return sandbox.exact().entities("crm/Accounts").stream()
        .filter(a -> "henk.jansen@example.nl".equalsIgnoreCase(a.path("Email").asText()))
        .toList();
  }

  private static String rate(JsonNode tax) {
    return new BigDecimal(tax.path("rate").asText()).stripTrailingZeros().toPlainString();
  }

  private static ObjectNode transactionOf(DemoSandbox sandbox, String orderId) {
    return sandbox.shop().liveTransactions().values().stream()
        .filter(d -> orderId.equals(d.path("salesOrderId").asText()))
        .findFirst()
        .orElseThrow();
  }
}
