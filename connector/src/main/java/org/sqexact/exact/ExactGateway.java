package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Locale;
import java.util.function.IntSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.store.ActivityLog;
import org.sqexact.support.Bodies;

/**
 * The steps of the {@code exact-attempt} route: every call to Exact Online passes here, so the
 * token, the rate governor, the activity log and the error rules live in one place.
 *
 * <p>The request is described by exchange properties (set by {@link ExactApi}), never by headers,
 * so nothing internal leaks into the HTTP request and a retry can rebuild it.
 */
public final class ExactGateway {

  /** Exchange properties that describe a call. */
  public static final String METHOD = "exactMethod";

  public static final String PATH = "exactPath";
  public static final String QUERY = "exactQuery";
  public static final String BODY = "exactBody";
  public static final String PRIORITY = "exactPriority";
  public static final String DIVISION_SCOPED = "exactDivisionScoped";

  /** Optional: the division of this one call (the wizard lists divisions before one is chosen). */
  public static final String DIVISION = "exactDivision";

  private static final String TOKEN = "exactToken";
  private static final String STARTED = "exactStarted";
  private static final String DIVISION_USED = "exactDivisionUsed";

  private static final Logger LOG = LoggerFactory.getLogger(ExactGateway.class);

  private final ExactTokenManager tokens;
  private final ExactRateGovernor governor;
  private final ActivityLog activity;
  private final Clock clock;
  private final String restUrl;
  private final IntSupplier division;

  public ExactGateway(
      ExactTokenManager tokens,
      ExactRateGovernor governor,
      ActivityLog activity,
      Clock clock,
      URI restUrl,
      IntSupplier division) {
    this.tokens = tokens;
    this.governor = governor;
    this.activity = activity;
    this.clock = clock;
    this.restUrl = restUrl.toString();
    this.division = division;
  }

