package org.sqexact.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.sqexact.store.ActivityLog;

/**
 * The connections the process's two webhook URLs serve, so that a notification reaches the
 * connection it belongs to ({@code routes/webhooks.camel.yaml}; docs/design/connections.md §4):
 *
 * <ul>
 *   <li>Squarespace: by the secret that verifies its signature. Squarespace gives each subscription
 *       its own secret (squarespace-api.md §5) and a subscription belongs to one website, so the
 *       secret names the site; the check is needed anyway, and a forged {@code websiteId} cannot
 *       send an order to another shop. The connector does not know the website id of a site it
 *       reaches with an API key, so {@code websiteId} is not used.
 *   <li>Exact: by the {@code Division} in the notification's {@code Content} (exact-online-api.md
 *       §4.11; subscriptions are per app and division), among the connections whose secret verifies
 *       its {@code HashCode} (the secret is the app's, usually shared).
 * </ul>
 *
 * The default connection (application.properties) is not in this list: {@link WebhookReceiver}
 * holds it and keeps its behaviour of before. Connections from {@code connections/} are added when
 * they start and removed when they stop.
 */
public final class WebhookConnections {

  /** The queues a connection's webhook work goes to. */
  public record Endpoints(String orders, String stock, String fulfilment) {

    /** The default connection's, as they always were. */
    public static final Endpoints DEFAULT =
        new Endpoints("seda:webhook-orders", "seda:stock-sync", "seda:order-status");

    /** A connection's from {@code connections/}: its templates' endpoints. */
    public static Endpoints of(String connection) {
      return new Endpoints(
          DEFAULT.orders() + "-" + connection,
          DEFAULT.stock() + "-" + connection,
          DEFAULT.fulfilment() + "-" + connection);
    }
  }

  /**
   * One connection as the webhooks see it.
   *
   * @param division its Exact division (0: not chosen yet)
   * @param squarespaceSecret its configured {@code squarespace.webhook-secret}, or null
   * @param subscriptionSecrets the secrets of the Squarespace subscriptions it made itself
   * @param exactSecret its {@code exact.webhook-secret}, or null
   * @param notifications where its notification ids are remembered (a repeat is dropped)
   */
  public record Connection(
      String id,
      IntSupplier division,
      String squarespaceSecret,
      Supplier<List<String>> subscriptionSecrets,
      String exactSecret,
      NotificationLog notifications,
      ActivityLog activity,
      Endpoints endpoints) {

    boolean signsSquarespace(byte[] raw, String signature) {
      if (WebhookSignatures.squarespace(squarespaceSecret, raw, signature)) {
        return true;
      }
      for (String secret : subscriptionSecrets.get()) {
        if (WebhookSignatures.squarespace(secret, raw, signature)) {
          return true;
        }
      }
      return false;
    }

    boolean signsExact(String text) {
      return WebhookSignatures.exact(exactSecret, text);
    }
  }

  // sorted by id: the order notifications are matched in does not depend on start order
  private final Map<String, Connection> connections = new ConcurrentSkipListMap<>();

  /** Serves a connection's notifications from now on (replaces one of the same id). */
  public void add(Connection connection) {
    connections.put(connection.id(), connection);
  }

  /** Stops serving a connection's notifications (they are refused unless another one signs). */
  public void remove(String id) {
    connections.remove(id);
  }

  /** The connections served, by id. */
  public List<Connection> all() {
    return new ArrayList<>(connections.values());
  }
}
