package org.sqexact.fulfilment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * Order status back to the shop, through the routes: an order booked by the order flow as sales
 * order 1234 is delivered in Exact; the Squarespace order is marked fulfilled with carrier and
 * tracking number, once.
 */
class OrderStatusTest extends OrderFlowTestSupport {

  private static final String DELIVERIES = ExactStubs.REST + "sync/SalesOrder/GoodsDeliveries";
  private static final String LINES = ExactStubs.REST + "salesorder/GoodsDeliveryLines";
  private static final String G1 = "aa000000-0000-4000-8000-000000000001";
  private static final String G2 = "aa000000-0000-4000-8000-000000000002";
  private static final String G3 = "aa000000-0000-4000-8000-000000000003";

  private static void deliveries(String filter, String rows) {
    exact.stubFor(
        get(urlPathEqualTo(DELIVERIES))
            .withQueryParam("$filter", equalTo(filter))
            .willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  private static String delivery(long ts, String id, String tracking) {
    return "{\"Timestamp\":\""
        + ts
        + "\",\"EntryID\":\""
        + id
        + "\",\"TrackingNumber\":"
        + (tracking == null ? "null" : "\"" + tracking + "\"")
        + ",\"ShippingMethodCode\":\"POSTNL\",\"ShippingMethodDescription\":\"PostNL pakket\","
        + "\"DeliveryDate\":\"/Date(1764892800000)/\"}";
  }

  private static void lines(String rows) {
    exact.stubFor(
        get(urlPathEqualTo(LINES)).willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  private static String line(String entry, int salesOrderNumber) {
    return "{\"EntryID\":\""
        + entry
        + "\",\"SalesOrderNumber\":"
        + salesOrderNumber
        + ",\"TrackingNumber\":null}";
  }

  private static List<LoggedRequest> fulfilments(String orderId) {
    return squarespace.findAll(
        postRequestedFor(urlPathEqualTo("/1.0/commerce/orders/" + orderId + "/fulfillments")));
  }

  @Test
  void aDeliveryInExactMarksTheOrderFulfilledWithCarrierAndTrackingNumberOnce() throws Exception {
    ObjectNode order = Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order); // booked as sales order 1234
    String id = order.path("id").asText();
    squarespace.stubFor(
        post(urlPathEqualTo("/1.0/commerce/orders/" + id + "/fulfillments"))
            .willReturn(aResponse().withStatus(204)));
    deliveries("Timestamp gt 1L", delivery(77, G1, "3SABCD1234567") + "," + delivery(78, G2, "X"));
    lines(line(G1, 1234) + "," + line(G2, 999)); // 999: a sales order not from the shop
    deliveries("Timestamp gt 78L", delivery(79, G3, "3SSECOND")); // a second delivery of 1234
    deliveries("Timestamp gt 79L", "");

    connector.template().sendBody("direct:order-status", null);

    List<LoggedRequest> posts = fulfilments(id);
    assertEquals(1, posts.size());
    JsonNode body =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(posts.get(0).getBodyAsString());
    assertTrue(body.path("shouldSendNotification").asBoolean());
    JsonNode shipment = body.path("shipments").get(0);
    assertEquals("PostNL", shipment.path("carrierName").asText());
    assertEquals("PostNL pakket", shipment.path("service").asText());
    assertEquals("3SABCD1234567", shipment.path("trackingNumber").asText());
    assertEquals("2025-12-05T00:00:00Z", shipment.path("shipDate").asText());
    String lineFilter =
        exact
            .findAll(getRequestedFor(urlPathEqualTo(LINES)))
            .get(0)
            .queryParameter("$filter")
            .firstValue();
    assertEquals("EntryID eq guid'" + G1 + "' or EntryID eq guid'" + G2 + "'", lineFilter);

    lines(line(G3, 1234));
    connector.template().sendBody("direct:order-status", null); // the second delivery
    connector.template().sendBody("direct:order-status", null); // nothing new
    assertEquals(1, fulfilments(id).size(), "each order is marked fulfilled at most once");
    List<String> filters =
        exact.findAll(getRequestedFor(urlPathEqualTo(DELIVERIES))).stream()
            .map(r -> r.queryParameter("$filter").firstValue())
            .toList();
    assertEquals(List.of("Timestamp gt 1L", "Timestamp gt 78L", "Timestamp gt 79L"), filters);
  }

  @Test
  void anOrderSquarespaceAlreadyShowsFulfilledIsNotSentAgain() {
    ObjectNode order = Orders.order("1043").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    poll(order);
    String id = order.path("id").asText();
    order.put("fulfillmentStatus", "FULFILLED"); // e.g. fulfilled by hand, or an answer was lost
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders/" + id))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(order.toString())));
    deliveries("Timestamp gt 1L", delivery(5, G1, "T1"));
    lines(line(G1, 1234));

    connector.template().sendBody("direct:order-status", null);

    assertEquals(0, fulfilments(id).size());
    assertEquals(
        "DONE",
        connector.bean("fulfilmentLedger", FulfilmentLedger.class).find(id).orElseThrow().state());
  }
}
