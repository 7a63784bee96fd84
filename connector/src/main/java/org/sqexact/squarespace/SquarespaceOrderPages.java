package org.sqexact.squarespace;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.store.Watermarks;

/**
 * Pages through Squarespace's order list the way the API demands: a window ({@code modifiedAfter} +
 * {@code modifiedBefore} + explicit {@code paymentStates}) for the first page, then {@code cursor}
 * alone. The watermark moves to the end of the window only once the window has been drained, so an
 * interrupted poll starts the same window again.
 *
 * <p>Used by the {@code orders-poll} route: {@link #openWindow}, then a loop of {@link
 * #nextRequest} → {@code direct:squarespace-call} → {@link #readPage}, then {@link #closeWindow}.
 */
public final class SquarespaceOrderPages {

  public static final String FLOW = "squarespace-orders";
  public static final String AFTER = "ordersWindowAfter";
  public static final String BEFORE = "ordersWindowBefore";
  public static final String CURSOR = "ordersCursor";
  public static final String HAS_NEXT = "ordersHasNextPage";
  public static final String PAGE_NUMBER = "ordersPageNumber";

  private static final Logger LOG = LoggerFactory.getLogger(SquarespaceOrderPages.class);
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Watermarks watermarks;
  private final Clock clock;
  private final Instant ordersSince;
  private final String paymentStates;
  private final Duration overlap;
  private final Duration settle;

  /**
   * @param ordersSince orders last modified before it are never touched
   * @param paymentStates passed explicitly (Squarespace's default hides some states)
   * @param overlap how far each window reaches back over the previous one (late writes)
   * @param settle how far the window stays behind "now" (orders still being written)
   */
  public SquarespaceOrderPages(
      Watermarks watermarks,
      Clock clock,
      Instant ordersSince,
      List<String> paymentStates,
      Duration overlap,
      Duration settle) {
    this.watermarks = watermarks;
    this.clock = clock;
    this.ordersSince = ordersSince;
    this.paymentStates = String.join(",", paymentStates);
    this.overlap = overlap;
    this.settle = settle;
  }

  /** Sets the window of this poll; no window (hasNext false) when it would be empty. */
  public void openWindow(Exchange exchange) {
    Instant before = clock.instant().minus(settle);
    Instant after =
        watermarks
            .get(FLOW)
            .map(Instant::parse)
            .map(w -> w.minus(overlap))
            .filter(w -> w.isAfter(ordersSince))
            .orElse(ordersSince);
    boolean open = before.isAfter(after);
    exchange.setProperty(AFTER, after);
    exchange.setProperty(BEFORE, before);
    exchange.setProperty(CURSOR, null);
    exchange.setProperty(HAS_NEXT, open);
    exchange.setProperty(PAGE_NUMBER, 0);
    if (open) {
      LOG.debug("Polling Squarespace orders modified in ({}, {}]", after, before);
    }
  }

  /** Sets the call for the next page: the window first, the cursor after that. */
  public void nextRequest(Exchange exchange) {
    String cursor = exchange.getProperty(CURSOR, String.class);
    String query;
    if (cursor == null) {
      query =
          "modifiedAfter="
              + enc(ISO.format(exchange.getProperty(AFTER, Instant.class)))
              + "&modifiedBefore="
              + enc(ISO.format(exchange.getProperty(BEFORE, Instant.class)))
              + "&paymentStates="
              + enc(paymentStates);
    } else {
      query = "cursor=" + enc(cursor);
    }
    exchange.setProperty(SquarespaceGateway.METHOD, "GET");
    exchange.setProperty(SquarespaceGateway.PATH, "/1.0/commerce/orders");
    exchange.setProperty(SquarespaceGateway.QUERY, query);
    exchange.setProperty(SquarespaceGateway.BODY, null);
  }

  /** Reads a page: the body becomes the list of orders (raw JSON); the cursor is kept. */
  public List<JsonNode> readPage(Exchange exchange) {
    JsonNode page = exchange.getMessage().getBody(JsonNode.class);
    List<JsonNode> orders = new ArrayList<>();
    JsonNode result = page == null ? null : page.path("result");
    if (result != null && result.isArray()) {
      result.forEach(orders::add);
    }
    JsonNode pagination = page == null ? null : page.path("pagination");
    boolean hasNext = pagination != null && pagination.path("hasNextPage").asBoolean(false);
    String cursor = pagination == null ? null : pagination.path("nextPageCursor").asText(null);
    if (hasNext && (cursor == null || cursor.isBlank())) {
      LOG.warn("Squarespace said there is a next page but sent no cursor; stopping this window");
      hasNext = false;
    }
    exchange.setProperty(CURSOR, hasNext ? cursor : null);
    exchange.setProperty(HAS_NEXT, hasNext);
    exchange.setProperty(PAGE_NUMBER, exchange.getProperty(PAGE_NUMBER, 0, Integer.class) + 1);
    return orders;
  }

  /** The window has been drained: the next poll starts where this one ended. */
  public void closeWindow(Exchange exchange) {
    Instant before = exchange.getProperty(BEFORE, Instant.class);
    if (before != null) {
      watermarks.put(FLOW, before.toString());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
