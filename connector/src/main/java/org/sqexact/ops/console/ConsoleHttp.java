package org.sqexact.ops.console;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.sqexact.ops.OperatorAccess;

/**
 * The few HTTP chores of the browser-facing OAuth steps (Exact's in the connect wizard,
 * Squarespace's for webhooks): a redirect that no cache keeps, a query string read, a value encoded
 * for a URL, and the name of the operator who asked.
 */
public final class ConsoleHttp {

  private ConsoleHttp() {}

  /** Answers 302 to {@code location}; nothing of the request is echoed. */
  public static void redirect(Exchange exchange, String location) {
    exchange.getMessage().removeHeaders("*");
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
    exchange.getMessage().setHeader("Location", location);
    exchange.getMessage().setHeader("Cache-Control", "no-store");
    exchange.getMessage().setBody("");
  }

  /** The parameters of a query string, decoded; the first of a repeated name wins. */
  public static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** A value for a URL's query string (null as empty). */
  public static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  /** The login of the operator who asked, without the address it came from; "?" when unknown. */
  public static String operatorName(Exchange exchange) {
    String who = exchange.getMessage().getHeader(OperatorAccess.OPERATOR_HEADER, String.class);
    if (who == null) {
      return "?";
    }
    int from = who.lastIndexOf(" from ");
    return from < 0 ? who : who.substring(0, from);
  }
}
