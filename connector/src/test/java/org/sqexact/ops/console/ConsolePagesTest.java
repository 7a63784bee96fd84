package org.sqexact.ops.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every dashboard page is served whole: the shared head and navigation, then its own content. */
class ConsolePagesTest {

  @Test
  void eachPageGetsTheSharedFrameWithItsTitleAndName() {
    ConsolePages pages = new ConsolePages();
    String[][] expected = {
      {"index.html", "Orders", "orders"},
      {"order.html", "Order", "order"},
      {"charts.html", "Charts", "charts"},
      {"health.html", "Health", "health"},
      {"connect.html", "Connect", "connect"},
    };
    for (String[] e : expected) {
      String html = new String(pages.framed(e[0]), StandardCharsets.UTF_8);
      assertTrue(html.startsWith("<!doctype html>\n"), e[0] + " starts with its doctype");
      assertTrue(
          html.contains("<title>" + e[1] + " · Squarespace ↔ Exact Online connector</title>"),
          e[0]);
      assertTrue(html.contains("<body data-page=\"" + e[2] + "\">"), e[0]);
      assertTrue(html.contains("<a href=\"/console/connect\" id=\"nav-connect\">"), e[0]);
      assertTrue(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"\">"), e[0]);
      // the connection picker: hidden until app.js finds more than one connection
      assertTrue(
          html.contains(
              "<label id=\"connection-picker\" hidden>Connection <select id=\"connection\">"),
          e[0]);
      assertTrue(!html.contains("%TITLE%") && !html.contains("%PAGE%"), e[0] + " filled in");
      assertEquals(1, html.split("<main>", -1).length - 1, e[0] + " has one <main>");
      assertTrue(html.contains("<h1>" + e[1]) || e[2].equals("order"), e[0]);
    }
  }

  /**
   * The orders pages' calls carry the picked connection (app.js, served as is): the list, the
   * trace, retry/skip, the dry run and the links to an order; the picker shows only with more than
   * one connection. The behaviour in a browser: DashboardBrowserTest (sandbox).
   */
  @Test
  void theScriptSendsThePickedConnectionWithEveryOrderCall() {
    String js = new String(new ConsolePages().resource("app.js"), StandardCharsets.UTF_8);
    for (String call :
        new String[] {
          "withConnection('/api/orders?limit=1000'",
          "withConnection('/api/console/orders/'",
          "withConnection('/api/orders/' + encodeURIComponent(number) + '/' + kind)",
          "withConnection('/api/orders/' + encodeURIComponent(n) + '/dry-run')",
          "withConnection('/console/order?n='",
          "api('GET', '/api/connections')",
          "if (all.length < 2) return;"
        }) {
      assertTrue(js.contains(call), call);
    }
  }
}
