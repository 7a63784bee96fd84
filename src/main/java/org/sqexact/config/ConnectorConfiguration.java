package org.sqexact.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
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
import org.sqexact.ops.AlertGrouping;
import org.sqexact.ops.AlertNotices;
import org.sqexact.ops.AlertSettings;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.ConnectorHealthCheck;
import org.sqexact.ops.ConnectorMetrics;
import org.sqexact.ops.OperationsConfiguration;
import org.sqexact.ops.OperatorAccess;
import org.sqexact.ops.OperatorApi;
import org.sqexact.ops.OperatorHeaderFilter;
import org.sqexact.ops.OrderClaims;
import org.sqexact.ops.PollWatch;
import org.sqexact.ops.Preflight;
import org.sqexact.ops.console.ConsoleConfiguration;
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
import org.sqexact.store.DataDirectory;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.RefundLedger;
import org.sqexact.store.SecretBox;
import org.sqexact.store.TokenStore;
import org.sqexact.store.Watermarks;
import org.sqexact.support.Sleeper;

/**
 * Wires the connector's beans from the settings and binds them in Camel's registry under the names
 * the YAML routes use. Runs before the routes are loaded.
 *
 * <p>Tests may bind a {@link Clock} named {@code connectorClock} and a {@link Sleeper} named {@code
 * connectorSleeper} first to control time.
 */
