package org.sqexact.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.demo.DemoControls;
import org.sqexact.demo.DemoSandbox;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactGateway;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.exact.ExactTokenClient;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.mapping.DataMapper;
import org.sqexact.mapping.MappingException;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.ConnectorHealthCheck;
import org.sqexact.ops.OperatorApi;
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
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.squarespace.SquarespaceOrderPages;
import org.sqexact.squarespace.SquarespacePause;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore;
import org.sqexact.store.ConnectionStore.ConnectionInfo;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.RefundLedger;
import org.sqexact.store.SecretBox;
import org.sqexact.store.TokenStore;
import org.sqexact.store.Watermarks;

/**
 * Wires the connector's beans from the settings and binds them in Camel's registry under the names
 * the YAML routes use. Runs before the routes are loaded.
 *
 * <p>Tests may bind a {@link Clock} named {@code connectorClock} first to control time.
 */
public final class ConnectorConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfiguration.class);

  /** Registry name of an optional clock that replaces the system clock (tests). */
  public static final String CLOCK = "connectorClock";

  @Override
  public void configure(CamelContext context) throws Exception {
    PropertiesComponent pc = context.getPropertiesComponent();
    Registry registry = context.getRegistry();
    ConnectorSettings settings =
        ConnectorSettings.load(key -> pc.resolveProperty(key).orElse(null));
    Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
    if (clock == null) {
      clock = Clock.systemUTC();
    }

    // the demo replaces both APIs by the sandbox when no credential is configured
    Instant ordersSince = settings.ordersSince();
    DemoSandbox sandbox = null;
    if (settings.demo()) {
      sandbox = DemoMode.start(context, settings, clock);
      if (ordersSince == null) {
        ordersSince = clock.instant().minus(Duration.ofDays(4)); // the sandbox's sample orders
      }
    }

    // settings files under mappings/
    MappingSettings mappingSettings =
        MappingSettings.load(
            settings.mappingsDir().resolve("settings.yaml"), context::resolvePropertyPlaceholders);
    OrderSettings orderSettings =
        OrderSettings.load(key -> pc.resolveProperty(key).orElse(null), mappingSettings);
    DocumentType documentType = documentType(orderSettings);
    DataMapper dataMapper = dataMapper(settings, mappingSettings);

    // state
    Database db = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword());
    context.addService(new Closer(db), true);
    SecretBox box = SecretBox.fromSettings(settings.secretKey(), settings.dataDir());
    ConnectionInfo connection =
        new ConnectionStore(db, clock)
            .ensure(
                settings.connectionId(),
                settings.exactDivision(),
                settings.squarespaceApiUrl().toString(),
                ordersSince);
    TokenStore tokenStore = new TokenStore(db, box, connection.id(), clock);
    if (settings.demo()) {
      tokenStore.reset(settings.exactRefreshToken()); // each sandbox starts a new token chain
    } else {
      tokenStore.seed(settings.exactRefreshToken());
    }
    ActivityLog activity =
        new ActivityLog(db, connection.id(), clock, settings.activityRetention());
    Watermarks watermarks = new Watermarks(db, connection.id(), clock);
    OrderLedger ledger = new OrderLedger(db, connection.id(), clock);
    JdbcMessageIdRepository idempotent =
        new JdbcMessageIdRepository(db.dataSource(), connection.id());
    ProducerTemplate template = context.createProducerTemplate();
    Alerts alerts = new Alerts(activity, clock);
    alerts.useTemplate(template);

    // Exact Online
    ExactRateGovernor governor =
        new ExactRateGovernor(
            clock,
            d -> Thread.sleep(Math.max(1, d.toMillis())),
            settings.exactOrderSharePercent(),
            settings.exactClientErrorStop(),
            settings.exactRateMaxWait(),
            alerts);
    ExactTokenManager tokens =
        new ExactTokenManager(
            tokenStore,
            new ExactTokenClient(
                template,
                settings.exactTokenUrl().toString(),
                settings.exactClientId(),
                settings.exactClientSecret()),
            clock,
            settings.exactMinRefreshInterval(),
            settings.exactRefreshIdleWarning(),
            settings.exactRefreshKeepAlive(),
            alerts);
    ExactApi exactApi = new ExactApi(template);
    ExactDivisionCheck divisionCheck =
        new ExactDivisionCheck(exactApi, settings.exactDivision(), alerts);
    ExactReferenceData reference = new ExactReferenceData(exactApi);
    registry.bind("exactRateGovernor", governor);
    registry.bind("exactTokenManager", tokens);
    registry.bind(
        "exactGateway",
        new ExactGateway(
            tokens, governor, activity, clock, settings.exactRestUrl(), settings.exactDivision()));
    registry.bind("exactApi", exactApi);
    registry.bind("exactDivisionCheck", divisionCheck);
    registry.bind("exactReferenceData", reference);

    // Squarespace
    SquarespacePause pause =
        new SquarespacePause(
            clock,
            d -> Thread.sleep(Math.max(1, d.toMillis())),
            settings.squarespaceRateLimitPause(),
            settings.squarespaceRateLimitPause().plusSeconds(10));
    SquarespaceApi squarespaceApi = new SquarespaceApi(template);
    registry.bind("squarespacePause", pause);
    registry.bind(
        "squarespaceGateway",
        new SquarespaceGateway(
            pause,
            activity,
            clock,
            settings.squarespaceApiUrl(),
            settings.squarespaceApiKey(),
            settings.squarespaceUserAgent()));
    registry.bind("squarespaceApi", squarespaceApi);
    registry.bind(
        "squarespaceOrderPages",
        new SquarespaceOrderPages(
            watermarks,
            clock,
            connection.ordersSince(),
            withRefunded(orderSettings.paymentStates()),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5)));

    // the order flow
    OrderRetries retries = new OrderRetries(ledger, idempotent, clock, Duration.ofMinutes(10));
    OrderEligibility eligibility =
        new OrderEligibility(orderSettings, connection.ordersSince(), ledger, retries);
    OrderTracker tracker = new OrderTracker(orderSettings, ledger, activity);
    ExistenceCheck existence =
        new ExistenceCheck(exactApi, documentType, clock, Duration.ofMinutes(10));
    OrderPayloads payloads = new DataMapperPayloads(dataMapper, settingsView(mappingSettings));
    CustomerDirectory customers = new CustomerDirectory(exactApi, clock, Duration.ofSeconds(30));
    ItemCatalog items = new ItemCatalog(exactApi, clock, Duration.ofSeconds(30));
    VatCodes vatCodes = new VatCodes(exactApi);
    VatPolicy vatPolicy =
        new VatPolicy(mappingSettings.vatRules(), mappingSettings.standardVatRate(), vatCodes);
    PaymentConditions paymentConditions =
        new PaymentConditions(squarespaceApi, mappingSettings.map("payment-conditions"));
    DocumentSettings documents =
        new DocumentSettings(
            documentType,
            orderSettings.journal(),
            orderSettings.warehouse(),
            orderSettings.finaliseInvoices(),
            mappingSettings.glRules(),
            mappingSettings.text("gl-accounts", "default"),
            mappingSettings.map("shipping-methods"),
            reference);
    Preflight preflight =
        new Preflight(
            orderSettings,
            documents,
            vatPolicy,
            vatCodes,
            reference,
            paymentConditions,
            items,
            customers,
            alerts,
            clock);
    registry.bind("mappingSettings", mappingSettings);
    registry.bind("dataMapper", dataMapper);
    registry.bind("orderSettings", orderSettings);
    registry.bind("orderLedger", ledger);
    registry.bind("orderIdempotentRepository", idempotent);
    registry.bind("orderRetries", retries);
    registry.bind("orderEligibility", eligibility);
    registry.bind("orderTracker", tracker);
    registry.bind("existenceCheck", existence);
    registry.bind("orderBatch", new OrderBatch(eligibility, existence, tracker, activity));
    registry.bind("orderPayloads", payloads);
    registry.bind("customerDirectory", customers);
    registry.bind(
        "customerResolver", new CustomerResolver(orderSettings, customers, payloads, activity));
    registry.bind("itemCatalog", items);
    registry.bind("vatCodes", vatCodes);
    registry.bind("vatPolicy", vatPolicy);
    registry.bind(
        "orderLines",
        new OrderLines(
            orderSettings, items, vatCodes, vatPolicy, documentType == DocumentType.SALES_ENTRY));
    registry.bind("documentLineAggregator", new DocumentLineAggregator());
    DocumentBooker booker =
        new DocumentBooker(
            documents, paymentConditions, payloads, exactApi, ledger, existence, activity);
    registry.bind("documentBooker", booker);
    registry.bind(
        "refundBooker",
        new RefundBooker(
            documents,
            orderSettings,
            squarespaceApi,
            exactApi,
            ledger,
            new RefundLedger(db, connection.id(), clock),
            booker,
            payloads,
            items,
            activity,
            alerts));
    registry.bind(
        "orderFailures", new OrderFailures(ledger, activity, alerts, orderSettings.maxAttempts()));
    registry.bind("preflight", preflight);

    // operations
    registry.bind("connectorSettings", settings);
    registry.bind("connectorClock", clock);
    registry.bind("connectorDatabase", db);
    registry.bind("connectorDataSource", db.dataSource());
    registry.bind("activityLog", activity);
    registry.bind("watermarks", watermarks);
    registry.bind("alerts", alerts);
    OperatorApi operatorApi =
        new OperatorApi(
            ledger,
            activity,
            alerts,
            squarespaceApi,
            eligibility,
            idempotent,
            tokens,
            divisionCheck,
            governor,
            watermarks,
            settings.exactDivision(),
            template,
            () -> {
              items.markStale();
              customers.markStale();
            });
    operatorApi.usePreflight(preflight);
    registry.bind("operatorApi", operatorApi);
    registry.bind("demoControls", new DemoControls(sandbox));
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectorHealthCheck(tokens, divisionCheck));
    }
    pc.addOverrideProperty(
        "sync.poll-interval-millis", Long.toString(settings.pollInterval().toMillis()));
    // flows from Exact back to the shop (stock, order status, webhooks): their own wiring
    ReturnFlowsConfiguration.configure(context, settings);
    LOG.info(
        "Connector '{}' set up: Exact Online division {} at {}, Squarespace at {}, orders booked as"
            + " {}, database {}{}",
        connection.id(),
        settings.exactDivision(),
        settings.exactBaseUrl(),
        settings.squarespaceApiUrl(),
        documentType.label() + "s",
        settings.dbUrl().replaceAll("(?i)password=[^;&]*", "password=***"),
        settings.demo() ? " (DEMO: built-in sandbox, no real shop or administration)" : "");
  }

  /** The states polled: those booked, and REFUNDED so that refunds of booked orders are seen. */
  private static java.util.List<String> withRefunded(java.util.List<String> states) {
    java.util.List<String> out = new java.util.ArrayList<>(states);
    if (!out.contains("REFUNDED")) {
      out.add("REFUNDED");
    }
    return out;
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
            String key =
                name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            Map<String, String> table = tables.map(key);
            return table.isEmpty() ? tables.map(name) : table;
          });
    } catch (MappingException e) {
      throw new SettingsException(e.getMessage().lines().findFirst().orElse(e.getMessage()));
    }
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

  /** Closes the database when Camel stops. */
  private static final class Closer extends ServiceSupport {
    private final AutoCloseable closeable;

    Closer(AutoCloseable closeable) {
      this.closeable = closeable;
    }

    @Override
    protected void doStop() throws Exception {
      closeable.close();
    }
  }
}
