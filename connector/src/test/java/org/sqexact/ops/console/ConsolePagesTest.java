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
      assertTrue(!html.contains("%TITLE%") && !html.contains("%PAGE%"), e[0] + " filled in");
      assertEquals(1, html.split("<main>", -1).length - 1, e[0] + " has one <main>");
      assertTrue(html.contains("<h1>" + e[1]) || e[2].equals("order"), e[0]);
    }
  }
}