public final class ConnectorConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfiguration.class);

  /** Registry name of an optional clock that replaces the system clock (tests). */
  public static final String CLOCK = "connectorClock";

  /** Registry name of an optional sleeper that replaces sleeping the thread (tests). */
  public static final String SLEEPER = "connectorSleeper";

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
    Sleeper sleeper = registry.lookupByNameAndType(SLEEPER, Sleeper.class);
    if (sleeper == null) {
      sleeper = Sleeper.THREAD;
    }

    // the operator port must be free: else stop with one line (exit code 2), not run half-deaf
    checkPortFree(settings.httpHost(), settings.httpPort());
    DataDirectory dataDir = DataDirectory.open(settings.dataDir());

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
    String dbPassword = settings.dbPassword();
    if (settings.dbUrl().startsWith("jdbc:h2:file:") && dbPassword.isEmpty()) {
      // the embedded database's password is generated once and kept with the secret key
      dbPassword = dataDir.secret("db.password").value();
      Database.adoptPassword(settings.dbUrl(), settings.dbUser(), dbPassword);
    }
    Database db = Database.open(settings.dbUrl(), settings.dbUser(), dbPassword);
    dataDir.restrict(); // the files the database just created: owner only
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
    OrderClaims claims = new OrderClaims(ledger, idempotent);
    // closes the database after Camel stopped (routes first, so in-flight orders finish)
    context.addService(new Closer(claims, db, dataDir), true);
    ProducerTemplate template = context.createProducerTemplate();
    Alerts alerts = new Alerts(activity, clock);
    alerts.useTemplate(template);

    // Exact Online
    ExactRateGovernor governor =
        new ExactRateGovernor(
            clock,
            sleeper,
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
            sleeper,
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
    // an embedded database belongs to this process alone: an order it finds in progress at start
    // was
    // left by a dead process and is taken again at once; on a shared database others may hold it
    OrderRetries retries =
        new OrderRetries(
            ledger,
            idempotent,
            clock,
            settings.embeddedDb() ? Duration.ZERO : Duration.ofMinutes(10),
            claims.instance());
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
            reference,
            mappingSettings.text("gl-accounts", "gift-card"));
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
    registry.bind("orderClaims", claims);
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
            orderSettings,
            items,
            vatCodes,
            vatPolicy,
            documentType == DocumentType.SALES_ENTRY,
            squarespaceApi,
            activity,
            clock,
            OrderLines.Options.from(mappingSettings)));
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
    AlertSettings alertSettings =
        AlertSettings.read(
            new ConnectorSettings.Reader(key -> pc.resolveProperty(key).orElse(null)),
            settings.httpPort());
    registry.bind("alertGrouping", new AlertGrouping());
    registry.bind("alertNotices", new AlertNotices(alertSettings, connection.id()));
    pc.addOverrideProperty(
        "alerts.group-millis", Long.toString(alertSettings.groupSeconds() * 1000L));
    ConnectorMetrics metrics =
        new ConnectorMetrics(meterRegistry(registry), clock, connection.id());
    metrics.watchOrders(ledger);
    metrics.watchBudget(governor, settings.exactDivision());
    metrics.watchTokens(tokenStore);
    activity.onApiCall(metrics::apiCall);
    registry.bind(
        "pollWatch",
        new PollWatch(
            clock, settings.pollInterval(), alertSettings.pollStalledIntervals(), alerts));
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
            },
            claims);
    operatorApi.usePreflight(preflight);
    registry.bind("operatorApi", operatorApi);
    registry.bind("demoControls", new DemoControls(sandbox));
    secureHttp(
        context,
        settings,
        dataDir,
        ConsoleConfiguration.configure(context, settings, tokenStore, box, connection.id(), clock));
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectorHealthCheck(tokens, divisionCheck));
    }
    pc.addOverrideProperty(
        "sync.poll-interval-millis", Long.toString(settings.pollInterval().toMillis()));
    // flows from Exact back to the shop (stock, order status, webhooks): their own wiring
    ReturnFlowsConfiguration.configure(context, settings);
    new OperationsConfiguration().configure(context); // issue 10: privacy, backfill, health, alerts
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

  /**
   * The meter registry behind /observe/metrics: Camel's Prometheus support takes the one bound as
   * {@code metricsRegistry}, so the connector's own meters appear next to the routes' meters.
   */
  private static MeterRegistry meterRegistry(Registry registry) {
    MeterRegistry existing = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (existing != null) {
      return existing;
    }
    PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.bind("metricsRegistry", created);
    return created;
  }

  /**
   * The HTTP port's door: the API token (configured, or generated once in the data directory and
   * printed once; the demo prints it at every start) guards every route; request headers never
   * reach the routes.
   */
  private static void secureHttp(
      CamelContext context,
      ConnectorSettings settings,
      DataDirectory dataDir,
      ConsoleConfiguration.Console console) {
    String token = settings.apiToken();
    boolean show = settings.demo();
    if (token == null) {
      DataDirectory.Secret generated = dataDir.secret("api.token");
      token = generated.value();
      show |= generated.generated();
    }
    if (show) {
      LOG.warn(
          "Operator API token (kept in {}; send it as 'Authorization: Bearer <token>'): {}",
          settings.apiToken() == null ? dataDir.path().resolve("api.token") : "CONNECTOR_API_TOKEN",
          token);
    }
    String version = ConnectorConfiguration.class.getPackage().getImplementationVersion();
    List<OperatorAccess.Authenticator> logins = new java.util.ArrayList<>();
    logins.add(new OperatorAccess.BearerToken(token));
    logins.add(
        new OperatorAccess.JolokiaBasic(token)); // Hawtio: basic credentials, token as password
    logins.addAll(console.authenticators()); // the dashboard's session cookie
    new OperatorAccess(
            logins, console.entrances(), context, version == null ? "development" : version)
        .install();
    OperatorHeaderFilter filter = new OperatorHeaderFilter();
    context.getRegistry().bind("operatorHeaderFilter", filter);
    context
        .getComponent("platform-http", PlatformHttpComponent.class)
        .setHeaderFilterStrategy(filter);
  }

  /** Stops start-up with one line when the operator port is taken. */
  private static void checkPortFree(String host, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new SettingsException(
          "CONNECTOR_HTTP_PORT (connector.http-port): port "
              + port
              + " on "
              + host
              + " cannot be used ("
              + e.getMessage()
              + "); another program (or another connector) listens there");
    }
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

  /**
   * At Camel's stop, after the routes stopped (graceful shutdown lets in-flight orders finish):
   * marks orders this process still holds for an immediate look-up on the next start, then closes
   * the database.
   */
  private static final class Closer extends ServiceSupport {
    private final OrderClaims claims;
    private final Database db;
    private final DataDirectory dataDir;

    Closer(OrderClaims claims, Database db, DataDirectory dataDir) {
      this.claims = claims;
      this.db = db;
      this.dataDir = dataDir;
    }

    @Override
    protected void doStop() {
      try {
        claims.releaseOnStop();
      } catch (RuntimeException e) {
        LOG.warn("Could not mark interrupted orders at the stop: {}", e.getMessage());
      } finally {
        db.close();
        dataDir.restrict();
      }
    }
  }
}
