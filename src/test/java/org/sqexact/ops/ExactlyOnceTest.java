package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestPostgres;

/**
 * One order is one document, whoever acts and however many act at once: parallel retries over real
 * HTTP, and retries, skips and polls together, on H2 and on PostgreSQL. Exact answers the booking
 * slowly so that the callers overlap.
 */
class ExactlyOnceTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void fiftyParallelRetriesBookOneDocumentOnH2() throws Exception {
    fiftyParallelRetries();
  }

  @Test
  void fiftyParallelRetriesBookOneDocumentOnPostgres() throws Exception {
    TestPostgres.database(settings);
    fiftyParallelRetries();
  }

  @Test
  void retrySkipAndPollAtOnceLeaveOneConsistentOutcomeOnH2() throws Exception {
    retrySkipAndPollAtOnce();
  }

  @Test
  void retrySkipAndPollAtOnceLeaveOneConsistentOutcomeOnPostgres() throws Exception {
    TestPostgres.database(settings);
    retrySkipAndPollAtOnce();
  }

  private void fiftyParallelRetries() throws Exception {
    ObjectNode order =
        Orders.order("1053").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    poll(order);
    assertEquals(OrderLedger.State.PARKED, ledger(order).state());
    itemsInclude("POSTER-A2");
    slowBooking();
    exact.resetRequests();

    List<HttpResponse<String>> answers =
        together(50, i -> () -> connector.call("POST", "/api/orders/1053/retry"));

    List<Integer> codes = new ArrayList<>();
    for (HttpResponse<String> r : answers) {
      codes.add(r.statusCode());
      if (r.statusCode() == 409) {
        JsonNode body = MAPPER.readTree(r.body());
        assertTrue(body.path("state").isTextual(), "a 409 names the current state: " + r.body());
      }
    }
    assertEquals(1, Collections.frequency(codes, 200), codes.toString());
    assertEquals(49, Collections.frequency(codes, 409), codes.toString());
    assertEquals(1, posts("salesorder/SalesOrders").size(), "one document in Exact");
    assertEquals(1, ledgerRows(order), "one ledger row");
    assertEquals(OrderLedger.State.BOOKED, ledger(order).state());
    assertEquals(null, ledger(order).lastError());
  }

  private void retrySkipAndPollAtOnce() throws Exception {
    ObjectNode order = Orders.order("1060").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    // the first attempt fails for a passing cause (Exact unavailable; a 4xx refusal would park it
    // at once): the order FAILED and is tried again by a later poll
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(ExactStubs.json(503, ExactStubs.error("Tijdelijk niet beschikbaar"))));
    poll(order);
    assertEquals(OrderLedger.State.FAILED, ledger(order).state());
    clock.advance(Duration.ofMinutes(5)); // its pause is over: the poll may take it too
    slowBooking();
    exact.resetRequests();

    List<HttpResponse<String>> answers =
        together(
            30,
            i ->
                switch (i % 3) {
                  case 0 -> () -> connector.call("POST", "/api/orders/1060/retry");
                  case 1 -> () -> connector.call("POST", "/api/orders/1060/skip");
                  default ->
                      () -> {
                        connector.template().sendBody("direct:poll-orders", null);
                        return null;
                      };
                });

    OrderLedger.Entry e = ledger(order);
    int documents = posts("salesorder/SalesOrders").size();
    assertEquals(1, ledgerRows(order), "one ledger row");
    assertTrue(
        e.state() == OrderLedger.State.BOOKED || e.state() == OrderLedger.State.SKIPPED,
        "ends booked or skipped, not " + e.state());
    assertEquals(
        e.state() == OrderLedger.State.BOOKED ? 1 : 0,
        documents,
        "a booked order has exactly one document, a skipped one none (" + e + ")");
    for (HttpResponse<String> r : answers) {
      if (r != null) {
        assertTrue(
            r.statusCode() == 200 || r.statusCode() == 409, r.statusCode() + ": " + r.body());
      }
    }
    if (e.state() == OrderLedger.State.SKIPPED) {
      assertTrue(
          connector.bean("alerts", Alerts.class).recent().stream()
              .anyMatch(a -> a.code().equals("order-skipped") && a.message().contains("API token")),
          "a skip raises an alert naming who skipped");
    }
  }

  /** Exact takes its time to answer a booking, so that simultaneous callers overlap. */
  private static void slowBooking() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                        201,
                        "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.SalesOrder\"},"
                            + "\"OrderID\":\""
                            + "60ecbe5d-0000-4000-8000-000000000001"
                            + "\",\"OrderNumber\":1234}}")
                    .withFixedDelay(300)));
  }

  private int ledgerRows(ObjectNode order) throws Exception {
    Database db = connector.bean("connectorDatabase", Database.class);
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM order_ledger WHERE order_id = ?")) {
      ps.setString(1, order.path("id").asText());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  interface Task {
    Callable<HttpResponse<String>> make(int i);
  }

  /** Runs n calls released at the same moment; their answers in order. */
  private static List<HttpResponse<String>> together(int n, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<HttpResponse<String>> call = task.make(i);
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return call.call();
                }));
      }
      ready.await();
      go.countDown();
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
