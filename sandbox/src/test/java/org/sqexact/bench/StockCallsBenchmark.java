package org.sqexact.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;
import org.sqexact.sandbox.SandboxCatalogue;
import org.sqexact.sandbox.SquarespaceShop;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/**
 * How many calls the stock flow makes in an hour for a 1,000-item catalogue with 50 stock changes
 * in Exact, at the default interval (60 s) and catalogue refresh (900 s), against the sandbox (real
 * HTTP, Exact's sync API and Squarespace's Inventory API). Prints the calls per API and endpoint;
 * asserts only that every change reached the shop.
 *
 * <p>Runs with {@code mvn -B verify} ({@code .ci/run} prints its figures); alone: {@code mvn -o
 * test -Dtest=StockCallsBenchmark}.
 */
class StockCallsBenchmark {

  private static final int ITEMS = 1000;
  private static final int CHANGES = 50;

  @Test
  void printStockCallsPerHour() {
    TestClock clock = new TestClock();
    try (DemoSandbox sandbox = DemoSandbox.start(0, clock)) {
      ExactDivision exact = sandbox.exact();
      exact.rateLimits(1_000_000, 1_000_000);
      sandbox.shop().rateLimit(1_000_000);
      for (int i = 0; i < ITEMS; i += 10) {
        String[] skus = new String[10];
        for (int j = 0; j < 10; j++) {
          skus[j] = String.format("STK-%04d", i + j);
          exact.addItem(skus[j], "Stock item " + (i + j), "2", 10, 20);
        }
        SandboxCatalogue.addProduct(sandbox, "Product " + i, "12.50", 20, skus);
      }
      Map<String, String> settings =
          ConnectorHarness.settings(sandbox.squarespaceBaseUrl(), sandbox.exactBaseUrl());
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      try (ConnectorHarness connector = ConnectorHarness.start(settings, clock)) {
        // the first run after a start reads everything once
        exact.clearRequestLog();
        int shopBefore = sandbox.shop().requestLog().size();
        connector.template().sendBody("direct:stock-sync", null);
        List<ExactDivision.LoggedRequest> firstExact = exact.requestLog();
        List<SquarespaceShop.LoggedRequest> firstShop =
            sandbox.shop().requestLog().subList(shopBefore, sandbox.shop().requestLog().size());

        // one hour: a run a minute, 50 changes in Exact spread over the hour
        exact.clearRequestLog();
        int shopStart = sandbox.shop().requestLog().size();
        Random random = new Random(7);
        Map<String, Integer> expected = new TreeMap<>();
        for (int minute = 0; minute < 60; minute++) {
          clock.advance(Duration.ofSeconds(60));
          if (minute % 6 < 5) { // 50 changes: five in each of ten six-minute blocks
            String sku = String.format("STK-%04d", random.nextInt(ITEMS));
            int quantity = random.nextInt(40);
            exact.setStock(sku, quantity);
            expected.put(sku, quantity);
          }
          connector.template().sendBody("direct:stock-sync", null);
        }
        List<ExactDivision.LoggedRequest> hourExact = exact.requestLog();
        List<SquarespaceShop.LoggedRequest> hourShop =
            sandbox.shop().requestLog().subList(shopStart, sandbox.shop().requestLog().size());
        expected.forEach((sku, q) -> assertEquals(q.intValue(), sandbox.shop().stock(sku), sku));

        System.out.println();
        System.out.println(
            "=== Stock flow: "
                + ITEMS
                + " items, "
                + CHANGES
                + " changes in Exact in one hour, a run every 60 s ("
                + expected.size()
                + " distinct SKUs changed) ===");
        System.out.println("  first run after a start:");
        print(exactCalls(firstExact), shopCalls(firstShop));
        System.out.println("  the hour (60 runs):");
        print(exactCalls(hourExact), shopCalls(hourShop));
        System.out.println();
      }
    }
  }

  private static Map<String, Integer> exactCalls(List<ExactDivision.LoggedRequest> log) {
    Map<String, Integer> calls = new TreeMap<>();
    for (ExactDivision.LoggedRequest r : log) {
      String path = r.pathAndQuery().replaceAll("\\?.*", "");
      if (path.matches(".*/api/v1/\\d+/.*")) {
        calls.merge(
            "Exact " + r.method() + " " + path.replaceAll(".*/api/v1/\\d+/", ""), 1, Integer::sum);
      }
    }
    return calls;
  }

  private static Map<String, Integer> shopCalls(List<SquarespaceShop.LoggedRequest> log) {
    Map<String, Integer> calls = new TreeMap<>();
    for (SquarespaceShop.LoggedRequest r : log) {
      calls.merge(
          "Squarespace " + r.method() + " " + r.pathAndQuery().replaceAll("\\?.*", ""),
          1,
          Integer::sum);
    }
    return calls;
  }

  private static void print(Map<String, Integer> exact, Map<String, Integer> shop) {
    int e = exact.values().stream().mapToInt(Integer::intValue).sum();
    int s = shop.values().stream().mapToInt(Integer::intValue).sum();
    exact.forEach((k, v) -> System.out.printf("    %-55s %5d%n", k, v));
    System.out.printf("    %-55s %5d%n", "Exact calls (division budget)", e);
    shop.forEach((k, v) -> System.out.printf("    %-55s %5d%n", k, v));
    System.out.printf("    %-55s %5d%n", "Squarespace calls", s);
  }
}
