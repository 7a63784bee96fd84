package org.sqexact.ops;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.sqexact.store.OrderLedger.Entry;

/**
 * The plumbing the operator API's calls share: the order path parameter and the query string read
 * strictly (request headers never become parameters), who acts, and the JSON views of a ledger row
 * and of an error (whose HTTP status is set in {@code CamelHttpResponseCode}).
 */
final class ApiCalls {

  private ApiCalls() {}

  static Map<String, Object> view(Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("orderId", e.orderId());
    m.put("orderNumber", e.orderNumber());
    m.put("state", e.state().name().toLowerCase(Locale.ROOT));
    m.put("documentType", e.documentType());
    m.put("exactDocumentId", e.documentId());
    m.put("exactDocumentNumber", e.documentNumber());
    m.put("attempts", e.attempts());
    m.put("reason", e.lastError());
    m.put("outcomeUnknown", e.outcomeUnknown());
    m.put("updatedAt", str(e.updatedAt()));
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  /** The order path parameter, or null when it is not a plausible order id or number. */
  static String orderKey(Exchange exchange) {
    Object v = exchange.getMessage().getHeader("order");
    if (v instanceof List<?> l) {
      return null; // given twice: never guess which one is meant
    }
    String key = v == null ? null : v.toString().trim();
    return key != null && key.matches("[A-Za-z0-9-]{1,64}") ? key : null;
  }

  static Map<String, Object> badOrderKey(Exchange exchange) {
    return error(
        exchange,
        400,
        "the order must be a Squarespace order number or id (letters, digits and '-', at most 64)");
  }

  /**
   * The query parameters, from the request line only ({@code CamelHttpRawQuery}): request headers
   * never become parameters. Unknown parameters are refused.
   */
  static Map<String, List<String>> query(Exchange exchange, Set<String> allowed) {
    String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
    if (raw == null) {
      raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the query string is not well-formed");
      }
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            "unknown parameter '"
                + shortText(name)
                + "'"
                + (allowed.isEmpty()
                    ? "; this call takes none"
                    : "; use " + String.join(", ", allowed)));
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  /**
   * The values of one query parameter ({@code ?connection=shop-b}), from the request line only;
   * other parameters are left to the call (those that took none before still ignore them).
   */
  static List<String> param(Exchange exchange, String name) {
    String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
    if (raw == null) {
      raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
    }
    List<String> out = new ArrayList<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String n = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        if (n.equals(name)) {
          out.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the query string is not well-formed");
      }
    }
    return out;
  }

  static String shortText(String s) {
    String clean = s.replaceAll("[^\\p{Alnum} ._-]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
  }

  /** Who acts: the login the door let in (API token, later a dashboard user) and from where. */
  static String operator(Exchange exchange) {
    Object v = exchange.getMessage().getHeader(OperatorAccess.OPERATOR_HEADER);
    if (v instanceof List<?> l && !l.isEmpty()) {
      v = l.get(0);
    }
    return v == null ? "the operator" : "the operator (" + v + ")";
  }

  static Map<String, Object> conflict(Exchange exchange, Entry current, String rule) {
    Map<String, Object> m =
        error(
            exchange,
            409,
            current == null
                ? "the order changed meanwhile; " + rule
                : "order #"
                    + current.orderNumber()
                    + " is "
                    + current.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + "; "
                    + rule);
    if (current != null) {
      m.put("state", current.state().name().toLowerCase(Locale.ROOT));
    }
    return m;
  }

  static Map<String, Object> error(Exchange exchange, int status, String message) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
