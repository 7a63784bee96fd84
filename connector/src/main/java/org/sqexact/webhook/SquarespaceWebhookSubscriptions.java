package org.sqexact.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.ops.Alerts;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceException;
import org.sqexact.squarespace.SquarespaceOAuth;
import org.sqexact.store.ActivityLog;

/**
 * The connector's Squarespace webhook subscriptions ({@code /1.0/webhook_subscriptions}, OAuth
 * token only; squarespace-api.md §5 and the OpenAPI paths): {@code GET} lists (≤ 25 a site), {@code
 * POST {endpointUrl, topics}} creates and answers the {@code secret} once, {@code POST
 * /{id}/actions/rotateSecret} gives a new one, {@code POST /{id}/actions/sendTestNotification
 * {topic}} answers the {@code statusCode} our endpoint gave, {@code DELETE /{id}} removes. The
 * secrets are stored encrypted and check {@code Squarespace-Signature}.
 */
public final class SquarespaceWebhookSubscriptions {

  static final String PATH = "/1.0/webhook_subscriptions";

  /** The topics the connector books orders from. */
  public static final List<String> TOPICS = List.of("order.create", "order.update");

  private static final Logger LOG = LoggerFactory.getLogger(SquarespaceWebhookSubscriptions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SquarespaceApi api;
  private final SquarespaceOAuth oauth;
  private final SquarespaceWebhookStore store;
  private final String endpointUrl;
  private final ActivityLog activity;
  private final Alerts alerts;

  public SquarespaceWebhookSubscriptions(
      SquarespaceApi api,
      SquarespaceOAuth oauth,
      SquarespaceWebhookStore store,
      String endpointUrl,
      ActivityLog activity,
      Alerts alerts) {
    this.api = api;
    this.oauth = oauth;
    this.store = store;
    this.endpointUrl = endpointUrl;
    this.activity = activity;
    this.alerts = alerts;
  }

  /** The URL subscriptions point at (SQUARESPACE_WEBHOOK_ENDPOINT_URL), or null. */
  public String endpointUrl() {
    return endpointUrl;
  }

  /** The subscriptions Squarespace lists, each marked when the connector holds its secret. */
  public List<Map<String, Object>> list() {
    Set<String> known = new TreeSet<>();
    store.all().forEach(s -> known.add(s.id()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode s : remote()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.path("id").asText());
      m.put("endpointUrl", s.path("endpointUrl").asText());
      List<String> topics = new ArrayList<>();
      s.path("topics").forEach(t -> topics.add(t.asText()));
      m.put("topics", topics);
      m.put("createdOn", s.path("createdOn").asText(null));
      m.put("secretStored", known.contains(s.path("id").asText()));
      out.add(m);
    }
    return out;
  }

  /** Creates a subscription for {@code topics} at {@code url}; the secret is stored. */
  public Map<String, Object> create(String url, List<String> topics) {
    ObjectNode body = JSON.createObjectNode();
    body.put("endpointUrl", url);
    topics.forEach(body.putArray("topics")::add);
    JsonNode created = api.withToken(oauth.accessToken(), "POST", PATH, body);
    String id = created.path("id").asText();
    store.put(id, url, topics, created.path("secret").asText());
    activity.record(
        null, null, "squarespace webhooks", "ok", "subscribed " + topics + " to " + url);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("endpointUrl", url);
    out.put("topics", topics);
    return out;
  }

  /** Asks Squarespace to send a test notification; its answer is the status our endpoint gave. */
  public Map<String, Object> test(String id, String topic) {
    ObjectNode body = JSON.createObjectNode();
    body.put("topic", topic);
    JsonNode r =
        api.withToken(
            oauth.accessToken(), "POST", PATH + "/" + id + "/actions/sendTestNotification", body);
    int status = r == null ? 0 : r.path("statusCode").asInt();
    activity.record(
        null,
        null,
        "squarespace webhooks",
        status >= 200 && status < 300 ? "ok" : "failed",
        "test notification " + topic + " to subscription " + id + ": endpoint answered " + status);
    return Map.of("id", id, "topic", topic, "statusCode", status);
  }

  /** Removes a subscription from Squarespace and forgets its secret. */
  public Map<String, Object> delete(String id) {
    try {
      api.withToken(oauth.accessToken(), "DELETE", PATH + "/" + id, null);
    } catch (SquarespaceException e) {
      if (e.getHttpStatus() != 404) {
        throw e;
      }
      // already gone in Squarespace (it may delete failing subscriptions): forget it here too
    }
    store.remove(id);
    activity.record(null, null, "squarespace webhooks", "ok", "subscription " + id + " removed");
    return Map.of("id", id, "removed", true);
  }

  /**
   * At start and after the consent: makes sure one subscription at the endpoint URL covers {@link
   * #TOPICS} and that its secret is known; never creates a second one. A subscription found at the
   * URL whose secret the connector lacks (made by hand) gets its secret rotated, the only way to
   * learn it. Secrets of subscriptions Squarespace no longer lists are forgotten.
   */
  public Map<String, Object> reconcile() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (endpointUrl == null || !oauth.connected()) {
      out.put(
          "skipped",
          endpointUrl == null
              ? "no SQUARESPACE_WEBHOOK_ENDPOINT_URL (or CONNECTOR_PUBLIC_URL)"
              : "Squarespace OAuth is not authorised");
      return out;
    }
    try {
      List<JsonNode> remote = remote();
      Set<String> remoteIds = new TreeSet<>();
      remote.forEach(s -> remoteIds.add(s.path("id").asText()));
      for (SquarespaceWebhookStore.Subscription s : store.all()) {
        if (!remoteIds.contains(s.id())) {
          store.remove(s.id());
          out.put("forgotten", s.id());
        }
      }
      Set<String> known = new TreeSet<>();
      store.all().forEach(s -> known.add(s.id()));
      Optional<JsonNode> match =
          remote.stream()
              .filter(s -> endpointUrl.equals(s.path("endpointUrl").asText()))
              .filter(s -> topicsOf(s).containsAll(TOPICS))
              .min((a, b) -> Boolean.compare(!known.contains(id(a)), !known.contains(id(b))));
      if (match.isEmpty()) {
        out.put("created", create(endpointUrl, TOPICS).get("id"));
      } else if (!known.contains(id(match.get()))) {
        String id = id(match.get());
        JsonNode rotated =
            api.withToken(
                oauth.accessToken(), "POST", PATH + "/" + id + "/actions/rotateSecret", null);
        store.put(id, endpointUrl, topicsOf(match.get()), rotated.path("secret").asText());
        activity.record(
            null,
            null,
            "squarespace webhooks",
            "ok",
            "secret of existing subscription " + id + " rotated and stored");
        out.put("rotated", id);
      } else {
        out.put("inPlace", id(match.get()));
      }
    } catch (SquarespaceException e) {
      LOG.warn("Squarespace webhook subscriptions not reconciled: {}", e.getMessage());
      alerts.raise(
          "squarespace-webhooks",
          "Squarespace webhook subscriptions could not be set up ("
              + e.getMessage()
              + "); orders are still found by the poll",
          null,
          null);
      out.put("error", e.getMessage());
    }
    return out;
  }

