package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.sandbox.ExactDivision.ExactException;

/**
 * HTTP face of the fake Exact Online: {@code /api/oauth2/token}, {@code /api/v1/current/Me} and the
 * OData v2 REST API under {@code /api/v1/{division}/}.
 */
final class SandboxExactApi implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxExactApi.class);

  private static final Set<String> QUERY_OPTIONS =
      Set.of(
          "$select",
          "$filter",
          "$orderby",
          "$top",
          "$skip",
          "$skiptoken",
          "$expand",
          "$inlinecount",
          "$format");

  private final ExactDivision division;
  private final String contextPath;

  SandboxExactApi(ExactDivision division, String contextPath) {
    this.division = division;
    this.contextPath = contextPath;
  }

  /** What to send back; built under the division lock, written outside it. */
  private static final class Response {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    JsonNode json;
    String text;
    boolean drop;

    static Response json(int status, JsonNode body) {
      Response r = new Response();
      r.status = status;
      r.json = body;
      return r;
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    try {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath().substring(contextPath.length());
      String query = exchange.getRequestURI().getQuery();
      String pathAndQuery = path + (query == null ? "" : "?" + query);
      byte[] body = Http.body(exchange);
      Response response;
      synchronized (division) {
        division.countRequest();
        try {
          response = process(exchange, method, path, pathAndQuery, body);
        } catch (ExactException e) {
          response = error(e.status, e.getMessage());
        } catch (RuntimeException e) {
          LOG.warn("Demo Exact failed on {} {}", method, pathAndQuery, e);
          response = error(500, "Internal error in the demo sandbox: " + e);
        }
        division.log(method, pathAndQuery, response.drop ? 0 : response.status);
      }
      write(exchange, response);
    } finally {
      exchange.close();
      division.handled(System.nanoTime() - started);
    }
  }

  private static void write(HttpExchange exchange, Response r) throws IOException {
    if (r.drop) {
      // Closing an exchange before sending headers closes the TCP connection: the client sees
      // the connection drop although the POST has been committed.
      return;
    }
    r.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (r.json != null) {
      Http.sendJson(exchange, r.status, r.json);
    } else if (r.text != null) {
      Http.sendText(exchange, r.status, "text/plain; charset=utf-8", r.text);
    } else {
      Http.sendEmpty(exchange, r.status);
    }
  }

  static ObjectNode errorBody(String message) {
    ObjectNode body = Http.object();
    ObjectNode err = body.putObject("error");
    err.put("code", "");
    ObjectNode msg = err.putObject("message");
    msg.put("lang", "");
    msg.put("value", message);
    return body;
  }

  private static Response error(int status, String message) {
    return Response.json(status, errorBody(message));
  }

  // =====================================================================================
  // routing
  // =====================================================================================

  private Response process(
      HttpExchange exchange, String method, String path, String pathAndQuery, byte[] body) {
    String[] rule = division.takeFailRule(pathAndQuery);
    if (rule != null) {
      return forcedFailure(path, Integer.parseInt(rule[1]), rule[2]);
    }
    if (path.equalsIgnoreCase("/api/oauth2/token")) {
      if (!method.equals("POST")) {
        return error(405, "Method not allowed.");
      }
      return token(exchange, body);
    }
    if (path.equalsIgnoreCase("/api/oauth2/auth")) {
      return consent(exchange, method);
    }
    if (!path.startsWith("/api/v1/")) {
      return error(404, "The requested resource does not exist.");
    }
    String rest = path.substring("/api/v1/".length());
    String auth = division.checkAccessToken(Http.header(exchange, "Authorization"));
    if (rest.equalsIgnoreCase("current/Me")) {
      if (auth != null) {
        return error(401, auth);
      }
      if (!method.equals("GET")) {
        return error(405, "Method not allowed.");
      }
      Response accept = checkAccept(exchange);
      return accept != null ? accept : me(exchange);
    }
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return error(404, "The requested resource does not exist.");
    }
    String divisionPart = rest.substring(0, slash);
    if (auth != null) {
      return error(401, auth);
    }
    if (!divisionPart.equals(Integer.toString(division.number()))) {
      return error(403, "Forbidden - WrongDivision");
    }
    ExactDivision.RateResult rate = division.countCall();
    if (rate.allowed() && rest.substring(slash + 1).equalsIgnoreCase("system/Divisions")) {
      Response divisions = divisions(method);
      divisions.headers.putAll(rate.headers());
      return divisions;
    }
    if (!rate.allowed()) {
      Response r = error(429, "Too many requests. The API limit has been exceeded.");
      r.headers.putAll(rate.headers());
      return r;
    }
    Response r;
    try {
      r = odata(exchange, method, rest.substring(slash + 1), body);
    } catch (ExactException e) {
      r = error(e.status, e.getMessage());
    } catch (ODataFilter.FilterException e) {
      r = error(400, e.getMessage());
    }
    r.headers.putAll(rate.headers());
    return r;
  }

  private Response forcedFailure(String path, int status, String message) {
    Response r;
    if (path.equalsIgnoreCase("/api/oauth2/token")) {
      ObjectNode body = Http.object();
      body.put("error", status >= 500 ? "server_error" : "invalid_request");
      body.put("error_description", message);
      r = Response.json(status, body);
    } else {
      r = error(status, message);
    }
    String prefix = "/api/v1/" + division.number() + "/";
    if (path.startsWith(prefix)) {
      if (status == 429) {
        r.headers.putAll(division.exhaustedMinuteHeaders());
      } else {
        r.headers.putAll(division.countCall().headers());
      }
    }
    return r;
  }

  private Response checkAccept(HttpExchange exchange) {
    String accept = Http.header(exchange, "Accept");
    if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("application/json")) {
      return error(
          406,
          "Not Acceptable: send 'Accept: application/json'. (Exact answers Atom XML without it;"
              + " the demo sandbox refuses instead.)");
    }
    return null;
  }

  private Response token(HttpExchange exchange, byte[] body) {
    String contentType = Http.header(exchange, "Content-Type");
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      ObjectNode err = Http.object();
      err.put("error", "invalid_request");
      err.put("error_description", "The token request must be application/x-www-form-urlencoded.");
      return Response.json(400, err);
    }
    ExactDivision.TokenResult result =
        division.refresh(Http.form(new String(body, StandardCharsets.UTF_8)));
    Response r = Response.json(result.status(), result.body());
    if (result.reason() != null) {
      r.headers.put("Reason", result.reason());
    }
    r.headers.put("Cache-Control", "no-store");
    return r;
  }

  /**
   * Exact's consent page, {@code GET /api/oauth2/auth}: the demo's user consents at once, and the
   * browser goes back to {@code redirect_uri} with a one-time code (valid 3 minutes, notes §1) and
   * the {@code state} it came with.
   */
  private Response consent(HttpExchange exchange, String method) {
    if (!method.equals("GET")) {
      return error(405, "Method not allowed.");
    }
    Map<String, String> p = params(exchange);
    String redirect = p.get("redirect_uri");
    if (!DemoSandbox.CLIENT_ID.equals(p.get("client_id"))) {
      return error(400, "Unknown client_id.");
    }
    if (!"code".equals(p.get("response_type")) || redirect == null || redirect.isBlank()) {
      return error(400, "Send response_type=code and a redirect_uri.");
    }
    String code = division.issueAuthorizationCode(redirect);
    String state = p.get("state");
    Response r = new Response();
    r.status = 302;
    r.headers.put(
        "Location",
        redirect
            + (redirect.contains("?") ? "&" : "?")
            + "code="
            + java.net.URLEncoder.encode(code, StandardCharsets.UTF_8)
            + (state == null
                ? ""
                : "&state=" + java.net.URLEncoder.encode(state, StandardCharsets.UTF_8)));
    return r;
  }

  /** {@code system/Divisions}: the divisions the user may open (the demo has one). */
  private Response divisions(String method) {
    if (!method.equals("GET")) {
      return error(405, "Method not allowed.");
    }
    ObjectNode row = Http.object();
    row.put("Code", division.number());
    row.put("Description", "Demo Koffiebranderij B.V.");
    row.put("Country", "NL");
    row.put("Currency", "EUR");
    row.put("Current", true);
    ObjectNode d = Http.object();
    d.putArray("results").add(row);
    ObjectNode root = Http.object();
    root.set("d", d);
    return Response.json(200, root);
  }

  private Response me(HttpExchange exchange) {
    SandboxEdmx.EntitySet set = division.edmx().set("current", "Me");
    ObjectNode me = Http.object();
    me.put("CurrentDivision", division.number());
    me.put("AccountingDivision", division.number());
    me.put("DivisionCustomer", "2d7f5d8e-3b4a-4c5d-8e9f-0a1b2c3d4e5f");
    me.put("DivisionCustomerCode", "1");
    me.put("DivisionCustomerName", "Demo Koffiebranderij B.V.");
    me.put("DivisionCustomerVatNumber", "NL001234567B01");
    me.put("Email", "demo@koffiebranderij.example");
    me.put("FirstName", "Demo");
    me.put("FullName", ExactDivision.DEMO_USER_NAME);
    me.put("LastName", "User");
    me.put("Initials", "D.");
    me.put("Language", "NL");
    me.put("LanguageCode", "nl-NL");
    me.put("Legislation", 1L);
    me.put("PackageCode", "WHOLESALE-PLUS");
    me.put("ServerTime", ODataValues.date(division.clock().instant()));
    me.put("ServerUtcOffset", 0.0);
    me.put("UserID", ExactDivision.DEMO_USER_ID);
    me.put("UserName", "demo");
    ExactSet def =
        new ExactSet(
            ExactSet.Kind.STORED,
            "current/Me",
            set,
            null,
            null,
            set.type.properties,
            "UserID",
            set.type.fullName,
            60);
    Map<String, String> params = params(exchange);
    List<String> select = parseSelect(def, params.get("$select"), Set.of());
    ObjectNode d = Http.object();
    d.putArray("results").add(render(def, me, select, Set.of()));
    ObjectNode root = Http.object();
    root.set("d", d);
    return Response.json(200, root);
  }

  // =====================================================================================
  // OData
  // =====================================================================================

  private Response odata(HttpExchange exchange, String method, String rest, byte[] body) {
    String setPath = rest;
    String keyLiteral = null;
    String tail = "";
    int open = rest.indexOf('(');
    if (open >= 0) {
      int close = rest.indexOf(')', open);
      if (close < 0) {
        throw new ExactException(400, "Bad Request - Error in query syntax.");
      }
      setPath = rest.substring(0, open);
      keyLiteral = rest.substring(open + 1, close);
      tail = rest.substring(close + 1);
    } else if (rest.endsWith("/$count")) {
      setPath = rest.substring(0, rest.length() - "/$count".length());
      tail = "/$count";
    }
    ExactSet def = division.resolve(setPath);
    if (def == null) {
      String segment =
          setPath.contains("/") ? setPath.substring(setPath.lastIndexOf('/') + 1) : setPath;
      return error(404, "Resource not found for the segment '" + segment + "'.");
    }
    String key = keyLiteral == null ? null : parseKey(def, keyLiteral);
    switch (method) {
      case "GET":
        {
          Response accept = tail.equals("/$count") ? null : checkAccept(exchange);
          if (accept != null) {
            return accept;
          }
          Map<String, String> params = params(exchange);
          for (String p : params.keySet()) {
            if (p.startsWith("$") && !QUERY_OPTIONS.contains(p)) {
              throw new ExactException(
                  400,
                  "The query parameter '"
                      + p
                      + "' begins with a system-reserved '$' character but is not recognized.");
            }
          }
          if (key == null) {
            return tail.equals("/$count") ? count(def, params) : list(def, params);
          }
          return getByKey(def, key, tail, params);
        }
      case "POST":
        {
          if (key != null) {
            return error(405, "Method not allowed: POST to an entity; POST to the entity set.");
          }
          Response accept = checkAccept(exchange);
          if (accept != null) {
            return accept;
          }
          ObjectNode entity = parseBody(exchange, body);
          ObjectNode stored = division.insert(def, entity, true);
          if (division.takeDropPost(def)) {
            Response r = new Response();
            r.drop = true;
            return r;
          }
          ObjectNode d = render(def, stored, null, Set.of());
          ObjectNode root = Http.object();
          root.set("d", d);
          Response r = Response.json(201, root);
          r.headers.put("Location", entityUri(def, stored));
          return r;
        }
      case "PUT":
      case "MERGE":
        {
          if (key == null) {
            return error(405, "Method not allowed: PUT needs an entity key, e.g. (guid'…').");
          }
          division.updateFromBody(def, key, parseBody(exchange, body));
          Response r = new Response();
          r.status = 204;
          return r;
        }
      case "DELETE":
        {
          if (key == null) {
            return error(405, "Method not allowed: DELETE needs an entity key, e.g. (guid'…').");
          }
          division.remove(def, key);
          Response r = new Response();
          r.status = 204;
          return r;
        }
      default:
        return error(405, "Method not allowed.");
    }
  }

  private static Map<String, String> params(HttpExchange exchange) {
    try {
      return Http.query(exchange);
    } catch (IllegalArgumentException e) {
      throw new ExactException(400, "Bad Request - Error in query syntax.");
    }
  }

  private static ObjectNode parseBody(HttpExchange exchange, byte[] body) {
    String contentType = Http.header(exchange, "Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
      throw new ExactException(
          415, "Unsupported media type: send the body as 'Content-Type: application/json'.");
    }
    JsonNode node;
    try {
      node = Http.JSON.readTree(body);
    } catch (IOException e) {
      throw new ExactException(
          400, "Error processing request stream. JSON text specified is not valid.");
    }
    if (node == null || !node.isObject()) {
      throw new ExactException(
          400, "Error processing request stream. A JSON object with the entity is expected.");
    }
    return (ObjectNode) node;
  }

  private static String parseKey(ExactSet def, String literal) {
    String l = literal.trim();
    if (l.startsWith(def.key + "=")) {
      l = l.substring(def.key.length() + 1).trim();
    }
    String type = def.keyType();
    if (type.equals("Edm.Guid")) {
      if (l.regionMatches(true, 0, "guid'", 0, 5) && l.endsWith("'")) {
        try {
          return UUID.fromString(l.substring(5, l.length() - 1)).toString();
        } catch (IllegalArgumentException e) {
          throw new ExactException(400, "Bad Request - Error in query syntax.");
        }
      }
      throw new ExactException(
          400, "Bad Request - Error in query syntax. Use " + def.key + " as guid'…'.");
    }
    if (ODataValues.isNumeric(type)) {
      String digits = l.endsWith("L") || l.endsWith("l") ? l.substring(0, l.length() - 1) : l;
      if (digits.matches("-?\\d+")) {
        return digits;
      }
      throw new ExactException(400, "Bad Request - Error in query syntax.");
    }
    if (l.startsWith("'") && l.endsWith("'") && l.length() >= 2) {
      return l.substring(1, l.length() - 1).replace("''", "'");
    }
    throw new ExactException(400, "Bad Request - Error in query syntax.");
  }

  private Response count(ExactSet def, Map<String, String> params) {
    List<ObjectNode> rows = filtered(def, params);
    Response r = new Response();
    r.status = 200;
    r.text = Integer.toString(rows.size());
    return r;
  }

  private List<ObjectNode> filtered(ExactSet def, Map<String, String> params) {
    List<ObjectNode> rows = new ArrayList<>(division.rows(def));
    String filter = params.get("$filter");
    if (filter != null && !filter.isBlank()) {
      Predicate<ObjectNode> p = ODataFilter.parse(filter, def.properties, def.metadataType);
      rows.removeIf(p.negate());
    }
    return rows;
  }

  private Response list(ExactSet def, Map<String, String> params) {
    String selectParam = params.get("$select");
    Integer top = intParam(params, "$top");
    if (selectParam == null || selectParam.isBlank()) {
      if (def.kind == ExactSet.Kind.BULK || def.kind == ExactSet.Kind.SYNC) {
        throw new ExactException(400, "$select is mandatory for this endpoint.");
      }
      if (top == null || top != 1) {
        throw new ExactException(
            400, "Please add a $select or a $top=1 statement to the query string.");
      }
    }
    String filter = params.get("$filter");
    if ((filter == null || filter.isBlank()) && division.mandatoryFilteringFor(def)) {
      throw new ExactException(
          400,
          "This endpoint has mandatory filtering applied. A GET request for this endpoint must"
              + " have a $filter parameter with one of the following fields in the url: "
              + mandatoryFilterFields(def)
              + ".");
    }
    Set<String> expand = parseExpand(def, params.get("$expand"));
    List<String> select = parseSelect(def, selectParam, expand);
    List<ObjectNode> rows = filtered(def, params);
    Comparator<ObjectNode> order = keyOrder(def);
    String orderBy = params.get("$orderby");
    if (orderBy != null && !orderBy.isBlank()) {
      order = ODataFilter.orderBy(orderBy, def.properties, def.metadataType).thenComparing(order);
    }
    rows.sort(order);
    int total = rows.size();
    int start = 0;
    String skipToken = params.get("$skiptoken");
    if (skipToken != null) {
      String last = parseKey(def, skipToken);
      start = rows.size();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).path(def.key).asText().equalsIgnoreCase(last)) {
          start = i + 1;
          break;
        }
      }
      if (start == rows.size() && orderBy == null) {
        // the last entity of the previous page is gone: continue after its key
        for (int i = 0; i < rows.size(); i++) {
          if (compareKey(def, rows.get(i).path(def.key).asText(), last) > 0) {
            start = i;
            break;
          }
        }
      }
    }
    Integer skip = intParam(params, "$skip");
    if (skip != null) {
      start = Math.min(rows.size(), start + skip);
    }
    int pageSize = def.pageSize;
    if (top != null) {
      pageSize = Math.min(pageSize, top);
    }
    int end = Math.min(rows.size(), start + pageSize);
    ArrayNode results = Http.JSON.createArrayNode();
    for (ObjectNode row : rows.subList(start, end)) {
      results.add(render(def, row, select, expand));
    }
    ObjectNode d = Http.object();
    d.set("results", results);
    if ("allpages".equals(params.get("$inlinecount"))) {
      d.put("__count", Integer.toString(total));
    }
    int returned = end - start;
    boolean more = end < rows.size() && (top == null || top > returned);
    if (more && returned > 0) {
      Map<String, String> next = new LinkedHashMap<>(params);
      next.remove("$skiptoken");
      next.remove("$skip");
      if (top != null) {
        next.put("$top", Integer.toString(top - returned));
      }
      next.put("$skiptoken", keyLiteral(def, rows.get(end - 1)));
      d.put(
          "__next",
          division.baseUrl()
              + "/api/v1/"
              + division.number()
              + "/"
              + def.urlPath
              + Http.queryString(next));
    }
    ObjectNode root = Http.object();
    root.set("d", d);
    return Response.json(200, root);
  }

  private static String mandatoryFilterFields(ExactSet def) {
    switch (def.storePath()) {
      case "crm/accounts":
        return "Code, Email, Name, VATNumber, Postcode, City, Country, Status, IsSales, ID, Modified,"
            + " Created, SearchCode, ChamberOfCommerce";
      case "logistics/items":
        return "Code, Barcode, Description, ID, Created, Modified, IsSalesItem, IsStockItem";
      default:
        return "ID, Created, Modified and the entity's main fields";
    }
  }

  private Response getByKey(ExactSet def, String key, String tail, Map<String, String> params) {
    ObjectNode row = division.findByKey(def, key);
    if (row == null) {
      return error(404, "Resource not found for the segment '" + def.edmxSet.name + "'.");
    }
    if (tail.isEmpty()) {
      Set<String> expand = parseExpand(def, params.get("$expand"));
      List<String> select = parseSelect(def, params.get("$select"), expand);
      ObjectNode root = Http.object();
      root.set("d", render(def, row, select, expand));
      return Response.json(200, root);
    }
    String nav = tail.startsWith("/") ? tail.substring(1) : tail;
    if (!def.navigations().containsKey(nav)) {
      return error(404, "Resource not found for the segment '" + nav + "'.");
    }
    ExactSet lineSet = lineSet(def, nav);
    List<String> select = parseSelect(lineSet, params.get("$select"), Set.of());
    ArrayNode results = Http.JSON.createArrayNode();
    for (JsonNode line : row.path(nav)) {
      results.add(render(lineSet, (ObjectNode) line, select, Set.of()));
    }
    ObjectNode d = Http.object();
    d.set("results", results);
    ObjectNode root = Http.object();
    root.set("d", d);
    return Response.json(200, root);
  }

  private static Integer intParam(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ExactException(400, "Invalid value '" + v + "' for " + name + ".");
    }
  }

  private static Comparator<ObjectNode> keyOrder(ExactSet def) {
    return (a, b) -> compareKey(def, a.path(def.key).asText(), b.path(def.key).asText());
  }

  private static int compareKey(ExactSet def, String a, String b) {
    if (ODataValues.isNumeric(def.keyType())) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return a.compareToIgnoreCase(b);
  }

  private Set<String> parseExpand(ExactSet def, String expand) {
    Set<String> out = new LinkedHashSet<>();
    if (expand == null || expand.isBlank()) {
      return out;
    }
    for (String e : expand.split(",")) {
      String nav = e.trim();
      if (!def.navigations().containsKey(nav)) {
        throw new ExactException(
            400,
            "Property '"
                + nav
                + "' on type '"
                + def.metadataType
                + "' is not a navigation property.");
      }
      out.add(nav);
    }
    return out;
  }

  /** Null means "all properties". Entries are property names or {@code Nav/Property}. */
  private List<String> parseSelect(ExactSet def, String select, Set<String> expand) {
    if (select == null || select.isBlank()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String s : select.split(",")) {
      String item = s.trim();
      if (item.isEmpty()) {
        continue;
      }
      if (item.equals("*")) {
        return null;
      }
      int slash = item.indexOf('/');
      if (slash > 0) {
        String nav = item.substring(0, slash);
        String prop = item.substring(slash + 1);
        if (!expand.contains(nav)) {
          throw new ExactException(
              400,
              "Only properties specified in $expand can be traversed in $select query options."
                  + " Selected item: '"
                  + item
                  + "'.");
        }
        ExactSet lines = lineSet(def, nav);
        if (!prop.equals("*") && !lines.properties.containsKey(prop)) {
          throw new ExactException(
              400,
              "Type '" + lines.metadataType + "' does not have a property named '" + prop + "'.");
        }
      } else if (!def.properties.containsKey(item) && !def.navigations().containsKey(item)) {
        throw new ExactException(
            400, "Type '" + def.metadataType + "' does not have a property named '" + item + "'.");
      }
      out.add(item);
    }
    return out;
  }

  private ExactSet lineSet(ExactSet def, String nav) {
    String service = def.edmxSet.service;
    SandboxEdmx.EntityType lineType = division.edmx().type(service, def.navigations().get(nav));
    SandboxEdmx.EntitySet lineSet = division.edmx().setOfType(service, lineType);
    if (lineSet != null) {
      ExactSet resolved = division.resolve(lineSet.path());
      if (resolved != null) {
        return resolved;
      }
    }
    SandboxEdmx.EntitySet pseudo = new SandboxEdmx.EntitySet(service, nav, lineType);
    return new ExactSet(
        ExactSet.Kind.CHILD,
        service + "/" + nav,
        pseudo,
        def.edmxSet,
        nav,
        lineType.properties,
        lineType.key,
        lineType.fullName,
        60);
  }

  // =====================================================================================
  // rendering
  // =====================================================================================

  private String entityUri(ExactSet def, ObjectNode row) {
    return division.baseUrl()
        + "/api/v1/"
        + division.number()
        + "/"
        + def.urlPath
        + "("
        + keyLiteral(def, row)
        + ")";
  }

  private static String keyLiteral(ExactSet def, ObjectNode row) {
    String value = row.path(def.key).asText();
    String type = def.keyType();
    if (type.equals("Edm.Guid")) {
      return "guid'" + value + "'";
    }
    if (type.equals("Edm.Int64")) {
      return value + "L";
    }
    if (ODataValues.isNumeric(type)) {
      return value;
    }
    return "'" + value.replace("'", "''") + "'";
  }

  private ObjectNode render(ExactSet def, ObjectNode row, List<String> select, Set<String> expand) {
    ObjectNode out = Http.object();
    String uri = entityUri(def, row);
    ObjectNode meta = out.putObject("__metadata");
    meta.put("uri", uri);
    meta.put("type", def.metadataType);
    List<String> props = new ArrayList<>();
    Map<String, List<String>> navSelect = new LinkedHashMap<>();
    if (select == null) {
      props.addAll(def.properties.keySet());
      for (String nav : def.navigations().keySet()) {
        navSelect.put(nav, null);
      }
    } else {
      for (String s : select) {
        int slash = s.indexOf('/');
        if (slash > 0) {
          String nav = s.substring(0, slash);
          String prop = s.substring(slash + 1);
          List<String> sub = navSelect.computeIfAbsent(nav, k -> new ArrayList<>());
          if (sub != null && !prop.equals("*")) {
            sub.add(prop);
          } else {
            navSelect.put(nav, null);
          }
        } else if (def.navigations().containsKey(s)) {
          navSelect.put(s, null);
        } else {
          props.add(s);
        }
      }
    }
    for (String p : props) {
      out.set(p, ODataValues.output(def.properties.get(p), row.get(p)));
    }
    for (Map.Entry<String, List<String>> nav : navSelect.entrySet()) {
      if (expand.contains(nav.getKey())) {
        ExactSet lineSet = lineSet(def, nav.getKey());
        ArrayNode results = Http.JSON.createArrayNode();
        List<String> sub =
            nav.getValue() == null || nav.getValue().isEmpty() ? null : nav.getValue();
        for (JsonNode line : row.path(nav.getKey())) {
          results.add(render(lineSet, (ObjectNode) line, sub, Set.of()));
        }
        out.putObject(nav.getKey()).set("results", results);
      } else {
        out.putObject(nav.getKey()).putObject("__deferred").put("uri", uri + "/" + nav.getKey());
      }
    }
    return out;
  }
}
