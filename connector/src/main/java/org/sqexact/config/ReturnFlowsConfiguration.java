package org.sqexact.config;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.fulfilment.FulfilmentLedger;
import org.sqexact.fulfilment.FulfilmentSettings;
import org.sqexact.fulfilment.FulfilmentSync;
import org.sqexact.ops.Alerts;
import org.sqexact.order.VatCodes;
import org.sqexact.product.ProductSettings;
import org.sqexact.product.ProductSync;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.stock.ExactStockPositions;
import org.sqexact.stock.OrdersFirst;
import org.sqexact.stock.StockSettings;
import org.sqexact.stock.StockStore;
import org.sqexact.stock.StockSync;
import org.sqexact.stock.VariantCatalog;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.Watermarks;
import org.sqexact.webhook.NotificationLog;
import org.sqexact.webhook.SquarespaceWebhookStore;
import org.sqexact.webhook.WebhookReceiver;

/**
 * Wires the flows from Exact Online back to Squarespace (stock, order status, products) and the
 * webhooks from the beans the configuration classes before it bound, under the names the YAML
 * routes use. Runs after {@link OrderConfiguration}.
 */
@Configuration
public final class ReturnFlowsConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings =
        ConnectorConfiguration.bean(context, "connectorSettings", ConnectorSettings.class);
    PropertiesComponent pc = context.getPropertiesComponent();
    Registry registry = context.getRegistry();
    SettingsReader r = new SettingsReader(key -> pc.resolveProperty(key).orElse(null));
    boolean autoStart = r.bool("sync.auto-start", true);
    Clock clock = registry.lookupByNameAndType(ConnectorConfiguration.CLOCK, Clock.class);
    Database db = registry.lookupByNameAndType("connectorDatabase", Database.class);
    ActivityLog activity = registry.lookupByNameAndType("activityLog", ActivityLog.class);
    Alerts alerts = registry.lookupByNameAndType("alerts", Alerts.class);
    ExactApi exact = registry.lookupByNameAndType("exactApi", ExactApi.class);
    SquarespaceApi squarespace =
        registry.lookupByNameAndType("squarespaceApi", SquarespaceApi.class);
    Watermarks watermarks = registry.lookupByNameAndType("watermarks", Watermarks.class);
    String connectionId = settings.connectionId();
    OrdersFirst ordersFirst =
        new OrdersFirst(
            registry.lookupByNameAndType("exactRateGovernor", ExactRateGovernor.class),
            settings.exactDivision(),
            clock);

    // stock, Exact → Squarespace
    StockSettings stock = StockSettings.load(r);
    VariantCatalog catalog = new VariantCatalog(squarespace, clock, stock.catalogueRefresh());
    StockStore stockStore = new StockStore(db, connectionId, clock);
    registry.bind("stockSettings", stock);
    registry.bind("variantCatalog", catalog);
    registry.bind("stockStore", stockStore);
    registry.bind(
        "stockSync",
        new StockSync(
            new ExactStockPositions(exact, stock),
            catalog,
            stockStore,
            squarespace,
            stock,
            activity,
            alerts,
            ordersFirst));
    pc.addOverrideProperty("stock.schedule-active", Boolean.toString(stock.enabled() && autoStart));
    pc.addOverrideProperty("stock.interval-millis", Long.toString(stock.interval().toMillis()));

    // order status, Exact deliveries → Squarespace fulfilments
    FulfilmentSettings fulfilment = FulfilmentSettings.load(r);
    FulfilmentLedger fulfilments = new FulfilmentLedger(db, connectionId, clock);
    registry.bind("fulfilmentSettings", fulfilment);
    registry.bind("fulfilmentLedger", fulfilments);
    registry.bind(
        "fulfilmentSync",
        new FulfilmentSync(
            exact,
            squarespace,
            fulfilments,
            watermarks,
            fulfilment,
            activity,
            alerts,
            ordersFirst));
    pc.addOverrideProperty(
        "fulfilment.schedule-active", Boolean.toString(fulfilment.enabled() && autoStart));
    long fulfilmentMillis = fulfilment.interval().toMillis();
    if (settings.demo() && "300".equals(r.optional("fulfilment.interval"))) {
      fulfilmentMillis = 20_000; // the demo shows a delivery in the shop within seconds
    }
    pc.addOverrideProperty("fulfilment.interval-millis", Long.toString(fulfilmentMillis));

    // products, Exact items → Squarespace products (off by default; the demo:
    // PRODUCTS_ENABLED=true)
    DemoBackend.Running demo =
        registry.lookupByNameAndType(DemoMode.RUNNING, DemoBackend.Running.class);
    if (demo != null
        && r.optional("products.store-page-id") == null
        && demo.squarespaceStorePageId() != null) {
      pc.addOverrideProperty("products.store-page-id", demo.squarespaceStorePageId());
    }
    ProductSettings products = ProductSettings.load(r);
    registry.bind(
        "productSync",
        new ProductSync(
            exact,
            squarespace,
            registry.lookupByNameAndType("vatCodes", VatCodes.class),
            products,
            activity,
            ordersFirst,
            clock));
    pc.addOverrideProperty(
        "products.schedule-active", Boolean.toString(products.enabled() && autoStart));
    long productMillis = products.interval().toMillis();
    if (demo != null && "900".equals(r.optional("products.interval"))) {
      productMillis = 20_000; // the demo shows a change in Exact in the shop within seconds
    }
    pc.addOverrideProperty("products.interval-millis", Long.toString(productMillis));

    // webhooks (routes/webhooks.camel.yaml): secrets verify the senders
    NotificationLog notifications = new NotificationLog(db, connectionId, clock);
    registry.bind("notificationLog", notifications);
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
    registry.bind(
        "webhookReceiver",
        new WebhookReceiver(
            squarespaceSecret,
            r.optional("exact.webhook-secret"),
            notifications,
            activity,
            subscriptions::secrets));
  }
}
