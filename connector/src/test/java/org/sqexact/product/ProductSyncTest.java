package org.sqexact.product;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ExactStubs;

/**
 * Products through the route: Exact's shop items become Squarespace products (price with VAT in the
 * store currency), changes update them, an end date hides them, and what cannot be mapped is
 * reported per item.
 */
class ProductSyncTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ITEMS = ExactStubs.REST + "sync/Logistics/Items";

  private static String item(
      long ts, String code, String name, int webshop, String price, String vat, String end) {
    return "{\"Timestamp\":\""
        + ts
        + "\",\"ID\":\"00000000-0000-4000-8000-0000000001"
        + String.format("%02d", ts % 100)
        + "\",\"Code\":\""
        + code
        + "\",\"Description\":\""
        + name
        + "\",\"ExtraDescription\":null,\"IsWebshopItem\":"
        + webshop
        + ",\"ItemGroupCode\":\"KOF\",\"StandardSalesPrice\":"
        + price
        + ",\"SalesVatCode\":\""
        + vat
        + "\",\"EndDate\":"
        + (end == null ? "null" : "\"" + end + "\"")
        + "}";
  }

  private static void items(String filter, String rows) {
    exact.stubFor(
        get(urlPathEqualTo(ITEMS))
            .withQueryParam("$filter", equalTo(filter))
            .willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  private static void shopJson(String path, String body) {
    squarespace.stubFor(
        get(urlPathEqualTo(path))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private static String product(String id, String name, String sku, String price, boolean visible) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\"PHYSICAL\",\"name\":\""
        + name
        + "\",\"description\":\"<p>"
        + name
        + "</p>\",\"isVisible\":"
        + visible
        + ",\"variants\":[{\"id\":\"var-"
        + id
        + "\",\"sku\":\""
        + sku
        + "\",\"pricing\":{\"basePrice\":{\"value\":\""
        + price
        + "\",\"currency\":\"EUR\"}}}]}";
  }

  private static List<LoggedRequest> shopPosts(String pathRegex) {
    return squarespace.findAll(postRequestedFor(urlPathMatching(pathRegex)));
  }

  private static JsonNode body(String raw) throws Exception {
    return MAPPER.readTree(raw);
  }

  private static void deletions(String filter, String rows) {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "sync/Deleted"))
            .withQueryParam("$filter", equalTo(filter))
            .willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  @Test
  void shopItemsBecomeProductsAndChangesUpdateThem() throws Exception {
    settings.put("products.store-page-id", "PAGE1");
    deletions("Timestamp gt 1L and EntityType eq 9", "");
    String longSku = "X".repeat(61);
    items(
        "Timestamp gt 1L",
        String.join(
            ",",
            item(101, "KOF-A", "Koffie A", 1, "10.00", "3", null),
            item(102, "KOF-B", "Koffie B nieuw", 1, "20.00", "1", null),
            item(103, "KOF-C", "Koffie C", 1, "5.00", "1", "/Date(946684800000)/"),
            item(104, "NOT-WEB", "Intern", 0, "1.00", "1", null),
            item(105, longSku, "Te lang", 1, "1.00", "1", null)));
    items("Timestamp gt 105L", "");
    shopJson("/1.0/authorization/website", "{\"id\":\"w\",\"currency\":\"EUR\"}");
    shopJson(
        "/v2/commerce/products",
        "{\"products\":["
            + product("pb", "Koffie B", "KOF-B", "24.20", true)
            + ","
            + product("pc", "Koffie C", "KOF-C", "6.00", true)
            + "],\"pagination\":{\"hasNextPage\":false}}");
    squarespace.stubFor(
        post(urlPathMatching("/v2/commerce/products.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{}")));
    start();

    connector.template().sendBody("direct:product-sync", null);

    List<LoggedRequest> created = shopPosts("/v2/commerce/products");
    assertEquals(1, created.size());
    JsonNode a = body(created.get(0).getBodyAsString());
    assertEquals("PAGE1", a.path("storePageId").asText());
    assertEquals("Koffie A", a.path("name").asText());
    assertTrue(a.path("isVisible").asBoolean());
    JsonNode variant = a.path("variants").get(0);
    assertEquals("KOF-A", variant.path("sku").asText());
    assertEquals("10.90", variant.path("pricing").path("basePrice").path("value").asText());
    assertEquals("EUR", variant.path("pricing").path("basePrice").path("currency").asText());

    List<LoggedRequest> b = shopPosts("/v2/commerce/products/pb");
    assertEquals(1, b.size());
    assertEquals("Koffie B nieuw", body(b.get(0).getBodyAsString()).path("name").asText());
    assertEquals(0, shopPosts("/v2/commerce/products/pb/variants/.*").size(), "24.20 unchanged");
    List<LoggedRequest> c = shopPosts("/v2/commerce/products/pc");
    assertFalse(body(c.get(0).getBodyAsString()).path("isVisible").asBoolean(), "end date past");
    List<LoggedRequest> price = shopPosts("/v2/commerce/products/pc/variants/var-pc");
    assertEquals(1, price.size());
    assertEquals(
        "6.05",
        body(price.get(0).getBodyAsString())
            .path("pricing")
            .path("basePrice")
            .path("value")
            .asText(),
        "5.00 + 21 %");
    assertEquals(3 + 1, shopPosts("/v2/commerce/products.*").size(), "nothing for NOT-WEB");
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent(null, 50).stream()
            .anyMatch(e -> e.outcome().equals("skipped") && e.message().contains("60 characters")));

    squarespace.resetRequests();
    connector.template().sendBody("direct:product-sync", null);
    assertEquals(0, shopPosts("/v2/commerce/products.*").size(), "nothing changed since 105");
  }

  @Test
  void anItemDeletedInExactHidesItsProduct() throws Exception {
    settings.put("products.store-page-id", "PAGE1");
    items("Timestamp gt 1L", item(101, "KOF-A", "Koffie A", 1, "10.00", "3", null));
    items("Timestamp gt 101L", "");
    deletions("Timestamp gt 1L and EntityType eq 9", "");
    shopJson("/1.0/authorization/website", "{\"id\":\"w\",\"currency\":\"EUR\"}");
    shopJson(
        "/v2/commerce/products",
        "{\"products\":["
            + product("pa", "Koffie A", "KOF-A", "10.90", true)
            + "],\"pagination\":{\"hasNextPage\":false}}");
    squarespace.stubFor(
        post(urlPathMatching("/v2/commerce/products.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{}")));
    start();
    connector.template().sendBody("direct:product-sync", null);
    assertEquals(0, shopPosts("/v2/commerce/products.*").size(), "in the shop as in Exact");

    // Exact deletes the item: sync/Deleted names its ID (EntityType 9 = Items)
    deletions(
        "Timestamp gt 1L and EntityType eq 9",
        "{\"Timestamp\":\"501\",\"EntityKey\":\"00000000-0000-4000-8000-000000000101\","
            + "\"EntityType\":9},{\"Timestamp\":\"502\",\"EntityKey\":"
            + "\"00000000-0000-4000-8000-00000000ffff\",\"EntityType\":9}");
    deletions("Timestamp gt 502L and EntityType eq 9", "");
    connector.template().sendBody("direct:product-sync", null);
    List<LoggedRequest> hidden = shopPosts("/v2/commerce/products/pa");
    assertEquals(1, hidden.size());
    assertEquals("{\"isVisible\":false}", hidden.get(0).getBodyAsString());
    assertEquals(1, shopPosts("/v2/commerce/products.*").size(), "an unknown item is ignored");

    squarespace.resetRequests();
    connector.template().sendBody("direct:product-sync", null);
    assertEquals(0, shopPosts("/v2/commerce/products.*").size(), "read from 502 on: nothing new");
  }
}
