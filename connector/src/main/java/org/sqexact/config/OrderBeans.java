package org.sqexact.config;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.mapping.DataMapper;
import org.sqexact.mapping.MappingException;
import org.sqexact.ops.Preflight;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.CustomerResolver;
import org.sqexact.order.DataMapperPayloads;
import org.sqexact.order.DocumentBooker;
import org.sqexact.order.DocumentLineAggregator;
import org.sqexact.order.DocumentSettings;
import org.sqexact.order.ExistenceCheck;
import org.sqexact.order.ItemCatalog;
import org.sqexact.order.OrderBatch;
import org.sqexact.order.OrderEligibility;
import org.sqexact.order.OrderFailures;
import org.sqexact.order.OrderLines;
import org.sqexact.order.OrderPayloads;
import org.sqexact.order.OrderRetries;
import org.sqexact.order.OrderTracker;
import org.sqexact.order.PaymentConditions;
import org.sqexact.order.RefundBooker;
import org.sqexact.order.VatCodes;
import org.sqexact.order.VatPolicy;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.ClusterNodes;
import org.sqexact.store.Database;
import org.sqexact.store.RefundLedger;

/**
 * One connection's order flow beans ({@code routes/order-sync.camel.yaml}, {@code
 * routes/orders-poll.camel.yaml}, {@code routes/order-refunds.camel.yaml}): eligibility, retries,
 * the existence check, customers, items, VAT, lines, payloads, booking, refunds, failures and the
 * pre-flight check, built on the connection's state, mapping and API clients. {@link
 * OrderConfiguration} builds them for the default connection; a connection from {@code
 * connections/} gets its own (docs/design/connections.md).
 */