  /** Waits for the rate governor, takes a token and builds the HTTP request. */
  public void prepare(Exchange exchange) {
    String method = exchange.getProperty(METHOD, "GET", String.class);
    String path = exchange.getProperty(PATH, String.class);
    boolean scoped = exchange.getProperty(DIVISION_SCOPED, true, Boolean.class);
    Priority priority = exchange.getProperty(PRIORITY, Priority.ORDERS, Priority.class);
    String endpoint = endpointOf(path);
    int division = divisionOf(exchange);
    if (scoped && division <= 0 && !isAbsolute(path)) {
      // a fresh install before the connect wizard's last step: nothing to call yet
      throw new ExactFunctionalException(
          "No Exact Online division is chosen yet: choose one in the connect wizard"
              + " (/console/connect) or set EXACT_DIVISION",
          endpoint,
          0,
          null);
    }
    // the token first: while Exact allows no new one, the call is not counted as made
    String token = tokens.accessToken();
    if (scoped) {
      governor.acquire(division, endpoint, priority);
      token = tokens.accessToken(); // the governor may have waited past its 570 s
    }
    exchange.setProperty(DIVISION_USED, division); // the response counts against this one
    exchange.setProperty(TOKEN, token);
    exchange.setProperty(STARTED, clock.millis());

    Message m = exchange.getMessage();
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_METHOD, method);
    m.setHeader(Exchange.HTTP_URI, urlOf(path, scoped, division));
    String query = exchange.getProperty(QUERY, String.class);
    if (query != null && !query.isEmpty()) {
      m.setHeader(Exchange.HTTP_QUERY, query);
    }
    m.setHeader("Authorization", "Bearer " + token);
    m.setHeader("Accept", "application/json");
    Object body = exchange.getProperty(BODY);
    if (body != null) {
      m.setHeader(Exchange.CONTENT_TYPE, "application/json");
      m.setHeader("Prefer", "return=representation");
      m.setBody(body.toString());
    } else {
      m.setBody(null);
    }
  }

  /**
   * Reads the response: feeds the rate governor, writes the activity log, and turns failures into
   * typed exceptions. On success the body becomes the parsed JSON ({@code null} for 204).
   */
  public void complete(Exchange exchange) {
    // the credential goes no further than the HTTP call: not through the flow, nor into a trace
    exchange.getMessage().removeHeader("Authorization");
    Message m = exchange.getMessage();
    int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    String method = exchange.getProperty(METHOD, "GET", String.class);
    String path = exchange.getProperty(PATH, String.class);
    String endpoint = endpointOf(path);
    boolean scoped = exchange.getProperty(DIVISION_SCOPED, true, Boolean.class);
    long duration = clock.millis() - exchange.getProperty(STARTED, clock.millis(), Long.class);
    if (scoped) {
      int used = exchange.getProperty(DIVISION_USED, divisionOf(exchange), Integer.class);
      governor.record(used, endpoint, status, name -> m.getHeader(name, String.class));
    }
    String raw = m.getBody(String.class);
    Integer remaining = intHeader(m, "X-RateLimit-Minutely-Remaining");
    LOG.debug(
        "Exact {} {} -> {} ({} ms, minute budget left {})",
        method,
        endpoint,
        status,
        duration,
        remaining);
    activity.record(
        MDC.get("orderId"),
        MDC.get("orderNumber"),
        "exact " + method + " " + endpoint,
        status >= 200 && status < 300 ? "ok" : "failed",
        status >= 400 ? OData.errorMessage(Bodies.parse(raw), raw) : null,
        new ActivityLog.ApiCall(endpoint, status, duration, remaining));

    if (status >= 200 && status < 300) {
      m.setBody(raw == null || raw.isBlank() ? null : Bodies.parse(raw));
      return;
    }
    JsonNode json = Bodies.parse(raw);
    String exactMessage = OData.errorMessage(json, raw);
    String reason = m.getHeader("Reason", String.class);
    String text =
        "Exact Online answered "
            + status
            + " to "
            + method
            + " "
            + endpoint
            + (exactMessage == null ? "" : ": " + exactMessage)
            + (reason == null ? "" : " (reason: " + reason + ")");
    if (status == 401) {
      String used = exchange.getProperty(TOKEN, String.class);
      if (tokens.renewAfterUnauthorized(used, endpoint)) {
        throw new ExactTokenRenewedException(endpoint);
      }
      throw new ExactUnauthorizedException(text, endpoint, exactMessage);
    }
    if (status == 429) {
      throw new ExactRateLimitedException(text, endpoint, status, null);
    }
    if (status >= 500) {
      if ("GET".equals(method)) {
        throw new ExactTransientException(text, endpoint, status, false, null);
      }
      throw new ExactOutcomeUnknownException(
          text + "; Exact may or may not have saved it", endpoint, status, null);
    }
    throw new ExactFunctionalException(text, endpoint, status, exactMessage);
  }

  /** The request failed without a response (doCatch in the route): classify it. */
  public void connectionFailed(Exchange exchange) {
    // the credential goes no further than the HTTP call: not through the flow, nor into a trace
    exchange.getMessage().removeHeader("Authorization");
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    String method = exchange.getProperty(METHOD, "GET", String.class);
    String endpoint = endpointOf(exchange.getProperty(PATH, String.class));
    boolean notSent =
        Bodies.hasCause(e, ConnectException.class)
            || Bodies.hasCause(e, UnknownHostException.class);
    String what =
        e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
    activity.record(
        MDC.get("orderId"),
        MDC.get("orderNumber"),
        "exact " + method + " " + endpoint,
        "failed",
        "no response: " + what,
        new ActivityLog.ApiCall(endpoint, 0, 0, null));
    String text = "No response from Exact Online to " + method + " " + endpoint + " (" + what + ")";
    if (notSent || "GET".equals(method)) {
      throw new ExactTransientException(text, endpoint, 0, notSent, e);
    }
    throw new ExactOutcomeUnknownException(
        text + "; Exact may or may not have saved it", endpoint, 0, e);
  }

  /**
   * Whether the {@code exact-call} route retries a transient failure: reads are always retried,
   * writes only when Exact certainly did not process them.
   */
  public boolean isRetryable(Exchange exchange) {
    Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    if (e == null) {
      e = exchange.getException();
    }
    if (!(e instanceof ExactException ex)) {
      return false;
    }
    if (e instanceof ExactOutcomeUnknownException) {
      return false;
    }
    if (e instanceof ExactRateLimitedException && ex.getHttpStatus() == 0) {
      // refused by the rate governor itself: the budget is spent for longer than a retry waits
      return false;
    }
    return ex.isRequestNotProcessed() || "GET".equals(exchange.getProperty(METHOD, String.class));
  }

  /** {@code crm/Accounts(guid'…')?x} → {@code crm/Accounts}; absolute next-links likewise. */
  String endpointOf(String path) {
    if (path == null) {
      return "?";
    }
    String p = path;
    if (p.startsWith(restUrl)) {
      p = p.substring(restUrl.length());
      p = p.replaceFirst("^/[0-9]+/", "").replaceFirst("^/", "");
    }
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    int key = p.indexOf('(');
    if (key >= 0) {
      p = p.substring(0, key);
    }
    return p;
  }

  /** The division of this call: the one the wizard asked for, else the connector's. */
  private int divisionOf(Exchange exchange) {
    Integer own = exchange.getProperty(DIVISION, Integer.class);
    return own != null && own > 0 ? own : division.getAsInt();
  }

  private static boolean isAbsolute(String path) {
    return path != null && (path.startsWith("http://") || path.startsWith("https://"));
  }

  private String urlOf(String path, boolean scoped, int division) {
    if (isAbsolute(path)) {
      if (!path.toLowerCase(Locale.ROOT).startsWith(restUrl.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("refusing to send the Exact token to " + path);
      }
      int q = path.indexOf('?');
      return q >= 0 ? path.substring(0, q) : path;
    }
    return restUrl + (scoped ? "/" + division : "") + "/" + path;
  }

  private static Integer intHeader(Message m, String name) {
    String v = m.getHeader(name, String.class);
    try {
      return v == null ? null : Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
