package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import org.sqexact.exact.DocumentType;
import org.sqexact.squarespace.SquarespaceJson;

/** The payloads as fixed Java code: a sales order with its lines, and the customer records. */
public final class JavaOrderPayloads implements OrderPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ZoneId SHOP_ZONE = ZoneId.of("Europe/Amsterdam");

  @Override
  public ObjectNode account(JsonNode order, String company, String vatNumber) {
    JsonNode b = order.path("billingAddress");
    ObjectNode a = JSON.createObjectNode();
    String person = fullName(b.path("firstName").asText(null), b.path("lastName").asText(null));
    put(a, "Name", truncate(company != null ? company : person, 50));
    put(a, "Email", text(order, "customerEmail"));
    put(a, "Phone", text(b, "phone"));
    put(a, "AddressLine1", truncate(text(b, "address1"), 100));
    put(a, "AddressLine2", truncate(text(b, "address2"), 100));
    put(a, "Postcode", text(b, "postalCode"));
    put(a, "City", text(b, "city"));
    put(a, "Country", upper(text(b, "countryCode")));
    if (company != null) {
      put(a, "VATNumber", vatNumber);
    }
    a.put("Status", "C");
    a.put("IsSales", true);
    return a;
  }

  @Override
  public ObjectNode contact(JsonNode order) {
    JsonNode b = order.path("billingAddress");
    ObjectNode c = JSON.createObjectNode();
    put(c, "FirstName", text(b, "firstName"));
    put(c, "LastName", text(b, "lastName"));
    put(c, "Email", text(order, "customerEmail"));
    put(c, "Phone", text(b, "phone"));
    return c;
  }

  @Override
  public ObjectNode deliveryAddress(JsonNode order) {
    JsonNode s = order.path("shippingAddress");
    ObjectNode a = JSON.createObjectNode();
    a.put("Type", 4);
    put(a, "AddressLine1", truncate(text(s, "address1"), 100));
    put(a, "AddressLine2", truncate(text(s, "address2"), 100));
    put(a, "Postcode", text(s, "postalCode"));
    put(a, "City", text(s, "city"));
    put(a, "Country", upper(text(s, "countryCode")));
    return a;
  }

  @Override
  public ObjectNode document(DocumentType type, JsonNode order, ObjectNode doc) {
    if (type != DocumentType.SALES_ORDER) {
      throw new IllegalArgumentException("not supported by the fixed payloads: " + type);
    }
    ObjectNode so = JSON.createObjectNode();
    String account = doc.path("accountId").asText();
    so.put("OrderedBy", account);
    so.put("InvoiceTo", account);
    so.put("DeliverTo", account);
    put(so, "DeliveryAddress", text(doc, "deliveryAddressId"));
    put(so, "OrderedByContactPerson", text(doc, "contactId"));
    so.put("YourRef", doc.path("yourRef").asText());
    Instant created = SquarespaceJson.parseInstant(order.path("createdOn").asText(null));
    if (created != null) {
      so.put("OrderDate", created.atZone(SHOP_ZONE).toLocalDate().toString());
    }
    so.put("Description", "Squarespace order #" + order.path("orderNumber").asText());
    put(so, "PaymentCondition", text(doc, "paymentCondition"));
    put(so, "ShippingMethod", text(doc, "shippingMethodId"));
    ArrayNode lines = so.putArray("SalesOrderLines");
    for (JsonNode l : doc.path("lines")) {
      ObjectNode line = lines.addObject();
      line.put("Item", l.path("itemId").asText());
      line.set("Quantity", l.path("quantity"));
      line.set("NetPrice", l.path("unitPrice"));
      line.put("VATCode", l.path("vatCode").asText());
      put(line, "Description", truncate(text(l, "description"), 60));
    }
    return so;
  }

  private static String fullName(String first, String last) {
    String name =
        ((first == null ? "" : first.trim()) + " " + (last == null ? "" : last.trim())).trim();
    return name.isEmpty() ? null : name.replaceAll("\\s+", " ");
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
  }

  private static String upper(String s) {
    return s == null ? null : s.toUpperCase(java.util.Locale.ROOT);
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