  // the operator API (routes/webhook-subscriptions.camel.yaml)

  /** GET /api/squarespace/webhooks */
  public Object apiList(Exchange exchange) {
    return answer(exchange, () -> Map.of("endpointUrl", nz(endpointUrl), "subscriptions", list()));
  }

  /** POST /api/squarespace/webhooks {"endpointUrl"?: …, "topics"?: [...]} */
  public Object apiCreate(Exchange exchange) throws IOException {
    String raw = exchange.getMessage().getBody(String.class);
    JsonNode body = raw == null || raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
    String url = body.path("endpointUrl").asText(endpointUrl);
    if (url == null || url.isBlank()) {
      return error(exchange, 400, "give endpointUrl or set SQUARESPACE_WEBHOOK_ENDPOINT_URL");
    }
    List<String> topics = new ArrayList<>();
    body.path("topics").forEach(t -> topics.add(t.asText()));
    return answer(exchange, () -> create(url, topics.isEmpty() ? TOPICS : topics));
  }

  /** POST /api/squarespace/webhooks/{id}/test {"topic"?: "order.create"} */
  public Object apiTest(Exchange exchange) throws IOException {
    String raw = exchange.getMessage().getBody(String.class);
    JsonNode body = raw == null || raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
    String id = exchange.getMessage().getHeader("id", String.class);
    String topic = body.path("topic").asText("order.create");
    return answer(exchange, () -> test(id, topic));
  }

  /** DELETE /api/squarespace/webhooks/{id} */
  public Object apiDelete(Exchange exchange) {
    String id = exchange.getMessage().getHeader("id", String.class);
    return answer(exchange, () -> delete(id));
  }

  private Object answer(Exchange exchange, java.util.function.Supplier<Object> work) {
    try {
      return work.get();
    } catch (SquarespaceException e) {
      int status =
          e.getHttpStatus() == 401
              ? 409
              : e.getHttpStatus() == 404 ? 404 : e.getHttpStatus() == 409 ? 409 : 502;
      return error(exchange, status, e.getMessage());
    }
  }

  private static Map<String, Object> error(Exchange exchange, int status, String message) {
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    return Map.of("error", message);
  }

  private List<JsonNode> remote() {
    JsonNode r = api.withToken(oauth.accessToken(), "GET", PATH, null);
    List<JsonNode> out = new ArrayList<>();
    if (r != null) {
      r.path("webhookSubscriptions").forEach(out::add); // may be null or [] (notes §6)
    }
    return out;
  }

  private static List<String> topicsOf(JsonNode s) {
    List<String> topics = new ArrayList<>();
    s.path("topics").forEach(t -> topics.add(t.asText()));
    return topics;
  }

  private static String id(JsonNode s) {
    return s.path("id").asText();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
