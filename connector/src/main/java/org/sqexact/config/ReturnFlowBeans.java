package org.sqexact.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.fulfilment.FulfilmentLedger;
import org.sqexact.fulfilment.FulfilmentSettings;
import org.sqexact.fulfilment.FulfilmentSync;
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
import org.sqexact.store.Database;
import org.sqexact.webhook.NotificationLog;

/**
 * One connection's beans of the flows from Exact Online back to Squarespace ({@code
 * routes/stock-sync.camel.yaml}, {@code routes/order-status.camel.yaml}, {@code
 * routes/product-sync.camel.yaml}) and its webhook notification log, built from its settings, state
 * and API clients, with the schedules its settings ask for. {@link ReturnFlowsConfiguration} builds
 * them for the default connection; a connection from {@code connections/} gets its own
 * (docs/design/connections.md).
 */
public record ReturnFlowBeans(
    StockSettings stockSettings,
    VariantCatalog variantCatalog,
    StockStore stockStore,
    StockSync stockSync,
    FulfilmentSettings fulfilmentSettings,
    FulfilmentLedger fulfilmentLedger,
    FulfilmentSync fulfilmentSync,
    ProductSettings productSettings,
    ProductSync productSync,
    NotificationLog notificationLog,
    Schedules schedules) {

  /**
   * Whether each flow's Quartz schedule starts and how often it fires: a flow runs on its schedule
   * while it is enabled ({@code stock.enabled} …) and {@code sync.auto-start} is true.
   */
  public record Schedules(
      boolean stockActive,
      long stockMillis,
      boolean fulfilmentActive,
      long fulfilmentMillis,
      boolean productsActive,
      long productsMillis) {

    /** The schedules a connection's settings ask for. */
    public static Schedules load(SettingsReader r) {
      return of(
          r.bool("sync.auto-start", true),
          StockSettings.load(r),
          FulfilmentSettings.load(r),
          ProductSettings.load(r));
    }

    private static Schedules of(
        boolean autoStart,
        StockSettings stock,
        FulfilmentSettings fulfilment,
        ProductSettings products) {
      return new Schedules(
          stock.enabled() && autoStart,
          stock.interval().toMillis(),
          fulfilment.enabled() && autoStart,
          fulfilment.interval().toMillis(),
          products.enabled() && autoStart,
          products.interval().toMillis());
    }
  }

  /**
   * Builds a connection's return-flow beans.
   *
   * @param r the connection's settings
   * @param governor the connection's Exact rate governor (per division): background runs leave the
   *     last calls of a minute to orders
   * @param vatCodes the connection's VAT codes (the order flow's), for product prices
   */
  public static ReturnFlowBeans build(
      SettingsReader r,
      Clock clock,
      Database db,
      ConnectionState state,
      ExactApi exact,
      ExactRateGovernor governor,
      SquarespaceApi squarespace,
      VatCodes vatCodes) {
    boolean autoStart = r.bool("sync.auto-start", true);
    String connectionId = state.connection().id();
    OrdersFirst ordersFirst = new OrdersFirst(governor, state.division().getAsInt(), clock);

    // stock, Exact → Squarespace
    StockSettings stock = StockSettings.load(r);
    VariantCatalog catalog = new VariantCatalog(squarespace, clock, stock.catalogueRefresh());
    StockStore stockStore = new StockStore(db, connectionId, clock);
    StockSync stockSync =
        new StockSync(
            new ExactStockPositions(exact, stock),
            catalog,
            stockStore,
            squarespace,
            stock,
            state.activity(),
            state.alerts(),
            ordersFirst);

    // order status, Exact deliveries → Squarespace fulfilments
    FulfilmentSettings fulfilment = FulfilmentSettings.load(r);
    FulfilmentLedger fulfilments = new FulfilmentLedger(db, connectionId, clock);
    FulfilmentSync fulfilmentSync =
        new FulfilmentSync(
            exact,
            squarespace,
            fulfilments,
            state.watermarks(),
            fulfilment,
            state.activity(),
            state.alerts(),
            ordersFirst);

    // products, Exact items → Squarespace products (off by default)
    ProductSettings products = ProductSettings.load(r);
    ProductSync productSync =
        new ProductSync(
            exact, squarespace, vatCodes, products, state.activity(), ordersFirst, clock);

    return new ReturnFlowBeans(
        stock,
        catalog,
        stockStore,
        stockSync,
        fulfilment,
        fulfilments,
        fulfilmentSync,
        products,
        productSync,
        new NotificationLog(db, connectionId, clock),
        Schedules.of(autoStart, stock, fulfilment, products));
  }

  /** The beans under the names the routes refer to. */
  public Map<String, Object> named() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("stockSettings", stockSettings);
    beans.put("variantCatalog", variantCatalog);
    beans.put("stockStore", stockStore);
    beans.put("stockSync", stockSync);
    beans.put("fulfilmentSettings", fulfilmentSettings);
    beans.put("fulfilmentLedger", fulfilmentLedger);
    beans.put("fulfilmentSync", fulfilmentSync);
    beans.put("productSync", productSync);
    beans.put("notificationLog", notificationLog);
    return beans;
  }
}
