package org.sqexact.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * How many Exact Online calls the order flow spends per order: 300 orders (60 % from returning
 * customers), 150 SKUs, 3 lines each, against the sandbox (real HTTP, Exact's paging and sync API).
 *
 * <p>The floor is computed from the data set, before anything runs: one POST per document, plus one
 * per customer record that must be created (a new customer's account; a delivery address when the
 * order ships elsewhere than it bills) or changed (a returning customer whose mapped data differs
 * from the account in Exact). An unneeded call therefore raises the ratio, never the floor. The
 * figures are printed first, then asserted with a margin: counts, never times.
 *
 * <p>Runs with {@code mvn -B verify} (Surefire includes {@code *Benchmark}); alone: {@code mvn -o
 * test -Dtest=CallsPerOrderBenchmark}. The README's "Calls per order" quotes what it prints.
 */
class CallsPerOrderBenchmark {

  private static final int ORDERS = 300;
  private static final int SKUS = 150;
  private static final int LINES = 3;
  private static final double RETURNING = 0.60;
  private static final int RETURNING_CUSTOMERS = 100;

  /** Most calls allowed per unavoidable write: 5 % above the floor. */
  private static final double MAX_CALLS_PER_FLOOR = 1.05;

  /** Most reads per order: the existence check and the sync reads are shared by many orders. */
  private static final double MAX_READS_PER_ORDER = 0.10;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A customer as the data set knows it: what Exact holds for returning ones, what orders say. */
  private record Customer(
      String email,
      String first,
      String last,
      String street,
      String postcode,
      String city,
      String country) {

    ObjectNode address() {
      return Orders.address(first, last, street, postcode, city, country);
    }
  }

  /** The data set and the writes it cannot do without. */
  private record DataSet(List<ObjectNode> orders, Floor floor) {}

  private record Floor(int documents, int created, int changed) {
    int total() {
      return documents + created + changed;
    }
  }

  @Test
  void callsPerOrder() {
    TestClock clock = new TestClock();
    try (DemoSandbox sandbox = DemoSandbox.start(0, clock)) {
      ExactDivision exact = sandbox.exact();
      // the budget is counted, not enforced here: the figures are about calls, not minutes
      exact.rateLimits(1_000_000, 1_000_000);
      sandbox.shop().rateLimit(1_000_000);
      DataSet data = dataSet(exact, clock);
      for (ObjectNode order : data.orders()) {
        sandbox.shop().addOrder(order);
      }
      Map<String, String> settings =
          ConnectorHarness.settings(sandbox.squarespaceBaseUrl(), sandbox.exactBaseUrl());
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      // the sandbox's item for lines without a SKU (the demo sets the same; pre-flight checks it)
      settings.put("orders.items.no-sku", "DIVERSEN");
      settings.put("sync.orders-since", clock.instant().minus(Duration.ofMinutes(1)).toString());
      clock.advance(Duration.ofSeconds(10)); // past the settle time of the polling window
      exact.clearRequestLog();
      int booked;
      try (ConnectorHarness connector = ConnectorHarness.start(settings, clock)) {
        connector.template().sendBody("direct:poll-orders", null);
        OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
        booked = ledger.counts().getOrDefault(OrderLedger.State.BOOKED, 0);
      }
      Figures f = figures(exact.requestLog(), data.floor(), booked);
      f.print();
      assertEquals(ORDERS, f.booked(), "orders booked");
      assertTrue(
          f.callsPerFloor() <= MAX_CALLS_PER_FLOOR,
          String.format(
              "%d calls for a floor of %d: %.3f × the floor, more than %.2f",
              f.calls(), f.floor().total(), f.callsPerFloor(), MAX_CALLS_PER_FLOOR));
      assertTrue(
          f.readsPerOrder() <= MAX_READS_PER_ORDER,
          String.format(
              "%d reads: %.3f per order, more than %.2f",
              f.reads(), f.readsPerOrder(), MAX_READS_PER_ORDER));
    }
  }

  /**
   * 100 customers in Exact, 150 items; 300 orders of 3 lines: the first 60 % from returning
   * customers (as Exact has them), the rest each from a new customer. Seeded, so every run is
   * alike.
   */
  private static DataSet dataSet(ExactDivision exact, TestClock clock) {
    Random random = new Random(42);
    for (int i = 1; i <= SKUS; i++) {
      exact.addItem(String.format("BENCH-%03d", i), "Bench item " + i, "2", 10, 100);
    }
    Map<String, Customer> inExact = new LinkedHashMap<>();
    for (int i = 1; i <= RETURNING_CUSTOMERS; i++) {
      Customer c =
          new Customer(
              "klant" + i + "@example.nl",
              "Klant",
              "" + i,
              "Straat " + i,
              "1000 AA",
              "Amsterdam",
              "NL");
      inExact.put(c.email(), c);
      ObjectNode a = JSON.createObjectNode();
      a.put("Name", c.first() + " " + c.last());
      a.put("Email", c.email());
      a.put("Status", "C");
      a.put("IsSales", true);
      a.put("AddressLine1", c.street());
      a.put("Postcode", c.postcode());
      a.put("City", c.city());
      a.put("Country", c.country());
      exact.put("crm/Accounts", a);
    }
    List<ObjectNode> orders = new java.util.ArrayList<>();
    Set<String> created = new HashSet<>();
    Set<String> changed = new HashSet<>();
    Set<String> deliveryAddresses = new HashSet<>();
    int newCustomers = 0;
    for (int n = 1; n <= ORDERS; n++) {
      boolean returning = n <= ORDERS * RETURNING;
      Customer billing;
      Customer shipTo;
      if (returning) {
        billing = inExact.get("klant" + (1 + random.nextInt(RETURNING_CUSTOMERS)) + "@example.nl");
        shipTo = billing;
      } else {
        int c = ++newCustomers;
        billing =
            new Customer(
                "nieuw" + c + "@example.nl",
                "Nieuw",
                "Klant " + c,
                "Laan " + c,
                "2000 BB",
                "Haarlem",
                "NL");
        shipTo = billing;
      }
      // the customer records this order needs written, whatever the connector does
      Customer known = inExact.get(billing.email());
      if (known == null) {
        created.add(billing.email());
      } else if (!known.equals(billing)) {
        changed.add(billing.email());
      }
      if (!shipTo.equals(billing)) {
        deliveryAddresses.add(billing.email() + "|" + shipTo);
      }
      Orders o = Orders.order(String.format("B%04d", n)).set("customerEmail", billing.email());
      o.billing(billing.address()).shipTo(shipTo.address());
      for (int l = 0; l < LINES; l++) {
        o.line(
            String.format("BENCH-%03d", 1 + random.nextInt(SKUS)),
            "Item",
            1 + random.nextInt(3),
            new BigDecimal(5 + random.nextInt(20)).setScale(2).toPlainString());
      }
      o.shipping("PostNL", "4.95");
      ObjectNode order = o.total("0.00");
      order.put("modifiedOn", clock.instant().toString());
      orders.add(order);
    }
    Floor floor = new Floor(ORDERS, created.size() + deliveryAddresses.size(), changed.size());
    return new DataSet(orders, floor);
  }

  private record Figures(
      Map<String, Integer> byCall, int reads, int writes, int other, Floor floor, int booked) {

    int calls() {
      return reads + writes;
    }

    double callsPerFloor() {
      return calls() / (double) floor.total();
    }

    double readsPerOrder() {
      return reads / (double) ORDERS;
    }

    void print() {
      System.out.println();
      System.out.printf(
          "=== Exact Online calls for %d orders (%d%% returning customers, %d SKUs, %d lines each)"
              + " ===%n",
          ORDERS, (int) (RETURNING * 100), SKUS, LINES);
      byCall.forEach((k, v) -> System.out.printf("  %-40s %5d%n", k, v));
      System.out.printf("  orders booked                           %5d%n", booked);
      System.out.printf("  calls in the division budget            %5d%n", calls());
      System.out.printf("  writes                                  %5d%n", writes);
      System.out.printf("  reads                                   %5d%n", reads);
      System.out.printf(
          "  floor (from the data set)               %5d  (%d documents + %d customer records"
              + " created + %d changed)%n",
          floor.total(), floor.documents(), floor.created(), floor.changed());
      System.out.printf(
          "  calls / floor                           %8.3f  (asserted <= %.2f)%n",
          callsPerFloor(), MAX_CALLS_PER_FLOOR);
      System.out.printf(
          "  reads per order                         %8.3f  (asserted <= %.2f)%n",
          readsPerOrder(), MAX_READS_PER_ORDER);
      System.out.printf("  token and current/Me calls (no budget)  %5d%n", other);
      System.out.println();
    }
  }

  private static Figures figures(List<ExactDivision.LoggedRequest> log, Floor floor, int booked) {
    Map<String, Integer> byCall = new TreeMap<>();
    int reads = 0;
    int writes = 0;
    int other = 0;
    for (ExactDivision.LoggedRequest r : log) {
      String path = r.pathAndQuery().replaceAll("\\?.*", "").replaceAll("\\(guid'[^']*'\\)", "(…)");
      if (!path.matches(".*/api/v1/\\d+/.*")) {
        other++; // token and current/Me: no division, not in the daily budget
        continue;
      }
      String endpoint = path.replaceAll(".*/api/v1/\\d+/", "");
      byCall.merge(r.method() + " " + endpoint, 1, Integer::sum);
      if (Objects.equals(r.method(), "GET")) {
        reads++;
      } else {
        writes++;
      }
    }
    return new Figures(byCall, reads, writes, other, floor, booked);
  }
}
