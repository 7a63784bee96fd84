package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.squarespace.SquarespacePause;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore.ConnectionInfo;
import org.sqexact.store.Watermarks;
import org.sqexact.support.Sleeper;

/**
 * Squarespace: the pause after a 429, the gateway every call passes through ({@code
 * routes/squarespace-gateway.camel.yaml}), the API client and the order pages the poll reads. Runs
 * after {@link ConnectorConfiguration}.
 */
@Configuration
public final class SquarespaceConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings = bean(context, "connectorSettings", ConnectorSettings.class);
    Clock clock = bean(context, ConnectorConfiguration.CLOCK, Clock.class);
    Sleeper sleeper = bean(context, ConnectorConfiguration.SLEEPER, Sleeper.class);
    ConnectionInfo connection = bean(context, "connectorConnection", ConnectionInfo.class);
    OrderSettings orderSettings = bean(context, "orderSettings", OrderSettings.class);

    SquarespacePause pause =
        new SquarespacePause(
            clock,
            sleeper,
            settings.squarespaceRateLimitPause(),
            settings.squarespaceRateLimitPause().plusSeconds(10));
    Registry registry = context.getRegistry();
    registry.bind("squarespacePause", pause);
    registry.bind(
        "squarespaceGateway",
        new SquarespaceGateway(
            pause,
            bean(context, "activityLog", ActivityLog.class),
            clock,
            settings.squarespaceApiUrl(),
            settings.squarespaceApiKey(),
            settings.squarespaceUserAgent()));
    registry.bind("squarespaceApi", new SquarespaceApi(context.createProducerTemplate()));
    registry.bind(
        "squarespaceOrderPages",
        new SquarespaceOrderPages(
            bean(context, "watermarks", Watermarks.class),
            clock,
            connection.ordersSince(),
            withRefunded(orderSettings.paymentStates()),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5)));
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
