package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * Adds products to the sandbox shop for tests and benchmarks (e.g. a 1,000-item catalogue): one
 * physical product per call with one variant per SKU, as Products v2 lists them.
 */
public final class SandboxCatalogue {

  private SandboxCatalogue() {}

  /**
   * Adds a physical product whose variants carry these SKUs, each with the given stock.
   *
   * @return the variant ids, in the order of the SKUs
   */
  public static java.util.List<String> addProduct(
      DemoSandbox sandbox, String name, String price, int stock, String... skus) {
    SquarespaceShop shop = sandbox.shop();
    ObjectNode p = Http.object();
    p.put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    p.put("type", "PHYSICAL");
    p.put("storePageId", "3ddbe7d617595727ef305eef");
    p.put("name", name);
    p.put("description", "<p>" + name + "</p>");
    p.put("isVisible", true);
    p.putArray("tags");
    p.putArray("variantAttributes");
    p.putArray("images");
    String now = Http.iso(shop.clock().instant());
    p.put("createdOn", now);
    p.put("modifiedOn", now);
    ArrayNode variants = p.putArray("variants");
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (String sku : skus) {
      ObjectNode v = variants.addObject();
      String id = UUID.randomUUID().toString();
      ids.add(id);
      v.put("id", id);
      v.put("sku", sku);
      ObjectNode pricing = v.putObject("pricing");
      pricing.putObject("basePrice").put("value", price).put("currency", "EUR");
      pricing.putObject("salePrice").put("value", "0.00").put("currency", "EUR");
      pricing.put("onSale", false);
      v.putObject("stock").put("quantity", stock).put("unlimited", false);
      v.putObject("attributes");
    }
    synchronized (shop) {
      shop.addProduct(p);
    }
    return ids;
  }
}
