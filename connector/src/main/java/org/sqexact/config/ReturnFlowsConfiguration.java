package org.sqexact.config;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.order.VatCodes;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.webhook.NotificationLog;
import org.sqexact.webhook.SquarespaceWebhookStore;
import org.sqexact.webhook.WebhookConnections;
import org.sqexact.webhook.WebhookReceiver;

/**
 * Wires the flows from Exact Online back to Squarespace (stock, order status, products) and the
 * webhooks from the beans the configuration classes before it bound, under the names the YAML
 * routes use. Runs after {@link OrderConfiguration}.
 */
@Configuration
public final class ReturnFlowsConfiguration implements CamelConfiguration {

  /** The bean of the connections the webhook URLs serve besides the default one. */
  public static final String WEBHOOK_CONNECTIONS = "webhookConnections";

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings =
        ConnectorConfiguration.bean(context, "connectorSettings", ConnectorSettings.class);
    PropertiesComponent pc = context.getPropertiesComponent();
    Registry registry = context.getRegistry();
    SettingsReader r = new SettingsReader(key -> pc.resolveProperty(key).orElse(null));
    // products: the demo shop's store page unless one is set (the demo: PRODUCTS_ENABLED=true)
    DemoBackend.Running demo =
        registry.lookupByNameAndType(DemoMode.RUNNING, DemoBackend.Running.class);
    if (demo != null
        && r.optional("products.store-page-id") == null
        && demo.squarespaceStorePageId() != null) {
      pc.addOverrideProperty("products.store-page-id", demo.squarespaceStorePageId());
    }
    ReturnFlowBeans flows =
        ReturnFlowBeans.build(
            r,
            registry.lookupByNameAndType(ConnectorConfiguration.CLOCK, Clock.class),
            registry.lookupByNameAndType("connectorDatabase", Database.class),
            registry.lookupByNameAndType(ConnectorConfiguration.STATE, ConnectionState.class),
            registry.lookupByNameAndType("exactApi", ExactApi.class),
            registry.lookupByNameAndType("exactRateGovernor", ExactRateGovernor.class),
            registry.lookupByNameAndType("squarespaceApi", SquarespaceApi.class),
            registry.lookupByNameAndType("vatCodes", VatCodes.class));
    flows.named().forEach(registry::bind);

    // the default connection's schedules: the values its templatedRoutes pass as parameters
    ReturnFlowBeans.Schedules s = flows.schedules();
    long fulfilmentMillis = s.fulfilmentMillis();
    if (settings.demo() && "300".equals(r.optional("fulfilment.interval"))) {
      fulfilmentMillis = 20_000; // the demo shows a delivery in the shop within seconds
    }
    long productMillis = s.productsMillis();
    if (demo != null && "900".equals(r.optional("products.interval"))) {
      productMillis = 20_000; // the demo shows a change in Exact in the shop within seconds
    }
    pc.addOverrideProperty("stock.schedule-active", Boolean.toString(s.stockActive()));
    pc.addOverrideProperty("stock.interval-millis", Long.toString(s.stockMillis()));
    pc.addOverrideProperty("fulfilment.schedule-active", Boolean.toString(s.fulfilmentActive()));
    pc.addOverrideProperty("fulfilment.interval-millis", Long.toString(fulfilmentMillis));
    pc.addOverrideProperty("products.schedule-active", Boolean.toString(s.productsActive()));
    pc.addOverrideProperty("products.interval-millis", Long.toString(productMillis));

    // webhooks (routes/webhooks.camel.yaml): secrets verify the senders
    NotificationLog notifications = flows.notificationLog();
    ActivityLog activity = registry.lookupByNameAndType("activityLog", ActivityLog.class);
    String squarespaceSecret = r.optional("squarespace.webhook-secret");
    if (demo != null && squarespaceSecret == null) {
      // the demo shop subscribes to the connector's webhook, so new orders are booked at once
      squarespaceSecret =
          demo.subscribeShopWebhooks(
              "http://127.0.0.1:"
                  + r.text("connector.http-port", "8080")
                  + "/webhooks/squarespace");
    }
    // Squarespace OAuth and the subscriptions of both sides; their secrets also verify senders
    SquarespaceWebhookStore subscriptions = WebhookSubscriptionsWiring.bind(context, settings, r);
    // the connections from connections/ join when they start (ConnectionWiring)
    WebhookConnections connections = new WebhookConnections();
    registry.bind(WEBHOOK_CONNECTIONS, connections);
    registry.bind(
        "webhookReceiver",
        new WebhookReceiver(
            new WebhookConnections.Connection(
                null,
                registry
                    .lookupByNameAndType(ConnectorConfiguration.STATE, ConnectionState.class)
                    .division(),
                squarespaceSecret,
                subscriptions::secrets,
                r.optional("exact.webhook-secret"),
                notifications,
                activity,
                WebhookConnections.Endpoints.DEFAULT),
            connections));
  }
}
