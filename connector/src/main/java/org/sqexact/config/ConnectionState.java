package org.sqexact.config;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.sqexact.exact.ExactDivision;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.OrderClaims;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore;
import org.sqexact.store.ConnectionStore.ConnectionInfo;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.SecretBox;
import org.sqexact.store.TokenStore;
import org.sqexact.store.Watermarks;

/**
 * One connection's state in the shared database, every row keyed by the connection id: its row in
 * {@code connection} (division, orders since), the Exact token chain, the activity log, the
 * watermarks, the order ledger, the idempotent consumer's keys, the claims and the alerts (recorded
 * in the connection's activity log, delivered by the process's operator-alerts route). {@link
 * ConnectorConfiguration} opens it for the default connection; a connection from {@code
 * connections/} opens its own (docs/design/connections.md).
 */
public record ConnectionState(
    ConnectionInfo connection,
    ExactDivision division,
    TokenStore tokenStore,
    ActivityLog activity,
    Watermarks watermarks,
    OrderLedger ledger,
    JdbcMessageIdRepository idempotent,
    OrderClaims claims,
    Alerts alerts) {

  /**
   * Opens (and on first use creates) a connection's state.
   *
   * @param ordersSince the first order date of a new connection (null: from now); a known
   *     connection keeps the date in its row
   * @param newTokenChain true when the refresh token of the settings starts a new chain (the demo's
   *     sandbox); else it only seeds an empty store
   * @param instance the process's claim prefix, shared by all its connections ({@link
   *     OrderClaims#newInstance()})
   */
  public static ConnectionState open(
      ConnectorSettings settings,
      Database db,
      SecretBox box,
      Clock clock,
      Instant ordersSince,
      boolean newTokenChain,
      String instance,
      ProducerTemplate template) {
    ConnectionStore connections = new ConnectionStore(db, clock);
    ConnectionInfo connection =
        connections.ensure(
            settings.connectionId(),
            settings.exactDivision(),
            settings.squarespaceApiUrl().toString(),
            ordersSince);
    // EXACT_DIVISION wins; else the connect wizard's choice, kept in the connection's row
    ExactDivision division =
        new ExactDivision(
            connection.division(),
            settings.exactDivision() > 0,
            d -> connections.chooseDivision(connection.id(), d));
    TokenStore tokenStore = new TokenStore(db, box, connection.id(), clock);
    if (newTokenChain) {
      tokenStore.reset(settings.exactRefreshToken());
    } else {
      tokenStore.seed(settings.exactRefreshToken());
    }
    ActivityLog activity =
        new ActivityLog(db, connection.id(), clock, settings.activityRetention());
    OrderLedger ledger = new OrderLedger(db, connection.id(), clock);
    JdbcMessageIdRepository idempotent =
        new JdbcMessageIdRepository(db.dataSource(), connection.id());
    Alerts alerts = new Alerts(activity, clock);
    alerts.useTemplate(template);
    return new ConnectionState(
        connection,
        division,
        tokenStore,
        activity,
        new Watermarks(db, connection.id(), clock),
        ledger,
        idempotent,
        new OrderClaims(ledger, idempotent, instance),
        alerts);
  }

  /** The state under the names the routes and the later configuration classes refer to. */
  public Map<String, Object> named() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("connectorConnection", connection);
    beans.put("exactDivision", division);
    beans.put("tokenStore", tokenStore);
    beans.put("activityLog", activity);
    beans.put("watermarks", watermarks);
    beans.put("orderLedger", ledger);
    beans.put("orderIdempotentRepository", idempotent);
    beans.put("orderClaims", claims);
    beans.put("alerts", alerts);
    return beans;
  }
}
