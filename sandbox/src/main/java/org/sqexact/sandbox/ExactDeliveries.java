package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The warehouse of the sandbox's Exact Online: delivers a sales order as Exact's "Deliver" screen
 * does ({@code salesorder/GoodsDeliveries} with one line per order line, tracking number and
 * shipping method; the delivered quantity leaves the stock and the reservation).
 */
final class ExactDeliveries {

  private ExactDeliveries() {}

  /**
   * Delivers every line of the sales order with this {@code OrderNumber}.
   *
   * @return the goods delivery (a copy)
   * @throws IllegalArgumentException when there is no such sales order
   */
  static ObjectNode deliver(
      ExactDivision div, int orderNumber, String trackingNumber, String shippingMethodCode) {
    synchronized (div) {
      ObjectNode order =
          div.findFirst("salesorder/salesorders", "OrderNumber", Integer.toString(orderNumber))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException("No sales order " + orderNumber + " in Exact"));
      Optional<ObjectNode> method =
          div.findFirst("sales/shippingmethods", "Code", shippingMethodCode);
      String warehouse = order.path("WarehouseID").asText(null);
      if (warehouse == null || warehouse.isEmpty() || "null".equals(warehouse)) {
        warehouse = div.mainWarehouseId();
      }
      String now = ODataValues.date(div.clock().instant());
      ObjectNode delivery = Http.object();
      String entryId = java.util.UUID.randomUUID().toString();
      delivery.put("EntryID", entryId);
      delivery.put("DeliveryDate", now);
      delivery.set("DeliveryAccount", order.get("DeliverTo"));
      delivery.put("TrackingNumber", trackingNumber);
      delivery.put("Description", "Levering order " + orderNumber);
      delivery.put("Warehouse", warehouse);
      if (method.isPresent()) {
        delivery.set("ShippingMethod", method.get().get("ID"));
        delivery.set("ShippingMethodCode", method.get().get("Code"));
        delivery.set("ShippingMethodDescription", method.get().get("Description"));
      }
      ArrayNode lines = delivery.putArray("GoodsDeliveryLines");
      for (JsonNode line : order.path("SalesOrderLines")) {
        BigDecimal qty = ExactDivision.dec(line, "Quantity");
        ObjectNode l = lines.addObject();
        l.put("EntryID", entryId); // as Exact links a line to its delivery
        l.set("Item", line.get("Item"));
        l.set("ItemCode", line.get("ItemCode"));
        l.set("SalesOrderLineID", line.get("ID"));
        l.put("SalesOrderNumber", orderNumber);
        l.put("QuantityOrdered", qty);
        l.put("QuantityDelivered", qty);
        l.put("DeliveryDate", now);
        l.put("TrackingNumber", trackingNumber);
        takeFromStock(div, line.path("Item").asText(), warehouse, qty);
        if (line instanceof ObjectNode ol) {
          ol.put("QuantityDelivered", qty);
        }
      }
      if (order.has("DeliveryStatus")) {
        order.put("DeliveryStatus", 21);
      }
      div.touch(order);
      return div.insert(div.resolve("salesorder/GoodsDeliveries"), delivery, false).deepCopy();
    }
  }

  private static void takeFromStock(
      ExactDivision div, String itemId, String warehouse, BigDecimal qty) {
    Optional<ObjectNode> item = div.byId("logistics/items", itemId);
    if (item.isEmpty() || !item.get().path("IsStockItem").asBoolean(false)) {
      return;
    }
    ObjectNode iw = div.itemWarehouse(itemId, warehouse, true);
    iw.put("CurrentStock", ExactDivision.dec(iw, "CurrentStock").subtract(qty));
    iw.put(
        "ReservedStock", ExactDivision.dec(iw, "ReservedStock").subtract(qty).max(BigDecimal.ZERO));
    iw.put(
        "PlannedStockOut",
        ExactDivision.dec(iw, "PlannedStockOut").subtract(qty).max(BigDecimal.ZERO));
    ExactDivision.recalcProjected(iw);
    div.touch(iw);
    item.get().put("Stock", ExactDivision.dec(item.get(), "Stock").subtract(qty));
    div.touch(item.get());
  }
}
