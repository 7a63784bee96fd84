package org.sqexact.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sqexact.demo.DemoSandbox;
import org.sqexact.demo.ExactDivision;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * How many Exact Online calls the order flow spends per order: 300 orders (60 % from returning
 * customers), 150 SKUs, 3 lines each, against the sandbox (real HTTP, Exact's paging and sync API).
 * Prints the total, the floor (the writes that cannot be avoided: one POST per document and one per
 * customer record created or changed) and the reads per order.
 *
 * <p>Run: {@code mvn -o test -Dtest=CallsPerOrderBenchmark} (not part of the normal test run).
 */
class CallsPerOrderBenchmark {

  private static final int ORDERS = 300;
  private static final int SKUS = 150;
  private static final double RETURNING = 0.60;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void printCallsPerOrder() {
    TestClock clock = new TestClock();
    try (DemoSandbox sandbox = DemoSandbox.start(0, clock)) {
      ExactDivision exact = sandbox.exact();
      // the budget is counted, not enforced here: the figures are about calls, not minutes
      exact.rateLimits(1_000_000, 1_000_000);
      sandbox.shop().rateLimit(1_000_000);
      Random random = new Random(42);
      for (int i = 1; i <= SKUS; i++) {
        exact.addItem(String.format("BENCH-%03d", i), "Bench item " + i, "2", 10, 100);
      }
      int returningCustomers = 100;
      for (int i = 1; i <= returningCustomers; i++) {
        ObjectNode a = JSON.createObjectNode();
        a.put("Name", "Klant " + i);
        a.put("Email", "klant" + i + "@example.nl");
        a.put("Status", "C");
        a.put("IsSales", true);
        a.put("AddressLine1", "Straat " + i);
        a.put("Postcode", "1000 AA");
        a.put("City", "Amsterdam");
        a.put("Country", "NL");
        exact.put("crm/Accounts", a);
      }
      List<ObjectNode> orders = new ArrayList<>();
      int newCustomer = 0;
      for (int n = 1; n <= ORDERS; n++) {
        boolean returning = n <= ORDERS * RETURNING;
        int customer = returning ? 1 + random.nextInt(returningCustomers) : ++newCustomer;
        String email = (returning ? "klant" : "nieuw") + customer + "@example.nl";
        ObjectNode address =
            Orders.address(
                returning ? "Klant" : "Nieuw",
                "" + customer,
                "Straat " + customer,
                "1000 AA",
                "Amsterdam",
                "NL");
        Orders o = Orders.order(String.format("B%04d", n)).set("customerEmail", email);
        o.billing(address).shipTo(address.deepCopy());
        if (!returning) {
          o.billing(
              Orders.address(
                  "Nieuw", "Klant " + customer, "Laan " + customer, "2000 BB", "Haarlem", "NL"));
          o.shipTo(
              Orders.address(
                  "Nieuw", "Klant " + customer, "Laan " + customer, "2000 BB", "Haarlem", "NL"));
        }
        for (int l = 0; l < 3; l++) {
          o.line(
              String.format("BENCH-%03d", 1 + random.nextInt(SKUS)),
              "Item",
              1 + random.nextInt(3),
              new BigDecimal(5 + random.nextInt(20)).setScale(2).toPlainString());
        }
        o.shipping("PostNL", "4.95");
        ObjectNode order = o.total("0.00");
        order.put("modifiedOn", Instant.now().toString());
        orders.add(sandbox.shop().addOrder(order));
      }
      Map<String, String> settings =
          ConnectorHarness.settings(sandbox.squarespaceBaseUrl(), sandbox.exactBaseUrl());
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      settings.put("sync.orders-since", Instant.now().minus(Duration.ofMinutes(1)).toString());
      clock.advance(Duration.ofSeconds(10)); // past the settle time of the polling window
      exact.clearRequestLog();
      long started = System.nanoTime();
      try (ConnectorHarness connector = ConnectorHarness.start(settings, clock)) {
        connector.template().sendBody("direct:poll-orders", null);
        long millis = (System.nanoTime() - started) / 1_000_000;
        OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
        assertEquals(ORDERS, ledger.counts().getOrDefault(OrderLedger.State.BOOKED, 0));
        report(exact.requestLog(), millis);
      }
    }
  }

  private static void report(List<ExactDivision.LoggedRequest> log, long millis) {
    Map<String, Integer> byCall = new TreeMap<>();
    int reads = 0;
    int writes = 0;
    int documentPosts = 0;
    int other = 0;
    for (ExactDivision.LoggedRequest r : log) {
      String path = r.pathAndQuery().replaceAll("\\?.*", "").replaceAll("\\(guid'[^']*'\\)", "(…)");
      if (!path.matches(".*/api/v1/\\d+/.*")) {
        other++; // token and current/Me: no division, not in the daily budget
        continue;
      }
      String endpoint = path.replaceAll(".*/api/v1/\\d+/", "");
      byCall.merge(r.method() + " " + endpoint, 1, Integer::sum);
      if (r.method().equals("GET")) {
        reads++;
      } else {
        writes++;
        if (endpoint.equals("salesorder/SalesOrders")) {
          documentPosts++;
        }
      }
    }
    int total = reads + writes;
    System.out.println();
    System.out.println(
        "=== Exact Online calls for "
            + ORDERS
            + " orders ("
            + (int) (RETURNING * 100)
            + "% returning customers, "
            + SKUS
            + " SKUs, 3 lines each) ===");
    byCall.forEach((k, v) -> System.out.printf("  %-40s %5d%n", k, v));
    System.out.printf("  total calls in the division budget      %5d%n", total);
    System.out.printf(
        "  floor (writes that cannot be avoided)   %5d  (%d documents + %d customer records)%n",
        writes, documentPosts, writes - documentPosts);
    System.out.printf("  reads                                   %5d%n", reads);
    System.out.printf(
        "  reads per order                         %8.3f  (target <= 0.1)%n",
        reads / (double) ORDERS);
    System.out.printf(
        "  total / floor                           %8.3f  (target <= 1.10)%n",
        total / (double) writes);
    System.out.printf("  token and current/Me calls (no budget)  %5d%n", other);
    System.out.printf(
        "  wall time                               %5d ms (rate limits lifted)%n", millis);
    System.out.println();
  }
}
