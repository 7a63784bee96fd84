package org.sqexact.config;

import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.EventNotifierSupport;
import org.sqexact.exact.ExactApi;
import org.sqexact.ops.Alerts;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceOAuth;
import org.sqexact.squarespace.SquarespaceTokenStore;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.store.Watermarks;
import org.sqexact.webhook.ExactWebhookSubscriptions;
import org.sqexact.webhook.SquarespaceWebhookStore;
import org.sqexact.webhook.SquarespaceWebhookSubscriptions;

/**
 * Squarespace OAuth and the webhook subscriptions of both sides ({@code
 * routes/squarespace-oauth.camel.yaml}, {@code routes/webhook-subscriptions.camel.yaml}); called by
 * {@link ReturnFlowsConfiguration} before it binds the webhook receiver, which checks signatures
 * with the stored subscription secrets.
 */
final class WebhookSubscriptionsWiring {

  private WebhookSubscriptionsWiring() {}

  static SquarespaceWebhookStore bind(
      CamelContext context, ConnectorSettings settings, SettingsReader r) {
    Registry registry = context.getRegistry();
    Clock clock = registry.lookupByNameAndType(ConnectorConfiguration.CLOCK, Clock.class);
    Database db = registry.lookupByNameAndType("connectorDatabase", Database.class);
    SecretBox box = registry.lookupByNameAndType("secretBox", SecretBox.class);
    ActivityLog activity = registry.lookupByNameAndType("activityLog", ActivityLog.class);
    Alerts alerts = registry.lookupByNameAndType("alerts", Alerts.class);
    String publicUrl = r.text("connector.public-url", "http://localhost:" + settings.httpPort());

    SquarespaceOAuth oauth =
        new SquarespaceOAuth(
            new SquarespaceTokenStore(db, box, settings.connectionId(), clock),
            r.url("squarespace.oauth.login-url", "https://login.squarespace.com").toString(),
            r.optional("squarespace.oauth.client-id"),
            r.optional("squarespace.oauth.client-secret"),
            r.text("squarespace.oauth.scope", "website.orders.read"),
            publicUrl,
            settings.squarespaceUserAgent(),
            activity,
            clock);
    registry.bind("squarespaceOAuth", oauth);

    String endpoint = r.optional("squarespace.webhook-endpoint-url");
    if (endpoint == null && r.optional("connector.public-url") != null) {
      endpoint = publicUrl.replaceAll("/+$", "") + "/webhooks/squarespace";
    }
    SquarespaceWebhookStore store =
        new SquarespaceWebhookStore(db, box, settings.connectionId(), clock);
    registry.bind(
        "squarespaceWebhookSubscriptions",
        new SquarespaceWebhookSubscriptions(
            registry.lookupByNameAndType("squarespaceApi", SquarespaceApi.class),
            oauth,
            store,
            endpoint,
            activity,
            alerts));

    ExactWebhookSubscriptions exact =
        new ExactWebhookSubscriptions(
            registry.lookupByNameAndType("exactApi", ExactApi.class),
            r.optional("exact.webhook-callback-url"),
            activity,
            alerts,
            registry.lookupByNameAndType("watermarks", Watermarks.class),
            r.bool("exact.webhook-unsubscribe-on-shutdown", false));
    registry.bind("exactWebhookSubscriptions", exact);
    // removed while the routes still run: the stopping event comes before they are stopped
    context
        .getManagementStrategy()
        .addEventNotifier(
            new EventNotifierSupport() {
              @Override
              public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                  exact.onShutdown();
                }
              }
            });
    return store;
  }
}
