package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.ops.OrderClaims;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;

/**
 * The Exact gateway as route templates: the connector as production starts it (the default
 * connection, its routes created by the templatedRoutes of routes/exact-gateway.camel.yaml), plus
 * connections from a connections/ directory, each with its own token chain, division and gateway
 * routes, against their own Exact (WireMock); one Exact hanging does not hold up another; a removed
 * connection's routes are gone. The connections are wired by ConnectionWiring, which also creates
 * each connection's order flow from the order templates (not started here: sync.auto-start is off).
 */
class ConnectionGatewaysTest extends ConnectionTestSupport {

  @Test
  void eachConnectionCallsItsOwnDivisionWithItsOwnTokensAndOneHangingDoesNotStallAnother()
      throws Exception {
    ExactStubs.tokenChain(exactA, 3);
    // shop-b's own token chain at its own Exact
    ExactStubs.token(exactB, "RT-B1", "RT-B2", "AT-B1");
    items(exactA, "123456", 0);
    items(exactB, "654321", 0);
    order(squarespaceA);
    order(squarespaceB);
    Map<String, String> settings = settingsA();
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      ConnectionRegistry registry = registry(h, settings);
      write("shop-b", shopB());
      // a second shop booking into the default connection's division
      write(
          "shop-c",
          "squarespace.api-key = key-c\nexact.division = 123456\nexact.refresh-token = RT2\n");
      ConnectionDefinitions definitions = definitions(settings);
      assertEquals(
          List.of("started shop-b", "started shop-c"), registry.reconcile(definitions.scan()));

      // each connection's order flow: its own endpoints, and its own Quartz job (group = id)
      assertEquals("direct://order-shop-b", endpoint(h, "order-sync-shop-b"));
      assertTrue(endpoint(h, "orders-poll-shop-b").startsWith("quartz://shop-b/orders-poll"));
      assertEquals("direct://order", endpoint(h, "order-sync"));

      ExactApi a = h.bean("exactApi", ExactApi.class);
      ExactApi b = wiring.connection("shop-b").exact().api();
      assertEquals(1, a.all("logistics/Items", OData.select("ID"), Priority.ORDERS).size());
      assertEquals(1, b.all("logistics/Items", OData.select("ID"), Priority.ORDERS).size());
      exactA.verify(
          getRequestedFor(urlPathEqualTo("/api/v1/123456/logistics/Items"))
              .withHeader("Authorization", equalTo("Bearer AT1")));
      exactB.verify(
          getRequestedFor(urlPathEqualTo("/api/v1/654321/logistics/Items"))
              .withHeader("Authorization", equalTo("Bearer AT-B1")));
      assertEquals(
          0,
          exactA.findAll(getRequestedFor(urlPathEqualTo("/api/v1/654321/logistics/Items"))).size());

      // each site with its own key, at its own Squarespace
      SquarespaceApi siteA = h.bean("squarespaceApi", SquarespaceApi.class);
      assertEquals("o-1", siteA.orderJson("o-1").path("id").asText());
      assertEquals(
          "o-1",
          wiring.connection("shop-b").squarespace().api().orderJson("o-1").path("id").asText());
      squarespaceA.verify(
          1,
          getRequestedFor(urlPathEqualTo("/1.0/commerce/orders/o-1"))
              .withHeader("Authorization", equalTo("Bearer test-squarespace-key")));
      squarespaceB.verify(
          1,
          getRequestedFor(urlPathEqualTo("/1.0/commerce/orders/o-1"))
              .withHeader("Authorization", equalTo("Bearer key-b")));

      // each connection's state is keyed by its own id (its file's name), its claims by the node
      assertEquals("shop-b", wiring.connection("shop-b").state().connection().id());
      assertEquals(654321, wiring.connection("shop-b").state().division().getAsInt());
      assertEquals(claims(h), wiring.connection("shop-b").state().claims().instance());

      // one governor per division: shop-c counts with the default connection, shop-b apart
      assertSame(
          h.bean("exactRateGovernor", ExactRateGovernor.class),
          wiring.connection("shop-c").exact().governor());
      assertFalse(
          wiring.connection("shop-b").exact().governor()
              == wiring.connection("shop-c").exact().governor());

      // shop-b's Exact hangs: the default connection's calls go on meanwhile
      items(exactB, "654321", 8000);
      CompletableFuture<Integer> hanging =
          CompletableFuture.supplyAsync(
              () -> b.all("logistics/Items", OData.select("ID"), Priority.ORDERS).size());
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  exactB
                          .findAll(
                              getRequestedFor(urlPathEqualTo("/api/v1/654321/logistics/Items")))
                          .size()
                      == 2);
      assertEquals(1, a.all("logistics/Items", OData.select("ID"), Priority.ORDERS).size());
      assertFalse(hanging.isDone(), "shop-b's call is still waiting for its Exact");
      assertEquals(1, hanging.get(30, TimeUnit.SECONDS));

      // shop-b removed: its routes go, the default connection's stay
      remove("shop-b");
      assertEquals(List.of("removed shop-b"), registry.reconcile(definitions.scan()));
      assertNull(h.context().getRoute("exact-call-shop-b"));
      assertNull(h.context().getRoute("orders-poll-shop-b"));
      assertNull(h.context().getRoute("order-sync-shop-b"));
      assertThrows(
          RuntimeException.class,
          () -> b.all("logistics/Items", OData.select("ID"), Priority.ORDERS));
      assertEquals(1, a.all("logistics/Items", OData.select("ID"), Priority.ORDERS).size());
      registry.stopAll();
    }
  }

  private static String claims(ConnectorHarness h) {
    return h.bean("orderClaims", OrderClaims.class).instance();
  }

  private static void order(WireMockExtension wm) {
    wm.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders/o-1"))
            .willReturn(okJson("{\"id\":\"o-1\",\"orderNumber\":\"1001\"}")));
  }

  private static void items(WireMockExtension wm, String division, int delayMillis) {
    wm.stubFor(
        get(urlPathEqualTo("/api/v1/" + division + "/logistics/Items"))
            .willReturn(
                ExactStubs.json(
                        200,
                        "{\"d\":{\"results\":[{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.Item\"},"
                            + "\"ID\":\"1\"}]}}")
                    .withFixedDelay(delayMillis)));
  }
}
