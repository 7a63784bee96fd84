package org.sqexact.connection;

import java.time.Clock;
import java.util.function.Function;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.ConnectorConfiguration;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.config.ExactConfiguration;
import org.sqexact.config.SettingsReader;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactGovernors;
import org.sqexact.exact.SharedBudget;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.OperatorApi;
import org.sqexact.ops.OrderClaims;
import org.sqexact.ops.PollWatch;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.support.Sleeper;

/**
 * The connections besides the default one, from {@code connector.connections-dir}: each file {@code
 * <id>.properties} runs the order flow's route templates with its own beans ({@link
 * ConnectionWiring}) over what the process shares (database, secret box, clock, the rate governors
 * per division, the node's claim prefix). Binds {@code connectionRegistry}, {@code connectionWatch}
 * (called by route {@code connections-watch}) and {@code connectionRuntime}. The directory is read
 * once when Camel has started (before the start returns, so a process started with many files is
 * ready with all of them running), then on the watch's schedule; every connection is stopped before
 * the database closes. Runs last of {@link ConnectorConfiguration#AREAS}.
 */
@Configuration
public final class ConnectionsConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionsConfiguration.class);

  /**
   * Internal switch, not a user setting: {@code false} leaves {@code connections/} unread. The
   * {@code --dry-run} command sets it: it starts the connector for one order of the default
   * connection, and a connection file may switch its own polls on ({@code sync.auto-start}).
   */
  public static final String START = "connector.connections-start";

  @Override
  public void configure(CamelContext context) throws Exception {
    Registry registry = context.getRegistry();
    PropertiesComponent pc = context.getPropertiesComponent();
    Function<String, String> process = key -> pc.resolveProperty(key).orElse(null);
    ConnectorSettings settings = bean(registry, "connectorSettings", ConnectorSettings.class);

    ConnectionWiring wiring =
        new ConnectionWiring(
            new ConnectionWiring.Shared(
                context,
                process,
                bean(registry, "connectorDatabase", Database.class),
                bean(registry, "secretBox", SecretBox.class),
                bean(registry, ConnectorConfiguration.CLOCK, Clock.class),
                bean(registry, ConnectorConfiguration.SLEEPER, Sleeper.class),
                bean(registry, "exactGovernors", ExactGovernors.class),
                // bound only when several nodes share the database
                registry.lookupByNameAndType(ExactConfiguration.SHARED_BUDGET, SharedBudget.class),
                // all connections of this node claim orders under the node's prefix
                bean(registry, "orderClaims", OrderClaims.class).instance(),
                new SettingsReader(process).integer("alerts.poll-stalled-intervals", 5, 1, 1000)));
    TemplateConnectionRuntime runtime =
        new TemplateConnectionRuntime(context, ConnectionWiring.TEMPLATES, wiring);
    ConnectionRegistry connections = new ConnectionRegistry(runtime);
    ConnectionDefinitions definitions =
        new ConnectionDefinitions(
            settings.connectionsDir(),
            settings.connectionId(),
            process,
            // {{env:SHOP_B_EXACT_SECRET}}: the files need not hold secrets
            context::resolvePropertyPlaceholders);
    ConnectionWatch watch =
        new ConnectionWatch(
            definitions,
            connections,
            bean(registry, "alerts", Alerts.class),
            bean(registry, "activityLog", ActivityLog.class),
            !"false".equals(process.apply(START)));

    registry.bind("connectionRegistry", connections);
    registry.bind("connectionRuntime", runtime);
    registry.bind("connectionWiring", wiring);
    registry.bind("connectionWatch", watch);
    registry.bind(
        "connectionsApi",
        new ConnectionsApi(
            settings.connectionId(),
            bean(registry, "exactDivision", ExactDivision.class),
            () -> registry.lookupByNameAndType("pollWatch", PollWatch.class),
            context,
            connections,
            runtime,
            wiring));

    OperatorApi operatorApi = registry.lookupByNameAndType("operatorApi", OperatorApi.class);
    if (operatorApi != null) {
      // ?connection=<id> on the operator API's order calls: that running connection's beans
      operatorApi.useConnections(
          settings.connectionId(), new ConnectionOperatorApis(context, wiring)::get);
    }

    // The first look while Camel initialises: the YAML templates are loaded, no route has been
    // created yet. Camel's DefaultModel removes a route of the same id before it adds one, and that
    // removal first gathers the endpoints of every route the context has (AbstractCamelContext
    // .removeRoute, Camel 4.18): adding the connections' routes one by one to a running context
    // costs time in the square of their number (some 2 s a connection at 50 connections). Added
    // before any route exists, they are created and started with the process's own routes.
    context
        .getLifecycleStrategies()
        .add(
            new LifecycleStrategySupport() {
              @Override
              public void onContextInitializing(CamelContext c) {
                try {
                  java.util.List<String> changes = watch.rescan();
                  LOG.info(
                      "Connections from {}: {}",
                      settings.connectionsDir(),
                      changes.isEmpty() ? "none" : changes);
                } catch (RuntimeException e) {
                  LOG.warn("Could not read {}: {}", settings.connectionsDir(), e.getMessage());
                }
              }
            });
    // services stop in the reverse order of their adding: this one before the database's Closer
    // (added by ConnectorConfiguration), after Camel stopped the routes gracefully
    context.addService(new StopAll(connections), true);

    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectionsCheck(watch, connections, wiring::exactProblem));
    }
  }

  private static <T> T bean(Registry registry, String name, Class<T> type) {
    T bean = registry.lookupByNameAndType(name, type);
    if (bean == null) {
      throw new IllegalStateException(
          "'" + name + "' is not bound yet: check the order of ConnectorConfiguration.AREAS");
    }
    return bean;
  }

  /** At Camel's stop: every connection's orders in hand are marked, while the database is open. */
  private static final class StopAll extends ServiceSupport {
    private final ConnectionRegistry connections;

    StopAll(ConnectionRegistry connections) {
      this.connections = connections;
    }

    @Override
    protected void doStop() {
      connections.stopAll();
    }
  }
}
