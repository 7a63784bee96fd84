package org.sqexact.fulfilment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.ops.Alerts;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * Names outside the order flow: the fulfilment of a booked order fails with an error text that
 * echoes the customer's name, address and e-mail. The alert, the activity log (the dashboard's
 * trace), the fulfilment's stored reason and the metrics carry none of them.
 */
class FulfilmentPrivacyTest extends OrderFlowTestSupport {

  private static final String G1 = "aa000000-0000-4000-8000-000000000001";

  @Test
  void anErrorTextThatEchoesTheCustomerIsMaskedInAlertsTraceAndLedger() throws Exception {
    ObjectNode order = Orders.order("1050").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order); // booked as sales order 1234
    String id = order.path("id").asText();
    squarespace.stubFor(
        post(urlPathEqualTo("/1.0/commerce/orders/" + id + "/fulfillments"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\":\"INVALID_REQUEST_ERROR\",\"subtype\":\"INVALID_ARGUMENT\","
                            + "\"message\":\"Shipment for Jan Jansen, Keizersgracht 123-A,"
                            + " 1015 CJ Amsterdam (jan.jansen@example.nl) refused\"}")));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "sync/SalesOrder/GoodsDeliveries"))
            .withQueryParam("$filter", equalTo("Timestamp gt 1L"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"Timestamp\":\"5\",\"EntryID\":\""
                            + G1
                            + "\",\"TrackingNumber\":\"T1\",\"ShippingMethodCode\":\"POSTNL\","
                            + "\"ShippingMethodDescription\":\"PostNL\","
                            + "\"DeliveryDate\":\"/Date(1764892800000)/\"}",
                        null))));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "salesorder/GoodsDeliveryLines"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        "{\"EntryID\":\"" + G1 + "\",\"SalesOrderNumber\":1234}", null))));

    connector.template().sendBody("direct:order-status", null);

    FulfilmentLedger ledger = connector.bean("fulfilmentLedger", FulfilmentLedger.class);
    assertEquals("PARKED", ledger.find(id).orElseThrow().state());
    List<String> alerts =
        connector.bean("alerts", Alerts.class).recent().stream()
            .filter(a -> a.code().equals("fulfilment-failed"))
            .map(Alerts.Alert::message)
            .toList();
    assertEquals(1, alerts.size(), alerts.toString());
    assertTrue(alerts.get(0).contains("#1050"), alerts.get(0));
    assertTrue(alerts.get(0).contains("refused"), "the reason stays readable: " + alerts.get(0));

    List<String> texts = new java.util.ArrayList<>(alerts);
    try (java.sql.Connection c =
            connector.bean("connectorDatabase", org.sqexact.store.Database.class).connection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT last_error FROM fulfilment_ledger WHERE order_id = ?")) {
      ps.setString(1, id);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        String stored = rs.getString(1);
        assertTrue(stored != null && stored.contains("refused"), stored);
        texts.add(stored);
      }
    }
    for (ActivityLog.Entry e :
        connector.bean("activityLog", ActivityLog.class).recent("1050", 100)) {
      texts.add(String.valueOf(e.message()));
    }
    texts.add(connector.call("GET", "/api/console/orders/1050/trace").body());
    texts.add(connector.call("GET", "/observe/metrics").body());
    for (String t : texts) {
      for (String personal :
          List.of("Jansen", "Keizersgracht", "1015 CJ", "Amsterdam", "jan.jansen@example.nl")) {
        assertFalse(t.contains(personal), personal + " in: " + t);
      }
    }
  }
}
