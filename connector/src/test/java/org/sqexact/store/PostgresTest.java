package org.sqexact.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestPostgres;

/**
 * The connector on PostgreSQL, as when a user outgrows the embedded database: the schema
 * migrations, the order flow, and one token refresh across two connectors sharing the database. The
 * server comes from {@link TestPostgres}: an embedded one, or the one named by {@code
 * CONNECTOR_TEST_PG_URL}; the test fails, never skips, without one.
 */
class PostgresTest extends OrderFlowTestSupport {

  @BeforeEach
  void database() {
    TestPostgres.database(settings);
  }

  @Test
  void booksAnOrderWithItsStateInPostgres() {
    ObjectNode order = Orders.order("6001").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order);
    assertEquals(OrderLedger.State.BOOKED, ledger(order).state());
    poll(order);
    assertEquals(1, posts("salesorder/SalesOrders").size());
  }

  @Test
  void twoConnectorsOnOneDatabaseRefreshTheTokenOnce() throws Exception {
    exact.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=RT1&"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withFixedDelay(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"AT1\",\"token_type\":\"bearer\",\"expires_in\":\"600\","
                            + "\"refresh_token\":\"RT2\"}")));
    Map<String, String> other = new HashMap<>(settings);
    other.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    try (ConnectorHarness a = ConnectorHarness.start(settings, clock);
        ConnectorHarness b = ConnectorHarness.start(other, clock)) {
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ConnectorHarness h = i % 2 == 0 ? a : b;
        calls.add(
            CompletableFuture.runAsync(
                () ->
                    h.bean("exactApi", ExactApi.class)
                        .page("vat/VATCodes", OData.select("Code"), Priority.ORDERS)));
      }
      for (CompletableFuture<?> c : calls) {
        c.get();
      }
    }
    assertEquals(1, exact.findAll(postRequestedFor(urlPathEqualTo("/api/oauth2/token"))).size());
  }
}
