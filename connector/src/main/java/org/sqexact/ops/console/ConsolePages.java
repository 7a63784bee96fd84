package org.sqexact.ops.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * The dashboard's pages and script, from the jar (classpath {@code console/}; no CDN): a fixed list
 * of names, so no path can reach another resource.
 */
public final class ConsolePages {

  private static final Map<String, String> PAGES =
      Map.of(
          "", "index.html",
          "orders", "index.html",
          "order", "order.html",
          "charts", "charts.html",
          "health", "health.html",
          "connect", "connect.html",
          "app.js", "app.js",
          "style.css", "style.css");

  /** GET /console/{page}: the page, or 404. */
  public byte[] serve(Exchange exchange) {
    String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
    String name = path.replaceFirst("^/?console/?", "").replaceFirst("^/", "");
    String file = PAGES.get(name);
    exchange.getMessage().removeHeaders("*");
    exchange.getMessage().setHeader("Cache-Control", "no-store");
    if (file == null) {
      exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
      return "No such page".getBytes(StandardCharsets.UTF_8);
    }
    exchange
        .getMessage()
        .setHeader(
            Exchange.CONTENT_TYPE,
            file.endsWith(".js")
                ? "text/javascript; charset=utf-8"
                : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8");
    return file.endsWith(".html") ? framed(file) : resource(file);
  }

  private static final Pattern FRAME =
      Pattern.compile("^<!--frame title=\"([^\"]*)\" page=\"([^\"]*)\"-->\n");

  /**
   * A page whose first line is {@code <!--frame title="…" page="…"-->} gets the shared head and
   * navigation ({@code console/frame.html}) before its own content, so the pages cannot drift
   * apart.
   */
  byte[] framed(String name) {
    String page = new String(resource(name), StandardCharsets.UTF_8);
    Matcher m = FRAME.matcher(page);
    if (!m.find()) {
      return page.getBytes(StandardCharsets.UTF_8);
    }
    String frame = new String(resource("frame.html"), StandardCharsets.UTF_8);
    frame = frame.substring(frame.indexOf("<!doctype")); // its own comment stays out of the page
    return (frame.replace("%TITLE%", m.group(1)).replace("%PAGE%", m.group(2))
            + page.substring(m.end()))
        .getBytes(StandardCharsets.UTF_8);
  }

  byte[] resource(String name) {
    try (InputStream in =
        ConsolePages.class.getClassLoader().getResourceAsStream("console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console/" + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
