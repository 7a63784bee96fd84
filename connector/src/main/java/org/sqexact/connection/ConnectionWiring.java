package org.sqexact.connection;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceHelper;
import org.sqexact.config.ConnectionState;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.config.ExactBeans;
import org.sqexact.config.OrderBeans;
import org.sqexact.config.ReturnFlowBeans;
import org.sqexact.config.ReturnFlowsConfiguration;
import org.sqexact.config.SettingsReader;
import org.sqexact.config.SquarespaceBeans;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactGovernors;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.exact.SharedBudget;
import org.sqexact.ops.ConnectorMetrics;
import org.sqexact.ops.PollWatch;
import org.sqexact.ops.console.ConnectionSetup;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.support.Sleeper;
import org.sqexact.webhook.ExactWebhookSubscriptions;
import org.sqexact.webhook.SquarespaceWebhookStore;
import org.sqexact.webhook.WebhookConnections;

/**
 * Builds what one connection from {@code connections/} needs to run the order flow's route
 * templates: its state in the database ({@link ConnectionState}), its Exact and Squarespace beans,
 * its mapping and order beans and its poll watch, from the connection's settings (its file over the
 * process's). The template parameters give each connection its own endpoints ({@code
 * direct:order-<id>} …), its own Quartz job ({@code quartz:<id>/orders-poll}, so on several nodes
 * each connection's poll has its own leader) and its own poll interval. What the process shares
 * stays shared: the database, the secret box, the clock, the rate governors per division, the
 * node's claim prefix. The return flows (stock, order status, products; {@link ReturnFlowBeans})
 * run per connection too, each on its own Quartz job ({@code quartz:<id>/stock-sync} …) scheduled
 * by the connection's settings, and the connection joins the process's webhook URLs ({@link
 * WebhookConnections}) while it runs.
 */
public final class ConnectionWiring implements TemplateConnectionRuntime.Wiring {

  /**
   * The templates instantiated per connection, in start order: the gateways and the order routes
   * before the poll that feeds them, the Quartz schedule last.
   */
  public static final List<String> TEMPLATES =
      List.of(
          "exact-call",
          "exact-attempt",
          "exact-token",
          "squarespace-call",
          "squarespace-attempt",
          "order-failed",
          "order-book",
          "order-lines",
          "order-customer",
          "order-sync",
          "order-dry-run",
          "order-refunds",
          "orders-retry",
          "orders-fetch",
          "orders-poll-queue",
          "orders-poll",
          // the return flows and the webhook orders (ReturnFlowBeans), their schedules last
          "order-fulfil",
          "order-status",
          "order-status-queue",
          "stock-write",
          "stock-sync",
          "stock-sync-queue",
          "product-sync",
          "product-sync-queue",
          "webhook-orders",
          "exact-webhook-subscriptions-ensure",
          "stock-sync-schedule",
          "order-status-schedule",
          "product-sync-schedule",
          "exact-webhook-subscriptions",
          "poll-watch",
          // its start checks and daily housekeeping (token keep-alive, activity retention)
          "startup-checks",
          "housekeeping");

  /** The beans the templates refer to besides the order beans (by these names). */
  private static final List<String> STATE_BEANS =
      List.of("orderClaims", "orderIdempotentRepository");

  /** What the process shares with every connection. */
  public record Shared(
      CamelContext context,
      Function<String, String> process,
      Database db,
      SecretBox box,
      Clock clock,
      Sleeper sleeper,
      ExactGovernors governors,
      SharedBudget budget,
      String claimPrefix,
      int pollStalledIntervals) {}

  /** One running connection's beans. */
  public record Built(
      ConnectorSettings settings,
      ConnectionState state,
      ExactBeans exact,
      SquarespaceBeans squarespace,
      OrderBeans orders,
      PollWatch pollWatch) {}

  private final Shared shared;
  private final Map<String, Built> built = new ConcurrentHashMap<>();
  private final Map<String, ReturnFlowBeans> returnFlows = new ConcurrentHashMap<>();
  private final Map<String, List<ProducerTemplate>> templates = new ConcurrentHashMap<>();
  private final Map<String, ConnectorMetrics> metrics = new ConcurrentHashMap<>();

