package org.sqexact.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;
import org.sqexact.webhook.WebhookSignatures;

/**
 * Latency from a Squarespace webhook received to the document booked in Exact Online, over 200
 * orders against the sandbox (real HTTP both ways; the sandbox's rate limits lifted so the figures
 * are the connector's, not Exact's 60 calls a minute). Each order: the shop gets it, the benchmark
 * POSTs the signed {@code order.create} notification and waits until the ledger says BOOKED. Prints
 * count, p50, p95 and max, in total and beyond the time Exact itself took to answer. Nothing about
 * time is asserted.
 *
 * <p>Exact's own time is measured on the sandbox's side ({@link ExactDivision#handlingTime()}: the
 * fake Exact's time from request read to response written, summed over the order's calls), not from
 * the activity log: the connector times its Exact calls with its business clock, and the {@link
 * TestClock} of this benchmark stands still, so those durations are all 0.
 *
 * <p>Runs with {@code mvn -B verify} ({@code .ci/run} prints its figures); alone: {@code mvn -o
 * test -Dtest=WebhookLatencyBenchmark}.
 */
class WebhookLatencyBenchmark {

  private static final int ORDERS = 200;
  private static final int SKUS = 40;
  private static final String SECRET =
      "F3F9B981C78E7A6187E42853F6CE2804177E98206164779423B02DEC981ACD6B";

  @Test
  void printWebhookToBookedLatency() throws Exception {
    TestClock clock = new TestClock();
    HttpClient http = HttpClient.newHttpClient();
    try (DemoSandbox sandbox = DemoSandbox.start(0, clock)) {
      ExactDivision exact = sandbox.exact();
      exact.rateLimits(1_000_000, 1_000_000);
      sandbox.shop().rateLimit(1_000_000);
      for (int i = 1; i <= SKUS; i++) {
        exact.addItem(String.format("LAT-%03d", i), "Latency item " + i, "2", 10, 1000);
      }
      Map<String, String> settings =
          ConnectorHarness.settings(sandbox.squarespaceBaseUrl(), sandbox.exactBaseUrl());
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      settings.put("squarespace.webhook-secret", SECRET);
      settings.put("orders.items.no-sku", "DIVERSEN"); // the sandbox's item for lines without SKU
      settings.put("sync.orders-since", Instant.now().minus(Duration.ofMinutes(1)).toString());
      Random random = new Random(11);
      try (ConnectorHarness connector = ConnectorHarness.start(settings, clock)) {
        OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
        List<Double> total = new ArrayList<>();
        List<Double> beyondExact = new ArrayList<>();
        List<Double> exactOwn = new ArrayList<>();
        for (int n = 1; n <= ORDERS + 5; n++) {
          Orders o = Orders.order(String.format("L%04d", n));
          o.set("customerEmail", "latency" + (n % 50) + "@example.nl");
          for (int l = 0; l < 2; l++) {
            o.line(
                String.format("LAT-%03d", 1 + random.nextInt(SKUS)),
                "Item",
                1 + random.nextInt(3),
                new BigDecimal(5 + random.nextInt(20)).setScale(2).toPlainString());
          }
          ObjectNode order = o.total("0.00");
          order.put("modifiedOn", Instant.now().toString());
          String id = sandbox.shop().addOrder(order).path("id").asText();
          String body =
              "{\"id\":\"n"
                  + n
                  + "\",\"topic\":\"order.create\",\"createdOn\":\"2026-12-03T10:00+00:00\","
                  + "\"data\":{\"orderId\":\""
                  + id
                  + "\"}}";
          String signature =
              HexFormat.of()
                  .formatHex(
                      WebhookSignatures.hmac(
                          HexFormat.of().parseHex(SECRET), body.getBytes(StandardCharsets.UTF_8)));
          Duration exactBefore = exact.handlingTime();
          long t0 = System.nanoTime();
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/webhooks/squarespace"))
                      .header("Content-Type", "application/json")
                      .header("Squarespace-Signature", signature)
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), r.body());
          long deadline = System.currentTimeMillis() + 30_000;
          while (ledger.find(id).map(e -> e.state() != OrderLedger.State.BOOKED).orElse(true)) {
            if (System.currentTimeMillis() > deadline) {
              throw new AssertionError("order " + n + " not booked: " + ledger.find(id));
            }
            Thread.onSpinWait();
          }
          double ms = (System.nanoTime() - t0) / 1e6;
          // the benchmark sends one order at a time and nothing else calls Exact meanwhile
          // (scheduled flows are off), so the sandbox's time since t0 is this order's
          double exactMs = exact.handlingTime().minus(exactBefore).toNanos() / 1e6;
          if (n > 5) { // the first orders warm up the JVM and load Exact's items into memory
            total.add(ms);
            exactOwn.add(exactMs);
            beyondExact.add(Math.max(0, ms - exactMs));
          }
        }
        System.out.println();
        System.out.println(
            "=== Webhook received → document booked in Exact: "
                + total.size()
                + " orders against the sandbox (after 5 warm-up orders) ===");
        print("total", total);
        print("Exact's own time (sandbox side)", exactOwn);
        print("beyond Exact's response time", beyondExact);
        System.out.println();
      }
    }
  }

  private static void print(String what, List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    System.out.printf(
        "  %-32s n=%d  p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms%n",
        what, sorted.size(), pct(sorted, 50), pct(sorted, 95), sorted.get(sorted.size() - 1));
  }

  private static double pct(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
