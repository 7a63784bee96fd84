package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.sqexact.squarespace.SquarespaceApi;
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

    SquarespaceBeans squarespace =
        SquarespaceBeans.build(
            settings,
            orderSettings,
            clock,
            sleeper,
            bean(context, "activityLog", ActivityLog.class),
            bean(context, "watermarks", Watermarks.class),
            connection.ordersSince(),
            context.createProducerTemplate(),
            SquarespaceApi.CALL);
    Registry registry = context.getRegistry();
    squarespace.named().forEach(registry::bind);
  }
}
