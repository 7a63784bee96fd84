package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Demo controls for the product flow ({@code sandbox/demo-products.camel.yaml}, loaded only in the
 * demo; the flow itself is on with PRODUCTS_ENABLED=true): change or add a webshop item in the
 * sandbox's Exact Online, end it, and look at the shop's product for a SKU.
 */
public final class ProductControls {

  private final DemoSandbox sandbox;
  private final Clock clock;

  public ProductControls(DemoSandbox sandbox, Clock clock) {
    this.sandbox = sandbox;
    this.clock = clock;
  }

  /**
   * POST /demo/exact/webshop-items/{code}?description=…&price=… — changes the webshop item (or adds
   * a new one, VAT code 1, when the code is unknown) in the sandbox's Exact; its Timestamp moves so
   * the next product run picks it up.
   */
  public Map<String, Object> setItem(Exchange exchange) {
    String code = exchange.getMessage().getHeader("code", String.class);
    String description = query(exchange, "description");
    String price = query(exchange, "price");
    BigDecimal amount;
    try {
      amount = price == null ? null : new BigDecimal(price);
    } catch (NumberFormatException e) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
      return Map.of("error", "price must be a number, e.g. 12.50 (without VAT)");
    }
    ObjectNode item = item(code);
    Map<String, Object> out = new LinkedHashMap<>();
    if (item == null) {
      item =
          sandbox
              .exact()
              .addItem(
                  code,
                  description == null ? "Demo item " + code : description,
                  "1",
                  amount == null ? 19.95 : amount.doubleValue(),
                  10);
      sandbox
          .exact()
          .update("logistics/Items", item.path("ID").asText(), i -> i.put("IsWebshopItem", 1));
      out.put("exact", "webshop item " + code + " added");
    } else {
      String d = description;
      sandbox
          .exact()
          .update(
              "logistics/Items",
              item.path("ID").asText(),
              i -> {
                i.put("IsWebshopItem", 1);
                if (d != null) {
                  i.put("Description", d);
                }
                if (amount != null) {
                  i.put("StandardSalesPrice", amount.doubleValue());
                }
              });
      out.put("exact", "webshop item " + code + " changed");
    }
    out.put("next", "within one product interval: GET /demo/squarespace/products/" + code);
    return out;
  }

  /** POST /demo/exact/webshop-items/{code}/end — the item's end date passes: the product hides. */
  public Map<String, Object> endItem(Exchange exchange) {
    String code = exchange.getMessage().getHeader("code", String.class);
    ObjectNode item = item(code);
    if (item == null) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of("error", "no item " + code + " in the sandbox's Exact Online");
    }
    Instant yesterday = clock.instant().minus(Duration.ofDays(1));
    sandbox
        .exact()
        .update(
            "logistics/Items",
            item.path("ID").asText(),
            i -> i.put("EndDate", ODataValues.date(yesterday)));
    return Map.of(
        "exact",
        "item " + code + " ended yesterday",
        "next",
        "within one product interval the shop hides it: GET /demo/squarespace/products/" + code);
  }

  /** GET /demo/squarespace/products/{code} — the sandbox shop's product of a SKU. */
  public Map<String, Object> shopProduct(Exchange exchange) {
    String code = exchange.getMessage().getHeader("code", String.class);
    ObjectNode p = sandbox.shop().productBySku(code);
    if (p == null) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      return Map.of("error", "no product with SKU " + code + " in the sandbox shop (yet)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sku", code);
    out.put("productId", p.path("id").asText());
    out.put("name", p.path("name").asText());
    out.put("visible", p.path("isVisible").asBoolean(true));
    for (JsonNode v : p.path("variants")) {
      if (code.equals(v.path("sku").asText())) {
        out.put("price", v.path("pricing").path("basePrice").path("value").asText());
      }
    }
    return out;
  }

  private ObjectNode item(String code) {
    for (ObjectNode i : sandbox.exact().entities("logistics/Items")) {
      if (code.equals(i.path("Code").asText())) {
        return i;
      }
    }
    return null;
  }

  private static String query(Exchange exchange, String name) {
    String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && Http.decode(pair.substring(0, eq)).equals(name)) {
        return Http.decode(pair.substring(eq + 1));
      }
    }
    return null;
  }
}
