package org.sqexact.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.sqexact.config.ConnectionState;
import org.sqexact.ops.OperatorApi;

/**
 * The operator API of each running connection from {@code connections/} (its orders under {@code
 * ?connection=<id>}): an {@link OperatorApi} over the connection's own ledger, activity, claims and
 * Squarespace/Exact beans, sending to its own routes. Made on first use and again when the
 * connection restarted (new beans); none for a connection that does not run.
 */
final class ConnectionOperatorApis {

  private record Made(ConnectionWiring.Built built, OperatorApi api) {}

  private final CamelContext context;
  private final ConnectionWiring wiring;
  private final Map<String, Made> made = new ConcurrentHashMap<>();
  private volatile ProducerTemplate template;

  ConnectionOperatorApis(CamelContext context, ConnectionWiring wiring) {
    this.context = context;
    this.wiring = wiring;
  }

  /** The running connection's API, or null. */
  OperatorApi get(String id) {
    ConnectionWiring.Built b = wiring.connection(id);
    if (b == null) {
      made.remove(id);
      return null;
    }
    return made.compute(id, (k, m) -> m != null && m.built() == b ? m : new Made(b, build(id, b)))
        .api();
  }

  private OperatorApi build(String id, ConnectionWiring.Built b) {
    ConnectionState state = b.state();
    OperatorApi api =
        new OperatorApi(
            state.ledger(),
            state.activity(),
            state.alerts(),
            b.squarespace().api(),
            b.orders().eligibility(),
            state.idempotent(),
            b.exact().tokens(),
            b.exact().divisionCheck(),
            b.exact().governor(),
            state.watermarks(),
            state.division(),
            template(),
            () -> {
              // the operator may have fixed something in Exact: the connection looks again
              b.orders().items().markStale();
              b.orders().customers().markStale();
            },
            state.claims());
    api.usePreflight(b.orders().preflight());
    return api.forConnection(id);
  }

  private ProducerTemplate template() {
    if (template == null) {
      synchronized (this) {
        if (template == null) {
          // one for all connections' operator calls (its producer cache holds their endpoints)
          template = context.createProducerTemplate();
        }
      }
    }
    return template;
  }
}
