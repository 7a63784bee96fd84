package org.sqexact.squarespace;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sqexact.store.ActivityLog;
import org.sqexact.support.Bodies;
import org.sqexact.support.Redact;

/**
 * The steps of the {@code squarespace-attempt} route: the API key and a descriptive User-Agent on
 * every call, the 429 pause, the activity log and the error rules.
 */
public final class SquarespaceGateway {

  /** Exchange properties that describe a call. */
  public static final String METHOD = "squarespaceMethod";

  public static final String PATH = "squarespacePath";
  public static final String QUERY = "squarespaceQuery";
  public static final String BODY = "squarespaceBody";
  public static final String IDEMPOTENCY_KEY = "squarespaceIdempotencyKey";

  /** An OAuth access token to send instead of the API key (the Webhook Subscriptions API). */
  public static final String BEARER = "squarespaceBearer";

  private static final String STARTED = "squarespaceStarted";

  private static final Logger LOG = LoggerFactory.getLogger(SquarespaceGateway.class);

  private final SquarespacePause pause;
  private final ActivityLog activity;
  private final Clock clock;
  private final String apiUrl;
  private volatile String apiKey;
  private final String userAgent;

  public SquarespaceGateway(
      SquarespacePause pause,
      ActivityLog activity,
      Clock clock,
      URI apiUrl,
      String apiKey,
      String userAgent) {
    this.pause = pause;
    this.activity = activity;
    this.clock = clock;
    this.apiUrl = apiUrl.toString();
    this.apiKey = apiKey;
    this.userAgent = userAgent;
  }

  /** The key the connect wizard checked: used from the next call on, without a restart. */
  public void useApiKey(String key) {
    this.apiKey = key;
  }

  /** Whether a key is at hand (set, or stored by the connect wizard). */
  public boolean hasApiKey() {
    String k = apiKey;
    return k != null && !k.isBlank();
  }

  public void prepare(Exchange exchange) {
    pause.awaitClear();
    Message m = exchange.getMessage();
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_METHOD, exchange.getProperty(METHOD, "GET", String.class));
    m.setHeader(Exchange.HTTP_URI, apiUrl + exchange.getProperty(PATH, String.class));
    String query = exchange.getProperty(QUERY, String.class);
    if (query != null && !query.isEmpty()) {
      m.setHeader(Exchange.HTTP_QUERY, query);
    }
    String bearer = exchange.getProperty(BEARER, String.class);
    m.setHeader("Authorization", "Bearer " + (bearer != null ? bearer : apiKey));
    m.setHeader("User-Agent", userAgent);
    m.setHeader("Accept", "application/json");
    String key = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
    if (key != null) {
      m.setHeader("Idempotency-Key", key);
    }
    Object body = exchange.getProperty(BODY);
    if (body != null) {
      m.setHeader(Exchange.CONTENT_TYPE, "application/json");
      m.setBody(body.toString());
    } else {
      m.setBody(null);
    }
    exchange.setProperty(STARTED, clock.millis());
  }

  public void complete(Exchange exchange) {
    // the credential goes no further than the HTTP call: not through the flow, nor into a trace
    exchange.getMessage().removeHeader("Authorization");
    Message m = exchange.getMessage();
    int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    String method = exchange.getProperty(METHOD, "GET", String.class);
    String path = exchange.getProperty(PATH, String.class);
    String endpoint = endpointOf(path);
    long duration = clock.millis() - exchange.getProperty(STARTED, clock.millis(), Long.class);
    String raw = m.getBody(String.class);
    JsonNode json = Bodies.parse(raw);
    LOG.debug("Squarespace {} {} -> {} ({} ms)", method, endpoint, status, duration);
    String message = errorMessage(json, raw);
    activity.record(
        MDC.get("orderId"),
        MDC.get("orderNumber"),
        "squarespace " + method + " " + endpoint,
        status >= 200 && status < 300 ? "ok" : "failed",
        status >= 400 ? message : null,
        new ActivityLog.ApiCall(endpoint, status, duration, null));
    if (status >= 200 && status < 300) {
      m.setBody(json);
      return;
    }
    String text =
        "Squarespace answered "
            + status
            + " to "
            + method
            + " "
            + endpoint
            + (message == null ? "" : ": " + message);
    if (status == 429) {
      throw new SquarespaceRateLimitedException(text, pause.pause());
    }
    if (status >= 500) {
      throw new SquarespaceException(text, status, true, null);
    }
    if (status == 401 && exchange.getProperty(BEARER) != null) {
      text += " (the Squarespace OAuth token was refused: authorise again in the console)";
    } else if (status == 401) {
      text += " (check SQUARESPACE_API_KEY: the key is wrong, revoked or lacks the API's scope)";
    } else if (status == 402) {
      text += " (the Squarespace site's plan has expired)";
    } else if (status == 403) {
      text += " (the API key has no permission for this API; generate a key with it)";
    }
    throw new SquarespaceException(text, status, false, null)
        .withErrorSubtype(json == null ? null : json.path("subtype").asText(null));
  }

  public void connectionFailed(Exchange exchange) {
    // the credential goes no further than the HTTP call: not through the flow, nor into a trace
    exchange.getMessage().removeHeader("Authorization");
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    String method = exchange.getProperty(METHOD, "GET", String.class);
    String endpoint = endpointOf(exchange.getProperty(PATH, String.class));
    String what = e == null ? "unknown" : e.getClass().getSimpleName() + ": " + e.getMessage();
    activity.record(
        MDC.get("orderId"),
        MDC.get("orderNumber"),
        "squarespace " + method + " " + endpoint,
        "failed",
        "no response: " + what,
        new ActivityLog.ApiCall(endpoint, 0, 0, null));
    throw new SquarespaceException(
        "No response from Squarespace to " + method + " " + endpoint + " (" + what + ")",
        0,
        true,
        e);
  }

  /** Reads are retried; writes only when not sent or when they carry an Idempotency-Key. */
  public boolean isRetryable(Exchange exchange) {
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    if (e == null) {
      e = exchange.getException();
    }
    if (!(e instanceof SquarespaceException se) || !se.isTransient()) {
      return false;
    }
    boolean notSent =
        e instanceof SquarespaceRateLimitedException || Bodies.hasCause(e, ConnectException.class);
    return notSent
        || "GET".equals(exchange.getProperty(METHOD, "GET", String.class))
        || exchange.getProperty(IDEMPOTENCY_KEY) != null;
  }

  static String endpointOf(String path) {
    if (path == null) {
      return "?";
    }
    // /1.0/commerce/orders/5f3c… → /1.0/commerce/orders/{id}
    return path.replaceAll("/[0-9a-f]{24}(,[0-9a-f]{24})*$", "/{id}")
        .replaceAll("/[0-9a-f-]{36}$", "/{id}");
  }

  static String errorMessage(JsonNode json, String raw) {
    return Redact.emails(rawErrorMessage(json, raw));
  }

  private static String rawErrorMessage(JsonNode json, String raw) {
    if (json != null && json.has("message")) {
      String msg = json.path("message").asText("");
      String context = json.path("contextId").asText("");
      String type = json.path("type").asText("");
      String subtype = json.path("subtype").asText("");
      return (type.isEmpty() ? "" : type + (subtype.isEmpty() ? "" : "/" + subtype) + " ")
          + msg
          + (context.isEmpty() ? "" : " (contextId " + context + ")");
    }
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String oneLine = raw.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
  }
}