  public ConnectionWiring(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Map<String, Object> parameters(ConnectionDefinition definition) {
    String id = definition.id();
    ConnectorSettings settings = definition.settings(shared.process());
    ExactBeans.Endpoints exact = ExactBeans.Endpoints.of(id);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("exactCall", exact.call());
    p.put("exactAttempt", "direct:exact-attempt-" + id);
    p.put("exactToken", exact.token());
    p.put("squarespaceCall", squarespaceCall(id));
    p.put("squarespaceAttempt", "direct:squarespace-attempt-" + id);
    p.put("orderUri", "direct:order-" + id);
    p.put("orderLinesUri", "direct:order-lines-" + id);
    p.put("orderCustomerUri", "direct:order-customer-" + id);
    p.put("orderBookUri", "direct:order-book-" + id);
    p.put("orderDryRunUri", "direct:order-dry-run-" + id);
    p.put("orderFailedUri", "direct:order-failed-" + id);
    p.put("orderRefundsUri", "direct:order-refunds-" + id);
    p.put("retryUri", "direct:retry-orders-" + id);
    p.put("pollUri", "direct:poll-orders-" + id);
    p.put("pollQueueUri", "seda:poll-orders-" + id);
    // the Quartz group is the connection: one job, and on several nodes one leader, per connection
    p.put("pollJob", "quartz:" + id + "/orders-poll");
    p.put("pollWatchJob", "quartz:" + id + "/poll-watch");
    p.put("pollIntervalMillis", Long.toString(settings.pollInterval().toMillis()));
    String autoStart = definition.lookup(shared.process()).apply("sync.auto-start");
    p.put("pollAutoStart", autoStart == null ? "true" : autoStart.strip());
    p.putAll(returnFlowParameters(id, definition.lookup(shared.process())));
    return p;
  }

  @Override
  public Map<String, Object> beans(ConnectionDefinition definition) {
    String id = definition.id();
    Function<String, String> lookup = definition.lookup(shared.process());
    ConnectorSettings settings = ConnectorSettings.load(lookup);
    CamelContext context = shared.context();
    ConnectionState state =
        ConnectionState.open(
            settings,
            shared.db(),
            shared.box(),
            shared.clock(),
            settings.ordersSince(),
            false,
            shared.claimPrefix(),
            template(id));
    state.alerts().forConnection(id); // its alerts name the shop they are about
    OrderBeans.Mapping mapping =
        OrderBeans.Mapping.load(settings, lookup, context::resolvePropertyPlaceholders);
    ExactBeans exact =
        ExactBeans.build(
            settings,
            shared.clock(),
            shared.sleeper(),
            state.alerts(),
            state.activity(),
            state.tokenStore(),
            state.division(),
            shared.governors(),
            shared.budget(),
            template(id),
            ExactBeans.Endpoints.of(id));
    SquarespaceBeans squarespace =
        SquarespaceBeans.build(
            settings,
            mapping.orders(),
            shared.clock(),
            shared.sleeper(),
            state.activity(),
            state.watermarks(),
            state.connection().ordersSince(),
            template(id),
            squarespaceCall(id));
    OrderBeans orders =
        OrderBeans.build(
            settings,
            shared.clock(),
            shared.db(),
            state,
            mapping,
            exact.api(),
            exact.reference(),
            squarespace.api());
    PollWatch watch =
        new PollWatch(
            shared.clock(),
            settings.pollInterval(),
            shared.pollStalledIntervals(),
            state.alerts(),
            // several nodes (they share a budget): the watch reads every node's last poll
            shared.budget() == null ? null : state.watermarks());
    built.put(id, new Built(settings, state, exact, squarespace, orders, watch));
    watchMetrics(id, state, exact);

    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("exactGateway", exact.gateway());
    beans.put("squarespaceGateway", squarespace.gateway());
    beans.put("squarespaceApi", squarespace.api());
    beans.put("squarespaceOrderPages", squarespace.orderPages());
    Map<String, Object> named = state.named();
    STATE_BEANS.forEach(name -> beans.put(name, named.get(name)));
    beans.putAll(orders.named());
    beans.put("pollWatch", watch);
    // housekeeping and start checks: its token, its division check, its activity log
    beans.put("exactTokenManager", exact.named().get("exactTokenManager"));
    beans.put("exactDivisionCheck", exact.named().get("exactDivisionCheck"));
    beans.put("activityLog", state.activity());
    beans.putAll(returnFlowBeans(id, definition, lookup, state, exact, squarespace, orders));
    return beans;
  }

  /**
   * After the connection's routes stopped (in-flight orders finished or timed out): orders it still
   * holds are marked interrupted, looked at first when it starts again, as at the process's stop.
   * The shared database, governors and secret box stay open.
   */
  @Override
  public void release(String id) {
    WebhookConnections webhooks = webhookConnections();
    if (webhooks != null) {
      webhooks.remove(id);
    }
    returnFlows.remove(id);
    ConnectorMetrics m = metrics.remove(id);
    if (m != null) {
      m.remove();
    }
    Built b = built.remove(id);
    try {
      if (b != null) {
        b.state().claims().releaseOnStop();
      }
    } finally {
      // the connection's producer templates (their producer caches) go with it
      List<ProducerTemplate> ts = templates.remove(id);
      if (ts != null) {
        ts.forEach(ServiceHelper::stopService);
      }
    }
  }

  /**
   * Its meters at /observe/metrics, as the default connection's (OperationsConfiguration), told
   * apart by the label {@code connection="<id>"}: orders by state, Exact's budget left, token
   * health and API calls. Removed when it stops.
   */
  private void watchMetrics(String id, ConnectionState state, ExactBeans exact) {
    MeterRegistry registry =
        shared.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (registry == null) {
      return;
    }
    ConnectorMetrics old = metrics.remove(id);
    if (old != null) {
      old.remove(); // a restart whose release did not run: the new gauges replace the old ones
    }
    ConnectorMetrics m = new ConnectorMetrics(registry, shared.clock(), id);
    m.watchOrders(state.ledger());
    m.watchBudget(exact.governor(), state.division());
    m.watchTokens(state.tokenStore());
    state.activity().onApiCall(m::apiCall);
    metrics.put(id, m);
  }

  /**
   * Why a running connection cannot reach its Exact administration (its refresh token is dead, its
   * division refused), or null: named by id in the health details, without taking the process out.
   */
  public String exactProblem(String id) {
    Built b = built.get(id);
    if (b == null) {
      return null;
    }
    Object tokens = b.exact().named().get("exactTokenManager");
    Object division = b.exact().named().get("exactDivisionCheck");
    try {
      String problem = tokens instanceof ExactTokenManager t ? t.problem() : null;
      if (problem != null) {
        return problem;
      }
    } catch (RuntimeException e) {
      return "token store unreadable: " + e.getMessage();
    }
    if (division instanceof ExactDivisionCheck d
        && d.status() == ExactDivisionCheck.Status.FAILED) {
      return d.detail();
    }
    return null;
  }

  private ProducerTemplate template(String id) {
    ProducerTemplate t = shared.context().createProducerTemplate();
    templates.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(t);
    return t;
  }

  /** A running connection's beans, or null. */
  public Built connection(String id) {
    return built.get(id);
  }

  /** A running connection's return-flow beans (stock, fulfilment, products), or null. */
  public ReturnFlowBeans returnFlows(String id) {
    return returnFlows.get(id);
  }

  /**
   * The return flows' endpoints and Quartz jobs ({@code quartz:<id>/stock-sync} …, one job and on
   * several nodes one leader per connection and flow), and their schedules from the connection's
   * settings ({@code stock.enabled}, {@code stock.interval}, … and {@code sync.auto-start}).
   */
  private static Map<String, Object> returnFlowParameters(
      String id, Function<String, String> lookup) {
    ReturnFlowBeans.Schedules s = ReturnFlowBeans.Schedules.load(new SettingsReader(lookup));
    WebhookConnections.Endpoints queues = WebhookConnections.Endpoints.of(id);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stockJob", "quartz:" + id + "/stock-sync");
    p.put("stockQueueUri", queues.stock());
    p.put("stockUri", "direct:stock-sync-" + id);
    p.put("stockWriteUri", "direct:stock-write-" + id);
    p.put("stockIntervalMillis", Long.toString(s.stockMillis()));
    p.put("stockAutoStart", Boolean.toString(s.stockActive()));
    p.put("fulfilmentJob", "quartz:" + id + "/order-status");
    p.put("fulfilmentQueueUri", queues.fulfilment());
    p.put("fulfilmentUri", "direct:order-status-" + id);
    p.put("fulfilUri", "direct:order-fulfil-" + id);
    p.put("fulfilmentIntervalMillis", Long.toString(s.fulfilmentMillis()));
    p.put("fulfilmentAutoStart", Boolean.toString(s.fulfilmentActive()));
    p.put("productsJob", "quartz:" + id + "/product-sync");
    p.put("productsQueueUri", "seda:product-sync-" + id);
    p.put("productsUri", "direct:product-sync-" + id);
    p.put("productsIntervalMillis", Long.toString(s.productsMillis()));
    p.put("productsAutoStart", Boolean.toString(s.productsActive()));
    p.put("webhookOrdersUri", queues.orders());
    // its division's Exact subscriptions, once shortly after it starts
    p.put("subscriptionsJob", "quartz:" + id + "/exact-webhook-subscriptions");
    p.put("subscriptionsUri", "direct:exact-webhook-subscriptions-" + id);
    String checks = lookup.apply("connector.startup-checks");
    p.put("subscriptionsAutoStart", checks == null ? "true" : checks.strip());
    // its start checks and its daily run at 03:17: its own refresh token kept alive (it dies after
    // 30 idle days) and its own activity lines purged after its connector.activity-retention-days
    p.put("startupChecksUri", "timer:startup-checks-" + id);
    p.put("housekeepingJob", "quartz:" + id + "/housekeeping");
    p.put("housekeepingAutoStart", checks == null ? "true" : checks.strip());
    return p;
  }

  /**
   * The connection's stock, fulfilment and product beans, its connection check, and its place at
   * the webhook URLs: Squarespace notifications signed with its own {@code
   * squarespace.webhook-secret} (from its file only: a secret belongs to one subscription of one
   * site, so the default's is never inherited) or its subscriptions' secrets, Exact notifications
   * of its division.
   */
  private Map<String, Object> returnFlowBeans(
      String id,
      ConnectionDefinition definition,
      Function<String, String> lookup,
      ConnectionState state,
      ExactBeans exact,
      SquarespaceBeans squarespace,
      OrderBeans orders) {
    SettingsReader r = new SettingsReader(lookup);
    ReturnFlowBeans flows =
        ReturnFlowBeans.build(
            r,
            shared.clock(),
            shared.db(),
            state,
            exact.api(),
            exact.governor(),
            squarespace.api(),
            orders.vatCodes());
    returnFlows.put(id, flows);
    Map<String, Object> beans = new LinkedHashMap<>(flows.named());
    beans.put(
        "connectionSetup",
        new ConnectionSetup(
            squarespace.gateway(), state.tokenStore(), state.division(), template(id)));
    // the process's callback URL: Exact's notifications name the division, which finds the
    // connection. Not removed when the connection stops (exact.webhook-unsubscribe-on-shutdown is
    // the default connection's): its gateway routes are gone by then.
    beans.put(
        "exactWebhookSubscriptions",
        new ExactWebhookSubscriptions(
            exact.api(),
            r.optional("exact.webhook-callback-url"),
            state.activity(),
            state.alerts(),
            state.watermarks(),
            false));
    WebhookConnections webhooks = webhookConnections();
    if (webhooks != null) {
      webhooks.add(
          new WebhookConnections.Connection(
              id,
              state.division(),
              definition.properties().get("squarespace.webhook-secret"),
              new SquarespaceWebhookStore(shared.db(), shared.box(), id, shared.clock())::secrets,
              lookup.apply("exact.webhook-secret"),
              flows.notificationLog(),
              state.activity(),
              WebhookConnections.Endpoints.of(id)));
    }
    return beans;
  }

  private WebhookConnections webhookConnections() {
    return shared
        .context()
        .getRegistry()
        .lookupByNameAndType(
            ReturnFlowsConfiguration.WEBHOOK_CONNECTIONS, WebhookConnections.class);
  }

  private static String squarespaceCall(String id) {
    return SquarespaceApi.CALL + "-" + id;
  }
}
