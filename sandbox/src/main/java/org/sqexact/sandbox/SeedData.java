package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the seed data under {@code src/main/resources/demo/}:
 *
 * <ul>
 *   <li>{@code exact-seed.json}: {@code {"sets":[{"set":"crm/Accounts","entities":[…]},…]}},
 *       inserted in file order with {@link ExactDivision#put}.
 *   <li>{@code squarespace-website.json}, {@code squarespace-products.json} (Products v2 shape).
 *   <li>{@code squarespace-orders.json}: orders in the Orders API shape plus helper fields: {@code
 *       _minutesAgo} (createdOn relative to the clock), {@code _modifiedMinutesAgo}, {@code
 *       _fulfilledMinutesAgo} and {@code _payments} (payment specs, refunds with {@code
 *       minutesAgo}).
 *   <li>{@code drip-customers.json}: customers of generated orders.
 * </ul>
 */
final class SeedData {

  private SeedData() {}

  static JsonNode read(String resource) {
    try (InputStream in = SeedData.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Seed resource missing: " + resource);
      }
      return Http.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read seed " + resource, e);
    }
  }

  static List<ObjectNode> dripCustomers() {
    return ShopDocuments.list(read("/demo/drip-customers.json"));
  }

  static void load(SquarespaceShop shop, ExactDivision exact, Clock clock) {
    loadExact(exact);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    shop.website((ObjectNode) read("/demo/squarespace-website.json"));
    for (ObjectNode product : ShopDocuments.list(read("/demo/squarespace-products.json"))) {
      int days = product.path("_daysAgo").asInt(200);
      product.remove("_daysAgo");
      String ts = Http.iso(now.minus(Duration.ofDays(days)));
      product.put("createdOn", ts);
      product.put("modifiedOn", ts);
      shop.addProduct(product);
    }
    for (ObjectNode order : ShopDocuments.list(read("/demo/squarespace-orders.json"))) {
      loadOrder(shop, order, now);
    }
  }

  private static void loadExact(ExactDivision exact) {
    for (JsonNode set : read("/demo/exact-seed.json").path("sets")) {
      String name = set.path("set").asText();
      for (JsonNode entity : set.path("entities")) {
        exact.put(name, (ObjectNode) entity);
      }
    }
  }

  private static void loadOrder(SquarespaceShop shop, ObjectNode order, Instant now) {
    int number = order.path("orderNumber").asInt();
    long jitterMs = (number * 337L) % 1000;
    Instant created =
        now.minus(Duration.ofMinutes(order.path("_minutesAgo").asLong())).plusMillis(jitterMs);
    Instant modified =
        order.has("_modifiedMinutesAgo")
            ? now.minus(Duration.ofMinutes(order.get("_modifiedMinutesAgo").asLong()))
                .plusMillis(jitterMs / 2)
            : created;
    order.put("createdOn", Http.iso(created));
    order.put("modifiedOn", Http.iso(modified));
    if (order.has("_fulfilledMinutesAgo")) {
      String fulfilled =
          Http.iso(
              now.minus(Duration.ofMinutes(order.get("_fulfilledMinutesAgo").asLong()))
                  .plusMillis(jitterMs / 3));
      order.put("fulfilledOn", fulfilled);
      for (JsonNode f : order.path("fulfillments")) {
        if (!f.hasNonNull("shipDate")) {
          ((ObjectNode) f).put("shipDate", fulfilled);
        }
      }
    }
    List<ObjectNode> payments = new ArrayList<>();
    for (JsonNode p : order.path("_payments")) {
      ObjectNode spec = p.deepCopy();
      ArrayNode refunds = Http.JSON.createArrayNode();
      for (JsonNode r : p.path("refunds")) {
        ObjectNode refund = Http.object();
        refund.set("amount", r.get("amount"));
        refund.put(
            "refundedOn",
            Http.iso(
                now.minus(Duration.ofMinutes(r.path("minutesAgo").asLong())).plusMillis(jitterMs)));
        refunds.add(refund);
      }
      spec.set("refunds", refunds);
      payments.add(spec);
    }
    for (String helper :
        new String[] {
          "_minutesAgo", "_modifiedMinutesAgo", "_fulfilledMinutesAgo", "_payments", "_note"
        }) {
      order.remove(helper);
    }
    shop.addOrder(order, payments);
  }
}
