package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.sqexact.sandbox.SandboxSquarespaceApi.ApiError;

/**
 * Product writes of the fake Squarespace Products API v2 (squarespace-api.md §4): create ({@code
 * POST /v2/commerce/products}: {@code storePageId}, {@code type}, 1–100 {@code variants}), update a
 * product ({@code POST /v2/commerce/products/{id}}, partial: name, description, isVisible) and a
 * variant ({@code POST …/variants/{variantId}}: sku, pricing; stock cannot be changed here). SKUs
 * at most 60 characters and unique among a product's variants (409 {@code SKU_UNAVAILABLE}); prices
 * in the store currency (400 {@code CURRENCY_MISMATCH}), at most 1,000,000.
 */
final class SandboxProducts {

  private static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

  private SandboxProducts() {}

  static JsonNode create(SquarespaceShop shop, JsonNode body) {
    String page = body.path("storePageId").asText("");
    if (page.isEmpty()) {
      throw invalid("MISSING_ARGUMENT", "storePageId is required.");
    }
    if (!page.equals(shop.storePageId())) {
      throw new ApiError(404, "INVALID_REQUEST_ERROR", null, "Store page " + page + " not found.");
    }
    String type = body.path("type").asText("");
    if (!Set.of("PHYSICAL", "SERVICE", "GIFT_CARD", "DIGITAL").contains(type)) {
      throw invalid("INVALID_ARGUMENT", "type must be PHYSICAL, SERVICE, GIFT_CARD or DIGITAL.");
    }
    JsonNode variants = body.path("variants");
    if (!variants.isArray() || variants.isEmpty() || variants.size() > 100) {
      throw invalid("INVALID_ARGUMENT", "A product is created with 1 to 100 variants.");
    }
    String name = body.path("name").asText("").trim();
    if (name.isEmpty()) {
      throw invalid("MISSING_ARGUMENT", "name is required.");
    }
    ObjectNode product = Http.object();
    product.put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    product.put("type", type);
    product.put("storePageId", page);
    product.put("name", name);
    product.put("description", body.path("description").asText(""));
    product.put("url", "/shop/p/" + name.toLowerCase().replaceAll("[^a-z0-9]+", "-"));
    product.put("isVisible", body.path("isVisible").asBoolean(true));
    product.putArray("variantAttributes");
    ArrayNode out = product.putArray("variants");
    Set<String> skus = new HashSet<>();
    for (JsonNode v : variants) {
      ObjectNode variant = out.addObject();
      variant.put("id", UUID.randomUUID().toString());
      String sku = sku(v.path("sku").asText(""));
      if (!skus.add(sku)) {
        throw new ApiError(
            409,
            "CONFLICT",
            "SKU_UNAVAILABLE",
            "SKU " + sku + " is already in use by the Product.");
      }
      variant.put("sku", sku);
      variant.putObject("attributes");
      variant.set("pricing", pricing(shop, v.path("pricing")));
      ObjectNode stock = variant.putObject("stock");
      stock.put("quantity", v.path("stock").path("quantity").asInt(0));
      stock.put("unlimited", v.path("stock").path("unlimited").asBoolean(false));
    }
    product.put("createdOn", shop.now());
    product.put("modifiedOn", shop.now());
    shop.addProduct(product);
    return product.deepCopy();
  }

  static JsonNode update(SquarespaceShop shop, String productId, JsonNode body) {
    ObjectNode product = find(shop, productId);
    if (body.has("name")) {
      String name = body.path("name").asText("").trim();
      if (name.isEmpty()) {
        throw invalid("INVALID_ARGUMENT", "name cannot be empty.");
      }
      product.put("name", name);
    }
    if (body.has("description")) {
      product.put("description", body.path("description").asText(""));
    }
    if (body.has("isVisible")) {
      product.put("isVisible", body.path("isVisible").asBoolean());
    }
    shop.touch(product);
    return product.deepCopy();
  }

  static JsonNode updateVariant(
      SquarespaceShop shop, String productId, String variantId, JsonNode body) {
    ObjectNode product = find(shop, productId);
    if (body.has("stock")) {
      throw invalid(
          "INVALID_ARGUMENT", "Stock quantity can't be updated by this endpoint (Inventory API).");
    }
    for (JsonNode v : product.path("variants")) {
      if (v.path("id").asText().equals(variantId)) {
        ObjectNode variant = (ObjectNode) v;
        if (body.has("sku")) {
          String sku = sku(body.path("sku").asText(""));
          for (JsonNode other : product.path("variants")) {
            if (other != v && sku.equals(other.path("sku").asText())) {
              throw new ApiError(409, "CONFLICT", "SKU_UNAVAILABLE", "SKU " + sku + " in use.");
            }
          }
          variant.put("sku", sku);
        }
        if (body.has("pricing")) {
          ObjectNode pricing = (ObjectNode) variant.path("pricing");
          ObjectNode given = pricing(shop, body.path("pricing"));
          pricing.setAll(given);
        }
        shop.touch(product);
        return product.deepCopy();
      }
    }
    throw new ApiError(
        404,
        "INVALID_REQUEST_ERROR",
        "PRODUCT_VARIANT_NOT_FOUND",
        "Variant " + variantId + " not found.");
  }

  private static ObjectNode find(SquarespaceShop shop, String productId) {
    for (ObjectNode p : shop.liveProducts()) {
      if (p.path("id").asText().equals(productId)) {
        return p;
      }
    }
    throw new ApiError(404, "INVALID_REQUEST_ERROR", null, "Product " + productId + " not found.");
  }

  private static String sku(String given) {
    String sku = given.trim();
    if (sku.length() > 60) {
      throw invalid("INVALID_ARGUMENT", "sku is longer than 60 characters.");
    }
    return sku;
  }

  private static ObjectNode pricing(SquarespaceShop shop, JsonNode given) {
    ObjectNode pricing = Http.object();
    JsonNode base = given.path("basePrice");
    if (base.isMissingNode()) {
      throw invalid("MISSING_ARGUMENT", "pricing.basePrice is required.");
    }
    String currency = shop.website().path("currency").asText("EUR");
    if (!currency.equals(base.path("currency").asText())) {
      throw invalid("CURRENCY_MISMATCH", "Prices must be in the store currency " + currency + ".");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(base.path("value").asText());
    } catch (NumberFormatException e) {
      throw invalid("INVALID_ARGUMENT", "basePrice.value is not a number.");
    }
    if (value.signum() < 0 || value.compareTo(MAX_PRICE) > 0) {
      throw invalid("INVALID_ARGUMENT", "basePrice.value must be between 0 and 1,000,000.");
    }
    ObjectNode b = pricing.putObject("basePrice");
    b.put("currency", currency);
    b.put("value", value.toPlainString());
    ObjectNode sale = pricing.putObject("salePrice");
    sale.put("currency", currency);
    sale.put("value", value.toPlainString());
    pricing.put("onSale", given.path("onSale").asBoolean(false));
    return pricing;
  }

  private static ApiError invalid(String subtype, String message) {
    return new ApiError(400, "INVALID_REQUEST_ERROR", subtype, message);
  }
}
