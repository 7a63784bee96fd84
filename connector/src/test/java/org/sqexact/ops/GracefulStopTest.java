package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * A stop while an order is being booked: Camel lets the booking finish before the database closes;
 * an order still held at the close is marked for an immediate look-up; an order a dead process left
 * in progress is taken again by the first poll after a start, not ten minutes later.
 */
class GracefulStopTest extends OrderFlowTestSupport {

  @Test
  void anOrderInFlightAtAStopIsBookedBeforeTheDatabaseCloses() throws Exception {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                        201,
                        "{\"d\":{\"OrderID\":\"60ecbe5d-0000-4000-8000-000000000001\","
                            + "\"OrderNumber\":1234}}")
                    .withFixedDelay(1500)));
    ObjectNode order = Orders.order("1070").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    start();
    CompletableFuture<Void> polling = CompletableFuture.runAsync(() -> poll(order));
    // wait until the POST is under way: the ledger notes its outcome as pending just before it
    OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
    long deadline = System.currentTimeMillis() + 30_000;
    while (ledger.find(order.path("id").asText()).map(e -> !e.outcomeUnknown()).orElse(true)) {
      assertTrue(System.currentTimeMillis() < deadline, "the order never reached its POST");
      Thread.sleep(10);
    }

    connector.close(); // graceful: waits for the in-flight poll
    connector = null;
    polling.get(30, TimeUnit.SECONDS);

    assertEquals("BOOKED", state(order), "the booking finished before the database closed");
    assertEquals(1, posts("salesorder/SalesOrders").size());
  }

  @Test
  void anOrderStillHeldAtTheCloseIsDueAtOnce() throws Exception {
    ObjectNode order = Orders.order("1071").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    start();
    OrderClaims claims = connector.bean("orderClaims", OrderClaims.class);
    OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
    String id = order.path("id").asText();
    assertTrue(
        ledger.claim(id, "1071", null, EnumSet.of(State.FAILED), true, claims.newClaim()).won());

    connector.close();
    connector = null;

    assertEquals("FAILED", state(order));
    assertEquals(OrderLedger.INTERRUPTED, column(order, "last_error"));
    assertEquals("TRUE", column(order, "outcome_unknown").toUpperCase(java.util.Locale.ROOT));
  }

  @Test
  void anOrderADeadProcessLeftInProgressIsTakenByTheFirstPoll() {
    ObjectNode order = Orders.order("1072").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    start();
    OrderLedger ledger = connector.bean("orderLedger", OrderLedger.class);
    String id = order.path("id").asText();
    assertTrue(ledger.claim(id, "1072", null, EnumSet.of(State.FAILED), true, "dead0000/1").won());

    poll(order); // no clock advance: not ten minutes later

    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(1, posts("salesorder/SalesOrders").size());
  }

  private String state(ObjectNode order) throws Exception {
    return column(order, "state");
  }

  /** Reads the ledger after the connector closed its pool (the in-memory database lives on). */
  private String column(ObjectNode order, String column) throws Exception {
    try (Connection c = DriverManager.getConnection(settings.get("connector.db-url"), "sa", "");
        PreparedStatement ps =
            c.prepareStatement("SELECT " + column + " FROM order_ledger WHERE order_id = ?")) {
      ps.setString(1, order.path("id").asText());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "the order is in the ledger");
        return rs.getString(1);
      }
    }
  }
}
