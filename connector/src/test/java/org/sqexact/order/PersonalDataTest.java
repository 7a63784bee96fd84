package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * GDPR through the routes: names Exact echoes in its error texts never reach the ledger, the
 * activity log, the alerts or the log; one order's data can be exported and erased, and an erased
 * order is never booked again.
 */
class PersonalDataTest extends OrderFlowTestSupport {

  private static final List<String> PERSONAL =
      List.of(
          "Jan Jansen", "Jansen", "Keizersgracht", "Amsterdam", "jan.jansen@example.nl", "1015 CJ");

  private ObjectNode order() {
    return Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
  }

  @Test
  void namesExactEchoesInARefusalAreInNoReasonActivityLineAlertOrLogLine() {
    // Exact's refusal names the customer, the street and the city (as its validation texts do)
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                    400,
                    ExactStubs.error(
                        "Account 'Jan Jansen' (Keizersgracht 123-A, 1015 CJ Amsterdam,"
                            + " jan.jansen@example.nl) is geblokkeerd"))));
    StringWriter log = new StringWriter();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender capture =
        WriterAppender.newBuilder()
            .setName("personal-capture")
            .setTarget(log)
            .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
            .build();
    capture.start();
    ctx.getConfiguration().getRootLogger().addAppender(capture, null, null);
    ctx.updateLoggers();
    ObjectNode order = order();
    try {
      poll(order);
    } finally {
      ctx.getConfiguration().getRootLogger().removeAppender("personal-capture");
      ctx.updateLoggers();
      capture.stop();
    }

    var parked = ledger(order);
    assertEquals(State.PARKED, parked.state());
    assertTrue(parked.lastError().contains("is geblokkeerd"), parked.lastError());
    assertTrue(parked.lastError().contains("<personal data>"), parked.lastError());
    StringBuilder stored = new StringBuilder(parked.lastError()).append('\n');
    for (ActivityLog.Entry a :
        connector.bean("activityLog", ActivityLog.class).recent(null, 1000)) {
      stored.append(a.message()).append('\n');
    }
    List<Alerts.Alert> alerts = connector.bean("alerts", Alerts.class).recent();
    assertTrue(alerts.stream().anyMatch(a -> a.code().equals("order-parked")), alerts.toString());
    for (Alerts.Alert a : alerts) {
      stored.append(a.message()).append('\n');
    }
    stored.append(connector.call("GET", "/api/alerts").body());
    String logged = log.toString();
    assertTrue(logged.contains("Order parked"), "the log was captured");
    assertTrue(logged.contains("steps: "), "the failure is logged with its steps: " + logged);
    for (String value : PERSONAL) {
      assertFalse(stored.toString().contains(value), "stored: " + value + " in\n" + stored);
      assertFalse(logged.contains(value), "logged: " + value);
    }
  }

  @Test
  void anOrdersDataIsExportedAndErasedAndTheErasedOrderIsNeverBookedAgain() throws Exception {
    ObjectNode order = order();
    poll(order);
    assertEquals(State.BOOKED, ledger(order).state());

    HttpResponse<String> export = connector.call("GET", "/api/orders/1042/personal-data");
    assertEquals(200, export.statusCode(), export.body());
    JsonNode data = JSON.readTree(export.body());
    assertEquals("booked", data.path("order").path("state").asText());
    assertEquals("1234", data.path("order").path("exactDocumentNumber").asText());
    assertEquals(order.path("id").asText(), data.path("idempotentKey").asText());
    assertTrue(data.path("activity").size() > 2, export.body());
    assertTrue(data.path("refunds").isArray());

    assertEquals(404, connector.call("GET", "/api/orders/9999/personal-data").statusCode());
    HttpResponse<String> erase = connector.call("DELETE", "/api/orders/1042/personal-data");
    assertEquals(200, erase.statusCode(), erase.body());
    assertTrue(JSON.readTree(erase.body()).path("activityLinesDeleted").asInt() > 2);

    JsonNode after = JSON.readTree(connector.call("GET", "/api/orders/1042/personal-data").body());
    assertEquals("booked", after.path("order").path("state").asText(), "the bare facts stay");
    assertEquals(1, after.path("activity").size(), "only the line recording the erasure");
    JsonNode line = after.path("activity").get(0);
    assertEquals("erase", line.path("step").asText());
    assertTrue(line.path("message").asText().contains("the API token"), line.toString());

    // Squarespace still lists the order, modified again: it is not booked a second time
    clock.advance(Duration.ofMinutes(10));
    order.put("modifiedOn", java.time.Instant.now().toString());
    poll(order);
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(State.BOOKED, ledger(order).state());
  }

  @Test
  void erasingAParkedOrderRemovesItsReasonButKeepsItParked() throws Exception {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(ExactStubs.json(400, ExactStubs.error("Verplicht: Betalingsconditie"))));
    ObjectNode order = order();
    poll(order);
    assertEquals(State.PARKED, ledger(order).state());
    assertEquals(
        200,
        connector
            .call("DELETE", "/api/orders/" + order.path("id").asText() + "/personal-data")
            .statusCode());
    var entry = ledger(order);
    assertEquals(State.PARKED, entry.state());
    assertFalse(entry.lastError().contains("Betalingsconditie"), entry.lastError());
    assertNotNull(entry.orderNumber());
    assertNull(
        connector
            .bean("activityLog", ActivityLog.class)
            .recent(order.path("id").asText(), 10)
            .stream()
            .filter(a -> !a.step().equals("erase"))
            .findAny()
            .orElse(null));
  }
}
