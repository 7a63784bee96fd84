package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.ops.AlertGrouping;
import org.sqexact.ops.AlertNotices;
import org.sqexact.ops.AlertSettings;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.ConnectorHealthCheck;
import org.sqexact.ops.ConnectorMetrics;
import org.sqexact.ops.OperatorAccess;
import org.sqexact.ops.OperatorApi;
import org.sqexact.ops.OperatorHeaderFilter;
import org.sqexact.ops.OrderClaims;
import org.sqexact.ops.PollWatch;
import org.sqexact.ops.Preflight;
import org.sqexact.ops.console.ConsoleConfiguration;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.ItemCatalog;
import org.sqexact.order.OrderEligibility;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore.ConnectionInfo;
import org.sqexact.store.DataDirectory;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.SecretBox;
import org.sqexact.store.TokenStore;
import org.sqexact.store.Watermarks;

/**
 * Operations: alert delivery ({@code routes/operator-alerts.camel.yaml}), metrics, health, the poll
 * watch, the operator API ({@code routes/operator-api.camel.yaml}) and the HTTP port's door (the
 * API token, filtered headers). The last configuration class: it uses the beans of all the others.
 */
@Configuration
public final class OperationsConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(OperationsConfiguration.class);

  @Override
  public void configure(CamelContext context) {
    PropertiesComponent pc = context.getPropertiesComponent();
    Registry registry = context.getRegistry();
    ConnectorSettings settings = bean(context, "connectorSettings", ConnectorSettings.class);
    Clock clock = bean(context, ConnectorConfiguration.CLOCK, Clock.class);
    ConnectionInfo connection = bean(context, "connectorConnection", ConnectionInfo.class);
    OrderLedger ledger = bean(context, "orderLedger", OrderLedger.class);
    ActivityLog activity = bean(context, "activityLog", ActivityLog.class);
    Alerts alerts = bean(context, "alerts", Alerts.class);
    ExactRateGovernor governor = bean(context, "exactRateGovernor", ExactRateGovernor.class);
    ExactTokenManager tokens = bean(context, "exactTokenManager", ExactTokenManager.class);
    ExactDivisionCheck divisionCheck =
        bean(context, "exactDivisionCheck", ExactDivisionCheck.class);
    ExactDivision division = bean(context, "exactDivision", ExactDivision.class);

    AlertSettings alertSettings =
        AlertSettings.read(
            new SettingsReader(key -> pc.resolveProperty(key).orElse(null)), settings.httpPort());
    registry.bind("alertGrouping", new AlertGrouping());
    registry.bind("alertNotices", new AlertNotices(alertSettings, connection.id()));
    pc.addOverrideProperty(
        "alerts.group-millis", Long.toString(alertSettings.groupSeconds() * 1000L));
    ConnectorMetrics metrics =
        new ConnectorMetrics(meterRegistry(registry), clock, connection.id());
    metrics.watchOrders(ledger);
    metrics.watchBudget(governor, division);
    metrics.watchTokens(bean(context, "tokenStore", TokenStore.class));
    if (ClusterSchedule.clustered(settings.dbUrl())) {
      // several nodes: how many check in; a dead node drops out within about 20 s
      org.sqexact.store.ClusterNodes nodes =
          new org.sqexact.store.ClusterNodes(
              bean(context, "connectorDatabase", org.sqexact.store.Database.class));
      io.micrometer.core.instrument.Gauge.builder(
              "connector_cluster_nodes", () -> nodes.live().size())
          .description("Connector nodes sharing the database that check in (Quartz's cluster)")
          .register(meterRegistry(registry));
    }
    activity.onApiCall(metrics::apiCall);
    registry.bind(
        "pollWatch",
        new PollWatch(
            clock,
            settings.pollInterval(),
            alertSettings.pollStalledIntervals(),
            alerts,
            // several nodes: the poll runs where Quartz fires it, the watch reads every node's
            ClusterSchedule.clustered(settings.dbUrl())
                ? bean(context, "watermarks", org.sqexact.store.Watermarks.class)
                : null));
    ItemCatalog items = bean(context, "itemCatalog", ItemCatalog.class);
    CustomerDirectory customers = bean(context, "customerDirectory", CustomerDirectory.class);
    OperatorApi operatorApi =
        new OperatorApi(
            ledger,
            activity,
            alerts,
            bean(context, "squarespaceApi", SquarespaceApi.class),
            bean(context, "orderEligibility", OrderEligibility.class),
            bean(context, "orderIdempotentRepository", JdbcMessageIdRepository.class),
            tokens,
            divisionCheck,
            governor,
            bean(context, "watermarks", Watermarks.class),
            division,
            context.createProducerTemplate(),
            () -> {
              items.markStale();
              customers.markStale();
            },
            bean(context, "orderClaims", OrderClaims.class));
    operatorApi.usePreflight(bean(context, "preflight", Preflight.class));
    registry.bind("operatorApi", operatorApi);
    secureHttp(
        context,
        settings,
        bean(context, "connectorDataDirectory", DataDirectory.class),
        ConsoleConfiguration.configure(
            context,
            settings,
            bean(context, "tokenStore", TokenStore.class),
            bean(context, "secretBox", SecretBox.class),
            connection.id(),
            clock));
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectorHealthCheck(tokens, divisionCheck));
    }
    pc.addOverrideProperty(
        "sync.poll-interval-millis", Long.toString(settings.pollInterval().toMillis()));
    LOG.info(
        "Connector '{}' set up: Exact Online division {} at {}, Squarespace at {}, orders booked as"
            + " {}, database {}{}",
        connection.id(),
        division.chosen() ? division.getAsInt() : "(not chosen yet)",
        settings.exactBaseUrl(),
        settings.squarespaceApiUrl(),
        bean(context, "orderDocumentType", DocumentType.class).label() + "s",
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
    String version = OperationsConfiguration.class.getPackage().getImplementationVersion();
    List<OperatorAccess.Authenticator> logins = new java.util.ArrayList<>();
    logins.add(new OperatorAccess.BearerToken(token));
    logins.add(
        new OperatorAccess.JolokiaBasic(token)); // Hawtio: basic credentials, token as password
    logins.addAll(console.authenticators()); // the dashboard's session cookie
    String hawtio =
        context.getPropertiesComponent().resolveProperty("connector.jolokia-origins").orElse("");
    new OperatorAccess(
            logins, console.entrances(), context, version == null ? "development" : version)
        .trustJolokiaOrigins(List.of(hawtio.split(",")))
        .install();
    OperatorHeaderFilter filter = new OperatorHeaderFilter();
    context.getRegistry().bind("operatorHeaderFilter", filter);
    context
        .getComponent("platform-http", PlatformHttpComponent.class)
        .setHeaderFilterStrategy(filter);
  }
}