public record OrderBeans(
    OrderRetries retries,
    OrderEligibility eligibility,
    OrderTracker tracker,
    ExistenceCheck existence,
    OrderBatch batch,
    OrderPayloads payloads,
    CustomerDirectory customers,
    CustomerResolver customerResolver,
    ItemCatalog items,
    VatCodes vatCodes,
    VatPolicy vatPolicy,
    OrderLines lines,
    DocumentLineAggregator lineAggregator,
    DocumentBooker booker,
    RefundBooker refundBooker,
    OrderFailures failures,
    Preflight preflight) {

  /** A connection's mapping: the tables under its mappings directory and what they decide. */
  public record Mapping(
      MappingSettings tables,
      OrderSettings orders,
      DocumentType documentType,
      DataMapper dataMapper) {

    /**
     * Loads the mapping under the connection's {@code connector.mappings-dir}: {@code
     * settings.yaml} and {@code exact-online.yaml}; a broken file stops the connection's start
     * naming file, field and reason.
     *
     * @param property the connection's settings (order settings may be set in either place)
     * @param placeholders resolves Camel placeholders in {@code settings.yaml}
     */
    public static Mapping load(
        ConnectorSettings settings,
        Function<String, String> property,
        UnaryOperator<String> placeholders) {
      MappingSettings tables =
          MappingSettings.load(settings.mappingsDir().resolve("settings.yaml"), placeholders);
      OrderSettings orders = OrderSettings.load(property, tables);
      return new Mapping(tables, orders, documentType(orders), dataMapper(settings, tables));
    }

    private static DocumentType documentType(OrderSettings orderSettings) {
      try {
        return DocumentType.fromSetting(orderSettings.documentType());
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "ORDERS_DOCUMENT_TYPE (orders.document-type, mappings/settings.yaml document-type) must"
                + " be sales-order, sales-invoice, direct-sales-invoice or sales-entry, got '"
                + orderSettings.documentType()
                + "'");
      }
    }

    /** Loads the datamapper; a broken mapping stops start-up naming file, field and reason. */
    private static DataMapper dataMapper(ConnectorSettings settings, MappingSettings tables) {
      try {
        return DataMapper.load(
            settings.mappingsDir().resolve("exact-online.yaml"),
            name -> {
              String key = name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
              Map<String, String> table = tables.map(key);
              return table.isEmpty() ? tables.map(name) : table;
            });
      } catch (MappingException e) {
        throw new SettingsException(e.getMessage().lines().findFirst().orElse(e.getMessage()));
      }
    }
  }

  /** Builds a connection's order beans. */
  public static OrderBeans build(
      ConnectorSettings settings,
      Clock clock,
      Database db,
      ConnectionState state,
      Mapping mapping,
      ExactApi exactApi,
      ExactReferenceData reference,
      SquarespaceApi squarespaceApi) {
    MappingSettings tables = mapping.tables();
    OrderSettings orderSettings = mapping.orders();
    DocumentType documentType = mapping.documentType();

    // an embedded database belongs to this process alone: an order it finds in progress at start
    // was left by a dead process and is taken again at once; on a shared database others may hold
    // it
    OrderRetries retries =
        new OrderRetries(
            state.ledger(),
            state.idempotent(),
            clock,
            settings.embeddedDb() ? Duration.ZERO : Duration.ofMinutes(10),
            state.claims().instance());
    if (ClusterSchedule.clustered(settings.dbUrl())) {
      // several nodes: a dead node's orders come back as soon as Quartz counts it dead
      retries.watchNodes(new ClusterNodes(db)::live);
    }
    OrderEligibility eligibility =
        new OrderEligibility(
            orderSettings, state.connection().ordersSince(), state.ledger(), retries);
    OrderTracker tracker = new OrderTracker(orderSettings, state.ledger(), state.activity());
    ExistenceCheck existence =
        new ExistenceCheck(exactApi, documentType, clock, Duration.ofMinutes(10));
    OrderPayloads payloads = new DataMapperPayloads(mapping.dataMapper(), settingsView(tables));
    CustomerDirectory customers = new CustomerDirectory(exactApi, clock, Duration.ofSeconds(30));
    ItemCatalog items = new ItemCatalog(exactApi, clock, Duration.ofSeconds(30));
    VatCodes vatCodes = new VatCodes(exactApi);
    VatPolicy vatPolicy = new VatPolicy(tables.vatRules(), tables.standardVatRate(), vatCodes);
    PaymentConditions paymentConditions =
        new PaymentConditions(squarespaceApi, tables.map("payment-conditions"));
    DocumentSettings documents =
        new DocumentSettings(
            documentType,
            orderSettings.journal(),
            orderSettings.warehouse(),
            orderSettings.finaliseInvoices(),
            tables.glRules(),
            tables.text("gl-accounts", "default"),
            tables.map("shipping-methods"),
            reference,
            tables.text("gl-accounts", "gift-card"));
    DocumentBooker booker =
        new DocumentBooker(
            documents,
            paymentConditions,
            payloads,
            exactApi,
            state.ledger(),
            existence,
            state.activity());
    return new OrderBeans(
        retries,
        eligibility,
        tracker,
        existence,
        new OrderBatch(eligibility, existence, tracker, state.activity()),
        payloads,
        customers,
        new CustomerResolver(orderSettings, customers, payloads, state.activity()),
        items,
        vatCodes,
        vatPolicy,
        new OrderLines(
            orderSettings,
            items,
            vatCodes,
            vatPolicy,
            documentType == DocumentType.SALES_ENTRY,
            squarespaceApi,
            state.activity(),
            clock,
            OrderLines.Options.from(tables)),
        new DocumentLineAggregator(),
        booker,
        new RefundBooker(
            documents,
            orderSettings,
            squarespaceApi,
            exactApi,
            state.ledger(),
            new RefundLedger(db, state.connection().id(), clock),
            booker,
            payloads,
            items,
            state.activity(),
            state.alerts()),
        new OrderFailures(
            state.ledger(), state.activity(), state.alerts(), orderSettings.maxAttempts()),
        new Preflight(
            orderSettings,
            documents,
            vatPolicy,
            vatCodes,
            reference,
            paymentConditions,
            items,
            customers,
            state.alerts(),
            clock));
  }

  /** The beans under the names the routes refer to. */
  public Map<String, Object> named() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("orderRetries", retries);
    beans.put("orderEligibility", eligibility);
    beans.put("orderTracker", tracker);
    beans.put("existenceCheck", existence);
    beans.put("orderBatch", batch);
    beans.put("orderPayloads", payloads);
    beans.put("customerDirectory", customers);
    beans.put("customerResolver", customerResolver);
    beans.put("itemCatalog", items);
    beans.put("vatCodes", vatCodes);
    beans.put("vatPolicy", vatPolicy);
    beans.put("orderLines", lines);
    beans.put("documentLineAggregator", lineAggregator);
    beans.put("documentBooker", booker);
    beans.put("refundBooker", refundBooker);
    beans.put("orderFailures", failures);
    beans.put("preflight", preflight);
    return beans;
  }

  /** The settings file as the datamapper's {@code $settings}. */
  private static Map<String, Object> settingsView(MappingSettings s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("journal", s.text("journal"));
    view.put("warehouse", s.text("warehouse"));
    view.put("documentType", s.text("document-type"));
    view.put("paymentConditions", s.map("payment-conditions"));
    view.put("shippingMethods", s.map("shipping-methods"));
    return view;
  }
}
