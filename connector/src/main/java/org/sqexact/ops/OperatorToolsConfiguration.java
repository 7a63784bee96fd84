package org.sqexact.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.config.ReturnFlowsConfiguration;
import org.sqexact.config.SettingsReader;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.order.OrderEligibility;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.PersonalDataStore;
import org.sqexact.store.RefundLedger;
import org.sqexact.support.Sleeper;
import org.sqexact.webhook.WebhookConnections;

/**
 * Wires the operator's tools that sit beside the flows: data-subject requests (export and erasure
 * of one order), the backfill of historical orders, the readiness checks, and alert counts in the
 * metrics. Runs at the end of the connector's configuration and takes what it needs from the
 * registry (bound there under the names the routes use).
 */
public final class OperatorToolsConfiguration implements CamelConfiguration {

  /** Registry name of the backfill ({@code routes/backfill.camel.yaml}). */
  public static final String BACKFILL = "backfill";

  /** Route whose in-flight exchanges mean a live poll runs (the backfill waits for it). */
  static final String LIVE_POLL_ROUTE = "orders-fetch";

  @Override
  public void configure(CamelContext context) {
    Registry registry = context.getRegistry();
    PropertiesComponent pc = context.getPropertiesComponent();
    ConnectorSettings settings =
        registry.lookupByNameAndType("connectorSettings", ConnectorSettings.class);
    Clock clock = registry.lookupByNameAndType("connectorClock", Clock.class);
    Sleeper sleeper = registry.lookupByNameAndType("connectorSleeper", Sleeper.class);
    if (sleeper == null) {
      sleeper = Sleeper.THREAD;
    }
    Database db = registry.lookupByNameAndType("connectorDatabase", Database.class);
    ActivityLog activity = registry.lookupByNameAndType("activityLog", ActivityLog.class);
    OrderLedger ledger = registry.lookupByNameAndType("orderLedger", OrderLedger.class);
    Alerts alerts = registry.lookupByNameAndType("alerts", Alerts.class);
    String connectionId = settings.connectionId();

    // data-subject requests
    registry.bind(
        "personalDataRequests",
        new PersonalDataRequests(
            new PersonalDataRequests.Scope(
                connectionId,
                ledger,
                new RefundLedger(db, connectionId, clock),
                activity,
                new PersonalDataStore(db, connectionId)),
            // every connection the database has served, running or not (issue 12: many
            // connections; a removed connection's rows are kept, so are its subjects' rights)
            new ConnectionStore(db, clock)::ids,
            id -> PersonalDataRequests.Scope.of(db, id, clock)));

    // the daily housekeeping of connections whose file was removed
    // (routes/housekeeping.camel.yaml):
    // their activity lines after the default's retention; the running ones purge their own
    WebhookConnections running =
        registry.lookupByNameAndType(
            ReturnFlowsConfiguration.WEBHOOK_CONNECTIONS, WebhookConnections.class);
    registry.bind(
        "stoppedConnectionsActivity",
        new StoppedConnectionsActivity(
            activity,
            () ->
                running == null
                    ? List.of()
                    : running.all().stream().map(WebhookConnections.Connection::id).toList()));

    // the backfill
    SettingsReader read = new SettingsReader(key -> pc.resolveProperty(key).orElse(null));
    Backfill backfill =
        new Backfill(
            clock,
            sleeper,
            registry.lookupByNameAndType("orderEligibility", OrderEligibility.class),
            new ConnectionStore(db, clock),
            connectionId,
            registry.lookupByNameAndType("exactRateGovernor", ExactRateGovernor.class),
            registry.lookupByNameAndType("exactDivision", org.sqexact.exact.ExactDivision.class),
            activity,
            read.integer("backfill.log-every", 25, 1, 100_000),
            () -> context.getInflightRepository().size(LIVE_POLL_ROUTE) > 0);
    registry.bind(BACKFILL, backfill);

    // metrics: alerts by code, the backfill's progress
    MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (meters != null) {
      ConnectorMetrics metrics = new ConnectorMetrics(meters, clock, connectionId);
      alerts.onRaise(metrics::alert);
      metrics.watchBackfill(backfill);
    }

    // readiness: the database and the pre-flight check, beside the Exact token and division
    HealthCheckRegistry health = HealthCheckRegistry.get(context);
    if (health != null) {
      health.register(new ReadinessChecks.DatabaseCheck(db));
      Preflight preflight = registry.lookupByNameAndType("preflight", Preflight.class);
      if (preflight != null) {
        health.register(new ReadinessChecks.PreflightCheck(preflight));
      }
    }
  }
}
