package org.sqexact.squarespace;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ProducerTemplate;
import org.sqexact.support.GatewayCall;

/**
 * What Java beans use to talk to Squarespace. Every call goes to the {@code squarespace-call} route
 * ({@code direct:squarespace-call}).
 */
public final class SquarespaceApi {

  /** The gateway route of the default connection. */
  public static final String CALL = "direct:squarespace-call";

  private final ProducerTemplate template;
  private final String endpoint;

  public SquarespaceApi(ProducerTemplate template) {
    this(template, CALL);
  }

  /**
   * @param endpoint the gateway route of this API's connection ({@code
   *     direct:squarespace-call-<id>} for a connection from {@code connections/},
   *     docs/design/connections.md)
   */
  public SquarespaceApi(ProducerTemplate template, String endpoint) {
    this.template = template;
    this.endpoint = endpoint;
  }

  /** GET {@code path} (e.g. {@code /1.0/commerce/orders/abc}) with an encoded query, or null. */
  public JsonNode get(String path, String query) {
    return call("GET", path, query, null, null);
  }

  /** POST with an Idempotency-Key (Inventory adjustments). */
  public JsonNode post(String path, JsonNode body, String idempotencyKey) {
    return call("POST", path, null, body, idempotencyKey);
  }

  /** One order by id, as Squarespace sends it. */
  public JsonNode orderJson(String orderId) {
    return get("/1.0/commerce/orders/" + orderId, null);
  }

  /** One order by id, parsed. */
  public SquarespaceOrder order(String orderId) {
    JsonNode node = get("/1.0/commerce/orders/" + orderId, null);
    return SquarespaceJson.mapper().convertValue(node, SquarespaceOrder.class);
  }

  /**
   * A call with an OAuth access token instead of the API key (the Webhook Subscriptions API accepts
   * only OAuth tokens, squarespace-api.md §1); null body for GET and DELETE.
   */
  public JsonNode withToken(String accessToken, String method, String path, JsonNode body) {
    return GatewayCall.request(
        template,
        endpoint,
        e -> {
          e.setProperty(SquarespaceGateway.METHOD, method);
          e.setProperty(SquarespaceGateway.PATH, path);
          e.setProperty(SquarespaceGateway.BODY, body);
          e.setProperty(SquarespaceGateway.BEARER, accessToken);
        },
        SquarespaceException.class);
  }

  private JsonNode call(String method, String path, String query, JsonNode body, String key) {
    return GatewayCall.request(
        template,
        endpoint,
        e -> {
          e.setProperty(SquarespaceGateway.METHOD, method);
          e.setProperty(SquarespaceGateway.PATH, path);
          e.setProperty(SquarespaceGateway.QUERY, query);
          e.setProperty(SquarespaceGateway.BODY, body);
          e.setProperty(SquarespaceGateway.IDEMPOTENCY_KEY, key);
        },
        SquarespaceException.class);
  }
}
