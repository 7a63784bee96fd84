package org.sqexact.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.Orders;

/** /observe/metrics shows orders by state, API calls by endpoint and status, budget and tokens. */
class MetricsTest extends OrderFlowTestSupport {

  @Test
  void metricsShowOrdersCallsBudgetAndTokens() throws Exception {
    acceptSalesOrders();
    ObjectNode booked = Orders.order("2001").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
    ObjectNode parked =
        Orders.order("2002").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    poll(booked, parked);

    String metrics = scrape();
    assertEquals(
        1.0, value(metrics, "connector_orders\\{connection=\"default\",state=\"booked\"\\}"));
    assertEquals(
        1.0, value(metrics, "connector_orders\\{connection=\"default\",state=\"parked\"\\}"));
    assertTrue(
        value(
                metrics,
                "connector_api_calls_total\\{api=\"exact\",connection=\"default\","
                    + "endpoint=\"salesorder/SalesOrders\",method=\"POST\",status=\"201\"\\}")
            >= 1.0,
        metrics);
    assertTrue(
        value(
                metrics,
                "connector_api_calls_total\\{api=\"squarespace\",connection=\"default\","
                    + "endpoint=\"/1.0/commerce/orders\",method=\"GET\",status=\"200\"\\}")
            >= 1.0,
        metrics);
    assertTrue(
        metrics.contains(
            "connector_exact_budget_remaining{connection=\"default\",window=\"minute\"}"));
    double refreshLeft =
        value(
            metrics,
            "connector_exact_token_seconds_left\\{connection=\"default\",token=\"refresh\"\\}");
    assertTrue(refreshLeft > 29 * 86400 && refreshLeft <= 30 * 86400, "fresh refresh token");
    assertFalse(metrics.contains("@"), "nothing personal in the metrics");
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = connector.call("GET", "/observe/metrics");
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
    assertTrue(m.find(), "no " + series + " in\n" + metrics);
    return Double.parseDouble(m.group(1));
  }
}
