package org.sqexact.sandbox;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Demo controls for the flows back to the shop ({@code sandbox/demo-return-flows.camel.yaml},
 * loaded only in the demo): change stock in the sandbox's Exact Online, deliver a booked order
 * there, and look at a SKU in the sandbox shop. Answers 404 when the demo is not running.
 */
public final class ReturnFlowControls {

  private final DemoSandbox sandbox;

  /**
   * @param sandbox the running sandbox, or null outside the demo
   */
  public ReturnFlowControls(DemoSandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** POST /demo/exact/stock/{code}/{quantity}: the item's stock in Exact's main warehouse. */
  public Map<String, Object> setStock(Exchange exchange) {
    if (sandbox == null) {
      return notInDemo(exchange);
    }
    String code = exchange.getMessage().getHeader("code", String.class);
    String quantity = exchange.getMessage().getHeader("quantity", String.class);
    try {
      sandbox.exact().setStock(code, new BigDecimal(quantity).doubleValue());
    } catch (IllegalArgumentException e) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of("error", e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact", "stock of " + code + " in the main warehouse is now " + quantity);
    out.put("next", "within one stock interval: GET /demo/squarespace/stock/" + code);
    return out;
  }

  /** GET /demo/squarespace/stock/{code}: the stock the sandbox shop shows for a SKU. */
  public Map<String, Object> shopStock(Exchange exchange) {
    if (sandbox == null) {
      return notInDemo(exchange);
    }
    String code = exchange.getMessage().getHeader("code", String.class);
    int stock = sandbox.shop().stock(code);
    if (stock < 0) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of("error", "no variant with SKU " + code + " in the sandbox shop");
    }
    return Map.of("sku", code, "shopStock", stock);
  }

  /**
   * POST /demo/exact/deliveries/{number}?tracking=…: the warehouse delivers the Exact sales order
   * booked for Squarespace order #{number} (PostNL, with a tracking number).
   */
  public Map<String, Object> deliver(Exchange exchange) {
    if (sandbox == null) {
      return notInDemo(exchange);
    }
    String number = exchange.getMessage().getHeader("number", String.class);
    String tracking = queryParameter(exchange, "tracking");
    if (tracking == null || tracking.isBlank()) {
      tracking = "3SDEMO" + number + "NL";
    }
    Integer salesOrder = salesOrderOf(number);
    if (salesOrder == null) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of(
          "error", "no sales order in the sandbox's Exact for Squarespace order #" + number);
    }
    var delivery = ExactDeliveries.deliver(sandbox.exact(), salesOrder, tracking, "POSTNL");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact", "sales order " + salesOrder + " delivered, tracking number " + tracking);
    out.put("goodsDelivery", delivery.path("EntryID").asText());
    out.put(
        "next", "within one fulfilment interval the shop shows order #" + number + " as fulfilled");
    return out;
  }

  /** The OrderNumber of the Exact sales order whose YourRef is the Squarespace order number. */
  private Integer salesOrderOf(String squarespaceNumber) {
    for (var so : sandbox.exact().entities("salesorder/SalesOrders")) {
      String ref = so.path("YourRef").asText("");
      if (ref.equals(squarespaceNumber) || ref.matches(".*\\D" + squarespaceNumber)) {
        return so.path("OrderNumber").asInt();
      }
    }
    return null;
  }

  /** For tests and the demo test: delivers the sales order with this Exact number. */
  public void deliverSalesOrder(int salesOrderNumber, String trackingNumber) {
    ExactDeliveries.deliver(sandbox.exact(), salesOrderNumber, trackingNumber, "POSTNL");
  }

  private static Map<String, Object> notInDemo(Exchange exchange) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
    return Map.of("error", "the demo is not running");
  }

  /** A query parameter from the request line (request headers never reach the routes). */
  private static String queryParameter(Exchange exchange, String name) {
    String query = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0
          && java.net.URLDecoder.decode(
                  pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8)
              .equals(name)) {
        return java.net.URLDecoder.decode(
            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
