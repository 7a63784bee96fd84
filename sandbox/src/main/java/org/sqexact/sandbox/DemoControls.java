package org.sqexact.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * What the demo lets a newcomer do by hand ({@code sandbox/demo.camel.yaml}, loaded only in the
 * demo): fix the cause of a parked order in the sandbox's Exact Online (create the missing item),
 * or pay a pending order in the sandbox shop.
 */
public final class DemoControls {

  private final DemoSandbox sandbox;

  /**
   * @param sandbox the running sandbox
   */
  public DemoControls(DemoSandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** POST /demo/exact/items/{code}: creates the item in the sandbox's Exact Online. */
  public Map<String, Object> createItem(@Header("code") String code) {
    var item = sandbox.exact().addItem(code, "Demo item " + code, "2", 19.95, 10);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("created", "item " + code + " in the sandbox's Exact Online");
    out.put("id", item.path("ID").asText());
    out.put("next", "POST /api/orders/<number>/retry to book the parked order");
    return out;
  }

  /** POST /demo/squarespace/orders/{number}/pay: marks a pending sandbox order paid. */
  public Map<String, Object> payOrder(@Header("number") String number, Exchange exchange) {
    var order = sandbox.shop().orderByNumber(number);
    if (order.isEmpty()) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of("error", "no order #" + number + " in the sandbox shop");
    }
    sandbox.shop().markPaid(order.get().path("id").asText());
    return Map.of("paid", "order #" + number + "; the next poll books it");
  }
}
