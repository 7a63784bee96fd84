package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP face of the fake Squarespace Commerce APIs: orders, transactions, inventory, products v2 and
 * site info, with Squarespace's auth, User-Agent, paging and error rules.
 */
final class SandboxSquarespaceApi implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxSquarespaceApi.class);

  static final List<String> PAYMENT_STATES =
      List.of(
          "NOT_CHARGED",
          "AUTHORIZED",
          "PAID",
          "REFUNDED",
          "PENDING",
          "FAILED",
          "REFUND_PENDING",
          "REFUND_FAILED",
          "PARTIALLY_PAID");
  static final List<String> DEFAULT_PAYMENT_STATES =
      List.of("NOT_CHARGED", "AUTHORIZED", "PAID", "REFUNDED");
  static final List<String> FULFILLMENT_STATUSES = List.of("PENDING", "FULFILLED", "CANCELED");
  private static final int MAX_ADJUSTMENT_OPERATIONS = 50;

  private final SquarespaceShop shop;
  private final String contextPath;

  SandboxSquarespaceApi(SquarespaceShop shop, String contextPath) {
    this.shop = shop;
    this.contextPath = contextPath;
  }

  /** A Squarespace error: status, type, subtype, message. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String type;
    final String subtype;

    ApiError(int status, String type, String subtype, String message) {
      super(message);
      this.status = status;
      this.type = type;
      this.subtype = subtype;
    }
  }

  private static ApiError invalid(String subtype, String message) {
    return new ApiError(400, "INVALID_REQUEST_ERROR", subtype, message);
  }

  private static final class Response {
    int status;
    JsonNode json;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath().substring(contextPath.length());
      String query = exchange.getRequestURI().getQuery();
      String pathAndQuery = path + (query == null ? "" : "?" + query);
      byte[] body = Http.body(exchange);
      Response r = new Response();
      synchronized (shop) {
        try {
          r.json = process(exchange, method, path, body);
          r.status = r.json == null ? 204 : 200;
        } catch (ApiError e) {
          r.status = e.status;
          r.json = errorBody(e.type, e.subtype, e.getMessage());
        } catch (RuntimeException e) {
          LOG.warn("Demo Squarespace failed on {} {}", method, pathAndQuery, e);
          r.status = 500;
          r.json = errorBody("SERVER_ERROR", null, "Internal error in the demo sandbox: " + e);
        }
        shop.logRequest(method, pathAndQuery, r.status);
      }
      if (r.json == null) {
        Http.sendEmpty(exchange, r.status);
      } else {
        Http.sendJson(exchange, r.status, r.json);
      }
    } finally {
      exchange.close();
    }
  }

  static ObjectNode errorBody(String type, String subtype, String message) {
    ObjectNode body = Http.object();
    body.put("type", type);
    if (subtype == null) {
      body.putNull("subtype");
    } else {
      body.put("subtype", subtype);
    }
    body.put("message", message);
    body.putNull("details");
    body.put("contextId", Http.contextId());
    return body;
  }

  // =====================================================================================
  // routing
  // =====================================================================================

  private JsonNode process(HttpExchange exchange, String method, String path, byte[] body) {
    if (shop.tooManyRequests()) {
      throw new ApiError(
          429, "TOO_MANY_REQUESTS", null, "Too many requests; retry after a 60 second cool-down.");
    }
    String userAgent = Http.header(exchange, "User-Agent");
    if (userAgent == null || userAgent.isEmpty()) {
      throw invalid("MISSING_ARGUMENT", "The User-Agent header is required.");
    }
    String auth = Http.header(exchange, "Authorization");
    if (auth == null || !auth.equals("Bearer " + DemoSandbox.API_KEY)) {
      throw new ApiError(
          401,
          "AUTHORIZATION_ERROR",
          null,
          auth == null ? "Missing Authorization header." : "Invalid API key or access token.");
    }
    Map<String, String> params;
    try {
      params = Http.query(exchange);
    } catch (IllegalArgumentException e) {
      throw invalid("INVALID_ARGUMENT", "Malformed query string.");
    }
    String[] seg = path.replaceAll("^/+|/+$", "").split("/");
    String route = String.join("/", seg);
    if (route.equals("1.0/authorization/website")) {
      requireMethod(method, "GET");
      return shop.website();
    }
    if (route.equals("1.0/commerce/orders")) {
      requireMethod(method, "GET");
      return orders(params);
    }
    if (seg.length == 4 && route.startsWith("1.0/commerce/orders/")) {
      requireMethod(method, "GET");
      return order(seg[3]);
    }
    if (seg.length == 5
        && route.startsWith("1.0/commerce/orders/")
        && seg[4].equals("fulfillments")) {
      requireMethod(method, "POST");
      fulfil(exchange, seg[3], body);
      return null;
    }
    if (route.equals("1.0/commerce/transactions")) {
      requireMethod(method, "GET");
      return transactions(params);
    }
    if (seg.length == 4 && route.startsWith("1.0/commerce/transactions/")) {
      requireMethod(method, "GET");
      return transactionsById(seg[3]);
    }
    if (route.equals("1.0/commerce/inventory")) {
      requireMethod(method, "GET");
      return inventory(params);
    }
    if (route.equals("1.0/commerce/inventory/adjustments")) {
      requireMethod(method, "POST");
      adjust(exchange, body);
      return null;
    }
    if (seg.length == 4 && route.startsWith("1.0/commerce/inventory/")) {
      requireMethod(method, "GET");
      return inventoryById(seg[3]);
    }
    if (route.equals("v2/commerce/products")) {
      if (method.equals("POST")) {
        return SandboxProducts.create(shop, jsonBody(exchange, body));
      }
      requireMethod(method, "GET");
      return products(params);
    }
    if (seg.length == 4 && route.startsWith("v2/commerce/products/")) {
      if (method.equals("POST")) {
        return SandboxProducts.update(shop, seg[3], jsonBody(exchange, body));
      }
      requireMethod(method, "GET");
      return productsById(seg[3]);
    }
    if (seg.length == 6 && route.startsWith("v2/commerce/products/") && seg[4].equals("variants")) {
      requireMethod(method, "POST");
      return SandboxProducts.updateVariant(shop, seg[3], seg[5], jsonBody(exchange, body));
    }
    throw new ApiError(404, "INVALID_REQUEST_ERROR", null, "No resource at " + path + ".");
  }

  private static void requireMethod(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new ApiError(
          405, "METHOD_NOT_ALLOWED", null, "Method " + actual + " is not allowed here.");
    }
  }

  // =====================================================================================
  // orders
  // =====================================================================================

  private JsonNode order(String id) {
    if (!id.matches("[0-9a-f]{24}")) {
      throw invalid("INVALID_ARGUMENT", "Invalid order id '" + id + "'.");
    }
    return shop.order(id)
        .orElseThrow(
            () -> new ApiError(404, "INVALID_REQUEST_ERROR", null, "Order " + id + " not found."));
  }

  private JsonNode orders(Map<String, String> params) {
    ObjectNode cursor;
    if (params.containsKey("cursor")) {
      cursor = cursorOnly(params, "orders");
    } else {
      cursor = Http.object();
      cursor.put("k", "orders");
      window(params, cursor, true);
      List<String> states = DEFAULT_PAYMENT_STATES;
      String ps = params.get("paymentStates");
      if (ps != null) {
        states = new ArrayList<>();
        for (String s : ps.split(",")) {
          String state = s.trim();
          if (!PAYMENT_STATES.contains(state)) {
            throw invalid(
                "INVALID_ARGUMENT",
                "Invalid paymentStates value '" + state + "'; allowed: " + PAYMENT_STATES + ".");
          }
          states.add(state);
        }
      }
      ArrayNode p = cursor.putArray("p");
      states.forEach(p::add);
      String fs = params.get("fulfillmentStatus");
      if (fs != null) {
        if (!FULFILLMENT_STATUSES.contains(fs)) {
          throw invalid(
              "INVALID_ARGUMENT",
              "Invalid fulfillmentStatus '" + fs + "'; allowed: " + FULFILLMENT_STATUSES + ".");
        }
        cursor.put("f", fs);
      }
      if (params.get("customerId") != null) {
        cursor.put("c", params.get("customerId"));
      }
    }
    Set<String> states = new HashSet<>();
    cursor.path("p").forEach(s -> states.add(s.asText()));
    String fs = cursor.path("f").asText(null);
    String customer = cursor.path("c").asText(null);
    List<ObjectNode> rows = new ArrayList<>();
    for (ObjectNode o : shop.sortedOrders()) {
      if (!states.contains(o.path("paymentState").asText())) {
        continue;
      }
      if (fs != null && !fs.equals(o.path("fulfillmentStatus").asText())) {
        continue;
      }
      if (customer != null && !customer.equals(o.path("customerId").asText(null))) {
        continue;
      }
      rows.add(o);
    }
    return page("result", "/1.0/commerce/orders", cursor, rows, o -> o.path("modifiedOn").asText());
  }

  private void fulfil(HttpExchange exchange, String id, byte[] body) {
    ObjectNode order = (ObjectNode) order(id);
    JsonNode request = jsonBody(exchange, body);
    JsonNode shipments = request.path("shipments");
    if (!shipments.isArray()) {
      throw invalid("MISSING_ARGUMENT", "shipments is required.");
    }
    if ("CANCELED".equals(order.path("fulfillmentStatus").asText())) {
      throw new ApiError(409, "CONFLICT", null, "A canceled order cannot be fulfilled.");
    }
    String now = Http.iso(shop.clock().instant());
    shop.updateOrder(
        id,
        o -> {
          ArrayNode list =
              o.get("fulfillments") != null && o.get("fulfillments").isArray()
                  ? (ArrayNode) o.get("fulfillments")
                  : o.putArray("fulfillments");
          for (JsonNode s : shipments) {
            ObjectNode f = list.addObject();
            f.set("shipDate", s.hasNonNull("shipDate") ? s.get("shipDate") : f.textNode(now));
            f.set("carrierName", s.get("carrierName"));
            f.set("service", s.get("service"));
            f.set("trackingNumber", s.get("trackingNumber"));
            f.set("trackingUrl", s.get("trackingUrl"));
          }
          o.put("fulfillmentStatus", "FULFILLED");
          o.put("fulfilledOn", now);
        });
  }

  // =====================================================================================
  // transactions
  // =====================================================================================

  private JsonNode transactions(Map<String, String> params) {
    ObjectNode cursor;
    if (params.containsKey("cursor")) {
      cursor = cursorOnly(params, "transactions");
    } else {
      cursor = Http.object();
      cursor.put("k", "transactions");
      window(params, cursor, false);
      if (params.get("orderId") != null) {
        cursor.put("o", params.get("orderId"));
      }
    }
    String orderId = cursor.path("o").asText(null);
    List<ObjectNode> rows = new ArrayList<>();
    for (ObjectNode d : shop.liveTransactions().values()) {
      if (orderId == null || orderId.equals(d.path("salesOrderId").asText())) {
        rows.add(d);
      }
    }
    rows.sort(
        (a, b) -> {
          int c = a.path("modifiedOn").asText().compareTo(b.path("modifiedOn").asText());
          return c != 0 ? c : a.path("id").asText().compareTo(b.path("id").asText());
        });
    return page(
        "documents",
        "/1.0/commerce/transactions",
        cursor,
        rows,
        d -> d.path("modifiedOn").asText());
  }

  private JsonNode transactionsById(String csv) {
    ObjectNode out = Http.object();
    ArrayNode docs = out.putArray("documents");
    for (String id : csv.split(",")) {
      ObjectNode found = null;
      for (ObjectNode d : shop.liveTransactions().values()) {
        if (d.path("id").asText().equals(id)) {
          found = d;
        }
      }
      if (found == null) {
        throw new ApiError(404, "INVALID_REQUEST_ERROR", null, "Document " + id + " not found.");
      }
      docs.add(found.deepCopy());
    }
    return out;
  }

  // =====================================================================================
  // inventory and products
  // =====================================================================================

  private JsonNode inventory(Map<String, String> params) {
    ObjectNode cursor;
    if (params.containsKey("cursor")) {
      cursor = cursorOnly(params, "inventory");
    } else {
      cursor = Http.object();
      cursor.put("k", "inventory");
    }
    return page("inventory", "/1.0/commerce/inventory", cursor, shop.inventory(), null);
  }

  private JsonNode inventoryById(String csv) {
    Map<String, ObjectNode> byId = new HashMap<>();
    for (ObjectNode item : shop.inventory()) {
      byId.put(item.path("variantId").asText(), item);
    }
    ObjectNode out = Http.object();
    ArrayNode items = out.putArray("inventory");
    String[] ids = csv.split(",");
    if (ids.length > 50) {
      throw invalid("INVALID_ARGUMENT", "At most 50 ids per request.");
    }
    for (String id : ids) {
      ObjectNode item = byId.get(id);
      if (item == null) {
        throw new ApiError(
            404,
            "INVALID_REQUEST_ERROR",
            "INVENTORY_ITEM_NOT_FOUND",
            "Inventory item " + id + " not found.");
      }
      items.add(item);
    }
    return out;
  }

  private void adjust(HttpExchange exchange, byte[] body) {
    String key = Http.header(exchange, "Idempotency-Key");
    if (key == null || key.isEmpty()) {
      throw invalid("MISSING_ARGUMENT", "The Idempotency-Key header is required.");
    }
    if (!key.matches("[A-Za-z0-9_-]{1,64}")) {
      throw invalid(
          "INVALID_ARGUMENT",
          "Idempotency-Key must be at most 64 characters of letters, digits, '-' and '_'.");
    }
    JsonNode request = jsonBody(exchange, body);
    String hash = sha256(request.toString());
    // validate everything before changing anything (the adjustment is atomic)
    Map<String, ObjectNode> inventory = new LinkedHashMap<>();
    for (ObjectNode item : shop.inventory()) {
      inventory.put(item.path("variantId").asText(), item);
    }
    List<Object[]> ops = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String kind :
        new String[] {"incrementOperations", "decrementOperations", "setFiniteOperations"}) {
      for (JsonNode op : request.path(kind)) {
        String variantId = op.path("variantId").asText(null);
        int qty = op.path("quantity").asInt(-1);
        checkVariant(inventory, seen, variantId);
        boolean set = kind.equals("setFiniteOperations");
        if (!op.path("quantity").isIntegralNumber() || qty < (set ? 0 : 1)) {
          throw invalid(
              "INVALID_ARGUMENT",
              "Invalid quantity for variant " + variantId + " in " + kind + ".");
        }
        ops.add(new Object[] {kind, variantId, qty});
      }
    }
    for (JsonNode op : request.path("setUnlimitedOperations")) {
      String variantId = op.isTextual() ? op.asText() : op.path("variantId").asText(null);
      checkVariant(inventory, seen, variantId);
      ops.add(new Object[] {"setUnlimitedOperations", variantId, 0});
    }
    if (ops.isEmpty()) {
      throw invalid("MISSING_ARGUMENT", "At least one operation is required.");
    }
    if (ops.size() > MAX_ADJUSTMENT_OPERATIONS) {
      throw invalid(
          "INVALID_ARGUMENT",
          "At most "
              + MAX_ADJUSTMENT_OPERATIONS
              + " operations per request; got "
              + ops.size()
              + ".");
    }
    String previous = shop.idempotencyHash(key);
    if (previous != null) {
      if (!previous.equals(hash)) {
        throw invalid(
            "INVALID_ARGUMENT",
            "Idempotency-Key " + key + " was already used with another request.");
      }
      return; // replay of a successful request: same answer, applied once
    }
    for (Object[] op : ops) {
      String kind = (String) op[0];
      ObjectNode item = inventory.get((String) op[1]);
      int qty = (Integer) op[2];
      boolean unlimited = item.path("isUnlimited").asBoolean();
      int current = item.path("quantity").asInt();
      if ((kind.equals("incrementOperations") || kind.equals("decrementOperations")) && unlimited) {
        throw new ApiError(
            409, "CONFLICT", "STOCK_NOT_TRACKED", "Stock of variant " + op[1] + " is unlimited.");
      }
      if (kind.equals("decrementOperations") && current < qty) {
        throw new ApiError(
            409, "CONFLICT", "INSUFFICIENT_STOCK", "Insufficient stock for variant " + op[1] + ".");
      }
    }
    shop.rememberIdempotencyKey(key, hash);
    for (Object[] op : ops) {
      String kind = (String) op[0];
      ObjectNode variant = shop.variant((String) op[1]);
      ObjectNode stock = (ObjectNode) variant.get("stock");
      int qty = (Integer) op[2];
      int current = stock.path("quantity").asInt();
      switch (kind) {
        case "incrementOperations":
          stock.put("quantity", current + qty);
          break;
        case "decrementOperations":
          stock.put("quantity", current - qty);
          break;
        case "setFiniteOperations":
          stock.put("quantity", qty);
          stock.put("unlimited", false);
          break;
        default:
          stock.put("unlimited", true);
          break;
      }
      ObjectNode product = shop.productOfVariant((String) op[1]);
      product.put("modifiedOn", Http.iso(shop.clock().instant()));
    }
  }

  private static void checkVariant(Map<String, ObjectNode> inventory, Set<String> seen, String id) {
    if (id == null || !inventory.containsKey(id)) {
      throw invalid("INVALID_ARGUMENT", "Unknown inventory item (variantId " + id + ").");
    }
    if (!seen.add(id)) {
      throw invalid("INVALID_ARGUMENT", "Variant " + id + " appears in more than one operation.");
    }
  }

  private JsonNode products(Map<String, String> params) {
    ObjectNode cursor;
    if (params.containsKey("cursor")) {
      cursor = cursorOnly(params, "products");
    } else {
      cursor = Http.object();
      cursor.put("k", "products");
      window(params, cursor, true);
      if (params.get("type") != null) {
        ArrayNode types = cursor.putArray("t");
        for (String t : params.get("type").split(",")) {
          String type = t.trim();
          if (!List.of("PHYSICAL", "SERVICE", "GIFT_CARD", "DIGITAL").contains(type)) {
            throw invalid("INVALID_ARGUMENT", "Invalid product type '" + type + "'.");
          }
          types.add(type);
        }
      }
      if (params.get("query") != null) {
        cursor.put("q", params.get("query"));
      }
    }
    Set<String> types = new HashSet<>();
    cursor.path("t").forEach(t -> types.add(t.asText()));
    String q = cursor.path("q").asText(null);
    List<ObjectNode> rows = new ArrayList<>();
    for (ObjectNode p : shop.liveProducts()) {
      if (!types.isEmpty() && !types.contains(p.path("type").asText())) {
        continue;
      }
      if (q != null
          && !p.path("name")
              .asText()
              .toLowerCase(Locale.ROOT)
              .contains(q.toLowerCase(Locale.ROOT))) {
        continue;
      }
      rows.add(p);
    }
    boolean windowed = cursor.has("a");
    return page(
        "products",
        "/v2/commerce/products",
        cursor,
        rows,
        windowed ? p -> p.path("modifiedOn").asText() : null);
  }

  private JsonNode productsById(String csv) {
    ObjectNode out = Http.object();
    ArrayNode list = out.putArray("products");
    for (String id : csv.split(",")) {
      ObjectNode found = null;
      for (ObjectNode p : shop.liveProducts()) {
        if (p.path("id").asText().equals(id)) {
          found = p;
        }
      }
      if (found == null) {
        throw new ApiError(404, "INVALID_REQUEST_ERROR", null, "Product " + id + " not found.");
      }
      list.add(found.deepCopy());
    }
    return out;
  }

  // =====================================================================================
  // windows, cursors, pages
  // =====================================================================================

  /** Reads modifiedAfter/modifiedBefore into the cursor state ({@code a}, {@code b}). */
  private static void window(Map<String, String> params, ObjectNode cursor, boolean bothRequired) {
    String after = params.get("modifiedAfter");
    String before = params.get("modifiedBefore");
    if (bothRequired && (after == null) != (before == null)) {
      throw invalid(
          "MISSING_ARGUMENT",
          after == null
              ? "modifiedAfter is required when modifiedBefore is given."
              : "modifiedBefore is required when modifiedAfter is given.");
    }
    Instant a = after == null ? null : instant("modifiedAfter", after);
    Instant b = before == null ? null : instant("modifiedBefore", before);
    if (a != null && b != null && !b.isAfter(a)) {
      throw invalid("INVALID_ARGUMENT", "modifiedBefore must be later than modifiedAfter.");
    }
    if (a != null) {
      cursor.put("a", Http.iso(a));
    }
    if (b != null) {
      cursor.put("b", Http.iso(b));
    }
  }

  private static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(
          "INVALID_ARGUMENT",
          name + " must be an ISO 8601 UTC date-time (YYYY-MM-DDThh:mm:ss.sZ): '" + value + "'.");
    }
  }

  private static ObjectNode cursorOnly(Map<String, String> params, String kind) {
    if (params.size() > 1) {
      throw invalid("INVALID_ARGUMENT", "cursor cannot be combined with other query parameters.");
    }
    String raw = params.get("cursor");
    try {
      JsonNode node = Http.JSON.readTree(Base64.getUrlDecoder().decode(raw));
      if (node == null || !node.isObject() || !kind.equals(node.path("k").asText())) {
        throw new IllegalArgumentException("wrong cursor");
      }
      return (ObjectNode) node;
    } catch (IOException | IllegalArgumentException e) {
      throw invalid("INVALID_ARGUMENT", "Invalid cursor.");
    }
  }

  /**
   * One page of {@code rows} (already sorted) after the cursor position, within the cursor's window
   * when {@code modifiedOn} is given; builds {@code pagination}.
   */
  private JsonNode page(
      String field,
      String path,
      ObjectNode cursor,
      List<ObjectNode> rows,
      Function<ObjectNode, String> modifiedOn) {
    String after = cursor.path("a").asText(null);
    String before = cursor.path("b").asText(null);
    String lastModified = cursor.path("m").asText(null);
    String lastId = cursor.path("i").asText(null);
    String idField = field.equals("inventory") ? "variantId" : "id";
    List<ObjectNode> selected = new ArrayList<>();
    boolean passedLast = lastId == null || modifiedOn != null;
    for (ObjectNode row : rows) {
      String id = row.path(idField).asText();
      if (modifiedOn != null) {
        Instant m = Instant.parse(modifiedOn.apply(row));
        if (after != null && !m.isAfter(Instant.parse(after))) {
          continue;
        }
        if (before != null && m.isAfter(Instant.parse(before))) {
          continue;
        }
        if (lastModified != null) {
          int c = modifiedOn.apply(row).compareTo(lastModified);
          if (c < 0 || (c == 0 && id.compareTo(lastId) <= 0)) {
            continue;
          }
        }
      } else if (!passedLast) {
        if (id.equals(lastId)) {
          passedLast = true;
        }
        continue;
      }
      selected.add(row);
    }
    if (modifiedOn != null) {
      selected.sort(
          (x, y) -> {
            int c = modifiedOn.apply(x).compareTo(modifiedOn.apply(y));
            return c != 0 ? c : x.path(idField).asText().compareTo(y.path(idField).asText());
          });
    }
    int size = shop.pageSize();
    List<ObjectNode> pageRows = selected.subList(0, Math.min(size, selected.size()));
    ObjectNode out = Http.object();
    ArrayNode list = out.putArray(field);
    pageRows.forEach(r -> list.add(r.deepCopy()));
    ObjectNode pagination = out.putObject("pagination");
    boolean more = selected.size() > size;
    pagination.put("hasNextPage", more);
    if (more) {
      ObjectNode last = pageRows.get(pageRows.size() - 1);
      ObjectNode next = cursor.deepCopy();
      if (modifiedOn != null) {
        next.put("m", modifiedOn.apply(last));
      }
      next.put("i", last.path(idField).asText());
      String token =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(next.toString().getBytes(StandardCharsets.UTF_8));
      pagination.put("nextPageCursor", token);
      pagination.put("nextPageUrl", shop.baseUrl() + path + "?cursor=" + token);
    } else {
      pagination.putNull("nextPageCursor");
      pagination.putNull("nextPageUrl");
    }
    return out;
  }

  private static JsonNode jsonBody(HttpExchange exchange, byte[] body) {
    String contentType = Http.header(exchange, "Content-Type");
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw invalid("INVALID_CONTENT_TYPE", "Content-Type must be application/json.");
    }
    try {
      JsonNode node = Http.JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw invalid("INVALID_ARGUMENT", "A JSON object is expected.");
      }
      return node;
    } catch (IOException e) {
      throw invalid("INVALID_ARGUMENT", "Malformed JSON body.");
    }
  }

  private static String sha256(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
