package org.sqexact.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.sqexact.exact.ExactTokenClient;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.ConnectorHealthCheck;
import org.sqexact.ops.OperatorApi;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.CustomerResolver;
import org.sqexact.order.DocumentBooker;
import org.sqexact.order.DocumentLineAggregator;
import org.sqexact.order.ExistenceCheck;
import org.sqexact.order.ItemCatalog;
import org.sqexact.order.JavaOrderPayloads;
import org.sqexact.order.OrderBatch;
import org.sqexact.order.OrderEligibility;
import org.sqexact.order.OrderFailures;
import org.sqexact.order.OrderLines;
import org.sqexact.order.OrderPayloads;
import org.sqexact.order.OrderRetries;
import org.sqexact.order.OrderTracker;
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
    ConnectorSettings settings =
        ConnectorSettings.load(key -> pc.resolveProperty(key).orElse(null));
    Registry registry = context.getRegistry();
    Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
    if (clock == null) {
      clock = Clock.systemUTC();
    }
    Instant ordersSince = settings.ordersSince();
    DemoSandbox sandbox = null;
    if (settings.demo()) {
      sandbox = DemoMode.start(context, settings, clock);
      if (ordersSince == null) {
        ordersSince = clock.instant().minus(Duration.ofDays(4)); // the sandbox's sample orders
      }
    }
    OrderSettings orderSettings = OrderSettings.load(key -> pc.resolveProperty(key).orElse(null));
    DocumentType documentType;
    try {
      documentType = DocumentType.fromSetting(orderSettings.documentType());
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          "ORDERS_DOCUMENT_TYPE (orders.document-type) must be sales-order, sales-invoice,"
              + " direct-sales-invoice or sales-entry, got '"
              + orderSettings.documentType()
              + "'");
    }
    registry.bind("connectorSettings", settings);

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
    Alerts alerts = new Alerts(activity, clock);
    ProducerTemplate template = context.createProducerTemplate();
    alerts.useTemplate(template);

    ExactRateGovernor governor =
        new ExactRateGovernor(
            clock,
            d -> Thread.sleep(Math.max(1, d.toMillis())),
            settings.exactOrderSharePercent(),
            settings.exactClientErrorStop(),
            settings.exactRateMaxWait(),
            alerts);
    ExactTokenClient tokenClient =
        new ExactTokenClient(
            template,
            settings.exactTokenUrl().toString(),
            settings.exactClientId(),
            settings.exactClientSecret());
    ExactTokenManager tokens =
        new ExactTokenManager(
            tokenStore,
            tokenClient,
            clock,
            settings.exactMinRefreshInterval(),
            settings.exactRefreshIdleWarning(),
            settings.exactRefreshKeepAlive(),
            alerts);
    ExactGateway exactGateway =
        new ExactGateway(
            tokens, governor, activity, clock, settings.exactRestUrl(), settings.exactDivision());
    ExactApi exactApi = new ExactApi(template);
    ExactDivisionCheck divisionCheck =
        new ExactDivisionCheck(exactApi, settings.exactDivision(), alerts);

    SquarespacePause pause =
        new SquarespacePause(
            clock,
            d -> Thread.sleep(Math.max(1, d.toMillis())),
            settings.squarespaceRateLimitPause(),
            settings.squarespaceRateLimitPause().plusSeconds(10));
    SquarespaceGateway squarespaceGateway =
        new SquarespaceGateway(
            pause,
            activity,
            clock,
            settings.squarespaceApiUrl(),
            settings.squarespaceApiKey(),
            settings.squarespaceUserAgent());
    SquarespaceApi squarespaceApi = new SquarespaceApi(template);
    SquarespaceOrderPages orderPages =
        new SquarespaceOrderPages(
            watermarks,
            clock,
            connection.ordersSince(),
            orderSettings.paymentStates(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5));

    // the order flow
    OrderLedger ledger = new OrderLedger(db, connection.id(), clock);
    JdbcMessageIdRepository idempotent =
        new JdbcMessageIdRepository(db.dataSource(), connection.id());
    OrderRetries retries = new OrderRetries(ledger, idempotent, clock, Duration.ofMinutes(10));
    OrderEligibility eligibility =
        new OrderEligibility(orderSettings, connection.ordersSince(), ledger, retries);
    OrderTracker tracker = new OrderTracker(orderSettings, ledger, activity);
    ExistenceCheck existence =
        new ExistenceCheck(exactApi, documentType, clock, Duration.ofMinutes(10));
    OrderPayloads payloads = new JavaOrderPayloads();
    CustomerDirectory customers = new CustomerDirectory(exactApi, clock, Duration.ofSeconds(30));
    ItemCatalog items = new ItemCatalog(exactApi, clock, Duration.ofSeconds(30));
    VatCodes vatCodes = new VatCodes(exactApi);
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
    MappingSettings mappingSettings =
        MappingSettings.load(
            settings.mappingsDir().resolve("settings.yaml"),
            value -> context.resolvePropertyPlaceholders(value));
    VatPolicy vatPolicy =
        new VatPolicy(mappingSettings.vatRules(), mappingSettings.standardVatRate(), vatCodes);
    registry.bind("mappingSettings", mappingSettings);
    registry.bind("vatPolicy", vatPolicy);
    registry.bind("orderLines", new OrderLines(orderSettings, items, vatCodes, vatPolicy));
    registry.bind("documentLineAggregator", new DocumentLineAggregator());
    registry.bind(
        "documentBooker",
        new DocumentBooker(documentType, payloads, exactApi, ledger, existence, activity));
    registry.bind(
        "orderFailures", new OrderFailures(ledger, activity, alerts, orderSettings.maxAttempts()));

    registry.bind(
        "operatorApi",
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
            }));

    registry.bind("demoControls", new DemoControls(sandbox));

    registry.bind("connectorClock", clock);
    registry.bind("connectorDatabase", db);
    registry.bind("connectorDataSource", db.dataSource());
    registry.bind("activityLog", activity);
    registry.bind("watermarks", watermarks);
    registry.bind("alerts", alerts);
    registry.bind("exactRateGovernor", governor);
    registry.bind("exactTokenManager", tokens);
    registry.bind("exactGateway", exactGateway);
    registry.bind("exactApi", exactApi);
    registry.bind("exactDivisionCheck", divisionCheck);
    registry.bind("squarespacePause", pause);
    registry.bind("squarespaceGateway", squarespaceGateway);
    registry.bind("squarespaceApi", squarespaceApi);
    registry.bind("squarespaceOrderPages", orderPages);

    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectorHealthCheck(tokens, divisionCheck));
    }

    pc.addOverrideProperty(
        "sync.poll-interval-millis", Long.toString(settings.pollInterval().toMillis()));
    LOG.info(
        "Connector '{}' set up: Exact Online division {} at {}, Squarespace at {}, database {}{}",
        connection.id(),
        settings.exactDivision(),
        settings.exactBaseUrl(),
        settings.squarespaceApiUrl(),
        settings.dbUrl().replaceAll("(?i)password=[^;&]*", "password=***"),
        settings.demo() ? " (DEMO: built-in sandbox, no real shop or administration)" : "");
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
