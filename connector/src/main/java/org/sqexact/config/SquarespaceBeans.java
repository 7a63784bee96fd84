package org.sqexact.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.squarespace.SquarespacePause;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Watermarks;
import org.sqexact.support.Sleeper;

/**
 * One connection's side of Squarespace: the pause after a 429 (a 429 from one site pauses only that
 * site), the gateway with the site's key, the API client and the order pages its poll reads. {@link
 * SquarespaceConfiguration} builds them for the default connection; a connection from {@code
 * connections/} gets its own (docs/design/connections.md).
 */
public record SquarespaceBeans(
    SquarespacePause pause,
    SquarespaceGateway gateway,
    SquarespaceApi api,
    SquarespaceOrderPages orderPages) {

  /**
   * Builds a connection's Squarespace beans.
   *
   * @param endpoint the gateway route its API client calls ({@link SquarespaceApi#CALL} for the
   *     default connection)
   */
  public static SquarespaceBeans build(
      ConnectorSettings settings,
      OrderSettings orderSettings,
      Clock clock,
      Sleeper sleeper,
      ActivityLog activity,
      Watermarks watermarks,
      Instant ordersSince,
      ProducerTemplate template,
      String endpoint) {
    SquarespacePause pause =
        new SquarespacePause(
            clock,
            sleeper,
            settings.squarespaceRateLimitPause(),
            settings.squarespaceRateLimitPause().plusSeconds(10));
    return new SquarespaceBeans(
        pause,
        new SquarespaceGateway(
            pause,
            activity,
            clock,
            settings.squarespaceApiUrl(),
            settings.squarespaceApiKey(),
            settings.squarespaceUserAgent()),
        new SquarespaceApi(template, endpoint),
        new SquarespaceOrderPages(
            watermarks,
            clock,
            ordersSince,
            withRefunded(orderSettings.paymentStates()),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5)));
  }

  /** The beans under the names the routes refer to. */
  public Map<String, Object> named() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("squarespacePause", pause);
    beans.put("squarespaceGateway", gateway);
    beans.put("squarespaceApi", api);
    beans.put("squarespaceOrderPages", orderPages);
    return beans;
  }

  /** The states polled: those booked, and REFUNDED so that refunds of booked orders are seen. */
  private static List<String> withRefunded(List<String> states) {
    List<String> out = new ArrayList<>(states);
    if (!out.contains("REFUNDED")) {
      out.add("REFUNDED");
    }
    return out;
  }
}
