package org.sqexact.ops.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.ops.OperatorAccess;
import org.sqexact.ops.OperatorApi;
import org.sqexact.ops.Preflight;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.ItemCatalog;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.store.SessionStore;
import org.sqexact.store.TokenStore;

/**
 * Wires the operator's console (the dashboard at {@code /console/}, its JSON under {@code
 * /api/console}, the connect wizard): the beans routes/operator-console.camel.yaml uses, and the
 * login (session cookie beside the API token) the HTTP door needs. Called once from
 * ConnectorConfiguration after the operator API is bound.
 */
public final class ConsoleConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfiguration.class);

  /** What the HTTP door needs from the console. */
  public record Console(
      List<OperatorAccess.Authenticator> authenticators, List<OperatorAccess.Entrance> entrances) {}

  private ConsoleConfiguration() {}

  public static Console configure(
      CamelContext context,
      ConnectorSettings settings,
      TokenStore tokenStore,
      SecretBox box,
      String connectionId,
      Clock clock) {
    Registry registry = context.getRegistry();
    PropertiesComponent pc = context.getPropertiesComponent();
    ConsoleUsers users = ConsoleUsers.parse(pc.resolveProperty("connector.users").orElse(null));
    if (users.isEmpty() && settings.demo()) {
      String password = ConsoleSessions.randomToken().substring(0, 16);
      users = users.with("demo", password);
      LOG.warn(
          "Dashboard (DEMO): http://localhost:{}/console/ — user 'demo', password '{}' (a new one"
              + " at every start; set CONNECTOR_USERS for your own)",
          settings.httpPort(),
          password);
    } else if (users.isEmpty()) {
      LOG.warn(
          "No dashboard operator is set up: add 'name:hash' to CONNECTOR_USERS (print a hash with"
              + " 'java -jar target/squarespace-exact-connector.jar --hash-password')");
    }
    String publicUrl =
        pc.resolveProperty("connector.public-url")
            .filter(s -> !s.isBlank())
            .orElse("http://localhost:" + settings.httpPort());
    ConsoleUsers known = users;
    ConsoleSessions sessions =
        new ConsoleSessions(
            new SessionStore(
                registry.lookupByNameAndType("connectorDatabase", Database.class), connectionId),
            known::knows,
            clock);
    ConsolePages pages = new ConsolePages();
    MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    ConsoleDoor door =
        new ConsoleDoor(
            users,
            sessions,
            pages,
            clock,
            publicUrl.startsWith("https:"),
            meters == null ? new SimpleMeterRegistry() : meters,
            registry.lookupByNameAndType("activityLog", ActivityLog.class));

    ExactRateGovernor governor =
        registry.lookupByNameAndType("exactRateGovernor", ExactRateGovernor.class);
    ExactDivisionCheck divisionCheck =
        registry.lookupByNameAndType("exactDivisionCheck", ExactDivisionCheck.class);
    registry.bind("consolePages", pages);
    ExactDivision division = registry.lookupByNameAndType("exactDivision", ExactDivision.class);
    SquarespaceGateway squarespaceGateway =
        registry.lookupByNameAndType("squarespaceGateway", SquarespaceGateway.class);
    ConnectionSetup setup =
        new ConnectionSetup(
            squarespaceGateway, tokenStore, division, context.createProducerTemplate());
    registry.bind("connectionSetup", setup);
    Preflight preflight = registry.lookupByNameAndType("preflight", Preflight.class);
    if (preflight != null) {
      preflight.useConnection(setup::missing);
    }
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ConnectionSetup.Check(setup));
    }
    ConsoleApi consoleApi =
        new ConsoleApi(
            registry.lookupByNameAndType("operatorApi", OperatorApi.class),
            registry.lookupByNameAndType("squarespaceApi", SquarespaceApi.class),
            registry.lookupByNameAndType("connectorDatabase", Database.class),
            connectionId,
            tokenStore,
            governor,
            divisionCheck,
            registry.lookupByNameAndType("preflight", Preflight.class),
            key -> pc.resolveProperty(key).orElse(null),
            settings.mappingsDir(),
            squarespaceGateway::hasApiKey,
            division,
            clock);
    consoleApi.useConnectionSetup(setup);
    registry.bind("consoleApi", consoleApi);
    ConnectWizard wizard =
        new ConnectWizard(
            squarespaceGateway,
            settings.squarespaceApiUrl().toString(),
            settings.squarespaceUserAgent(),
            box,
            settings.dataDir(),
            tokenStore,
            registry.lookupByNameAndType("exactTokenManager", ExactTokenManager.class),
            registry.lookupByNameAndType("exactApi", ExactApi.class),
            divisionCheck,
            governor,
            context.createProducerTemplate(),
            settings.exactAuthUrl().toString(),
            settings.exactTokenUrl().toString(),
            settings.exactClientId(),
            settings.exactClientSecret(),
            publicUrl,
            division,
            setup,
            () -> {
              // the old division's copies are dropped as they are used (they follow the
              // division); the customer and item caches start afresh, the checks run again
              ItemCatalog items = registry.lookupByNameAndType("itemCatalog", ItemCatalog.class);
              CustomerDirectory customers =
                  registry.lookupByNameAndType("customerDirectory", CustomerDirectory.class);
              if (items != null) {
                items.markStale();
              }
              if (customers != null) {
                customers.markStale();
              }
              if (preflight != null) {
                preflight.run();
              }
            },
            settings.squarespaceApiKey() != null,
            registry.lookupByNameAndType("activityLog", ActivityLog.class),
            clock);
    if (!settings.demo()) {
      wizard.adoptStoredKey();
    }
    consoleApi.useCallbackUrl(wizard.callbackUrl());
    registry.bind("connectWizard", wizard);
    return new Console(List.of(sessions), List.of(door));
  }
}
