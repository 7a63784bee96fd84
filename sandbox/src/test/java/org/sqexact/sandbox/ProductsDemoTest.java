package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;

/**
 * The demo with PRODUCTS_ENABLED=true shows the product flow: a price changed in the sandbox's
 * Exact shows in the sandbox shop (with 9 % VAT, as the shop shows prices), a new webshop item
 * becomes a product on the shop's store page, and an item whose end date passed is hidden. A
 * product with several variants keeps its own name. Started as the README's first command starts
 * it.
 */
class ProductsDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode call(ConnectorHarness demo, String method, String path) throws Exception {
    HttpResponse<String> r = demo.call(method, path);
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode product(ConnectorHarness demo, String sku) {
    HttpResponse<String> r = demo.call("GET", "/demo/squarespace/products/" + sku);
    try {
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void itemChangesInExactShowInTheShop() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    settings.put("products.enabled", "true");
    try (ConnectorHarness demo = ConnectorHarness.start(settings, null)) {
      DemoSandbox sandbox = demo.bean("demoSandbox", DemoSandbox.class);
      String ethiopia = sandbox.shop().productBySku("KOF-ETH-250").path("name").asText();

      // a price change in Exact (without VAT; code 3 = 9 %) reaches the shop with VAT
      call(demo, "POST", "/demo/exact/webshop-items/KOF-BRA-250?price=9.00");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> "9.81".equals(product(demo, "KOF-BRA-250").path("price").asText()));
      assertEquals(
          "Brazilië Santos bonen 250 g", product(demo, "KOF-BRA-250").path("name").asText());

      // a new webshop item becomes a product on the shop's store page
      call(
          demo,
          "POST",
          "/demo/exact/webshop-items/KOF-KENIA-250?description=Kenia%20AA%20bonen%20250%20g&price=11.50");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> product(demo, "KOF-KENIA-250") != null);
      JsonNode created = product(demo, "KOF-KENIA-250");
      assertEquals("Kenia AA bonen 250 g", created.path("name").asText());
      assertEquals("13.92", created.path("price").asText(), "11.50 + 21 % (VAT code 1)");
      assertTrue(created.path("visible").asBoolean());
      assertEquals(
          sandbox.shop().storePageId(),
          sandbox.shop().productBySku("KOF-KENIA-250").path("storePageId").asText());

      // its end date passes in Exact: the product is hidden
      call(demo, "POST", "/demo/exact/webshop-items/KOF-KENIA-250/end");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> !product(demo, "KOF-KENIA-250").path("visible").asBoolean(true));

      // the two-variant product (250 g and 1 kg) keeps its name
      assertEquals(ethiopia, sandbox.shop().productBySku("KOF-ETH-250").path("name").asText());
    }
  }
}
