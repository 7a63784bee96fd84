package org.sqexact.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.ops.OrderClaims;
import org.sqexact.store.DataDirectory;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.support.Sleeper;

/**
 * The first of the connector's configuration classes ({@link #AREAS}, in the order Camel Main runs
 * them): the settings (property placeholders and {@code mappings/}), time, the data directory, the
 * demo's sandbox when no credential is set, and the state in the database. Binds them in Camel's
 * registry for the areas that follow and the YAML routes. Runs before the routes are loaded.
 *
 * <p>Tests may bind a {@link Clock} named {@code connectorClock} and a {@link Sleeper} named {@code
 * connectorSleeper} first to control time.
 */
@Configuration
public final class ConnectorConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfiguration.class);

  /** The connector's configuration classes, each binding what the next ones use. */
  public static final List<Class<? extends CamelConfiguration>> AREAS =
      List.of(
          ConnectorConfiguration.class,
          ExactConfiguration.class,
          SquarespaceConfiguration.class,
          OrderConfiguration.class,
          ReturnFlowsConfiguration.class,
          OperationsConfiguration.class,
          // privacy, backfill, live/ready health, episode alerts (after the operator API)
          org.sqexact.ops.OperatorToolsConfiguration.class,
          // the connections from connections/ (over the beans of all the areas above)
          org.sqexact.connection.ConnectionsConfiguration.class);

  /** Registry name of an optional clock that replaces the system clock (tests). */
  public static final String CLOCK = "connectorClock";

  /** Registry name of the default connection's {@link ConnectionState}. */
  public static final String STATE = "connectorState";

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
    if (settings.demo()) {
      DemoMode.start(context, settings, clock);
      if (ordersSince == null) {
        ordersSince = clock.instant().minus(Duration.ofDays(4)); // the sandbox's sample orders
      }
    }

    // settings files under mappings/
    OrderBeans.Mapping mapping =
        OrderBeans.Mapping.load(
            settings,
            key -> pc.resolveProperty(key).orElse(null),
            context::resolvePropertyPlaceholders);

    // state
    String dbPassword = settings.dbPassword();
    if (settings.dbUrl().startsWith("jdbc:h2:file:") && dbPassword.isEmpty()) {
      // the embedded database's password is generated once and kept with the secret key
      dbPassword = dataDir.secret("db.password").value();
      Database.adoptPassword(settings.dbUrl(), settings.dbUser(), dbPassword);
    }
    // threads and database connections for the connections found at start (issue 12)
    int connectionFiles = ScheduleSizing.connectionFiles(settings.connectionsDir());
    Database db =
        Database.open(
            settings.dbUrl(),
            settings.dbUser(),
            dbPassword,
            ScheduleSizing.dbPool(connectionFiles));
    dataDir.restrict(); // the files the database just created: owner only
    SecretBox box = SecretBox.fromSettings(settings.secretKey(), settings.dataDir());
    // the default connection's state (a connection from connections/ opens its own the same way)
    ConnectionState state =
        ConnectionState.open(
            settings,
            db,
            box,
            clock,
            ordersSince,
            settings.demo(), // each sandbox starts a new token chain
            OrderClaims.newInstance(),
            context.createProducerTemplate());
    OrderClaims claims = state.claims();
    // one leader per schedule (issue 12); the node's Quartz id is its claim prefix
    ClusterSchedule.install(
        context,
        db,
        settings.dbUrl(),
        claims.instance(),
        ScheduleSizing.threads(
            pc.resolveProperty("connector.schedule-threads").orElse(null), connectionFiles));
    // closes the database after Camel stopped (routes first, so in-flight orders finish)
    context.addService(new Closer(claims, db, dataDir), true);

    registry.bind("connectorSettings", settings);
    registry.bind(CLOCK, clock);
    registry.bind(SLEEPER, sleeper);
    registry.bind("connectorDataDirectory", dataDir);
    registry.bind("connectorDatabase", db);
    registry.bind("connectorDataSource", db.dataSource());
    registry.bind("mappingSettings", mapping.tables());
    registry.bind("orderSettings", mapping.orders());
    registry.bind("orderDocumentType", mapping.documentType());
    registry.bind("dataMapper", mapping.dataMapper());
    registry.bind("secretBox", box); // the console's wizard encrypts the Squarespace key with it
    registry.bind(STATE, state);
    state.named().forEach(registry::bind);
  }

  /**
   * The bean an earlier configuration class bound; a missing one is a mistake in {@link #AREAS}'s
   * order, not a setting.
   */
  static <T> T bean(CamelContext context, String name, Class<T> type) {
    T bean = context.getRegistry().lookupByNameAndType(name, type);
    if (bean == null) {
      throw new IllegalStateException(
          "'" + name + "' is not bound yet: check the order of ConnectorConfiguration.AREAS");
    }
    return bean;
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
