package org.sqexact.ops;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * The one door of the connector's HTTP port: every request passes here before any route (the
 * operator API, the metrics, the demo controls, a dashboard later). Only {@code /observe/health}
 * answers without a login, and then with nothing but the status. A login is any of the {@link
 * Authenticator}s: today the API token ({@code Authorization: Bearer}); a session cookie for a
 * dashboard can be added beside it. Requests that change something (POST …) must come from no other
 * web origin and carry {@code Content-Type: application/json}, so a web page the operator visits
 * cannot send them. {@code /observe/info} tells only the version.
 *
 * <p>Installed as the embedded server's authentication handler (Camel's platform-http on Vert.x
 * adds it to the router before the server listens and before every route).
 */
public final class OperatorAccess implements AuthenticationHandler {

  /** Request header that carries who is acting into the routes; set here, never by the client. */
  public static final String OPERATOR_HEADER = "Connector-Operator";

  /** Webhook paths authenticated by their signature instead of a login (routes/webhooks). */
  public static final Set<String> SIGNED_PATHS = Set.of("/webhooks/squarespace", "/webhooks/exact");

  /** One way to log in. */
  public interface Authenticator {
    /** Who the request is from, or empty when this way of logging in does not apply. */
    Optional<String> principal(HttpServerRequest request);

    /**
     * Why a request that changes something (POST …) is refused although this login let it in (a
     * session's CSRF token missing), or null.
     */
    default String refusal(HttpServerRequest request) {
      return null;
    }
  }

  /**
   * Answers some requests itself before any login is asked (the dashboard's login page): true when
   * it answered.
   */
  public interface Entrance {
    boolean handle(RoutingContext ctx);
  }

  /** {@code Authorization: Bearer <token>}, compared in constant time. */
  public static final class BearerToken implements Authenticator {
    private final byte[] digest;

    public BearerToken(String token) {
      this.digest = sha256(token);
    }

    @Override
    public Optional<String> principal(HttpServerRequest request) {
      String auth = request.getHeader("Authorization");
      if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Optional.empty();
      }
      // digests of equal length, compared without early exit: the time does not tell how much of
      // a guess was right
      boolean ok = MessageDigest.isEqual(digest, sha256(auth.substring(7).trim()));
      return ok ? Optional.of("the API token") : Optional.empty();
    }
  }

  /** Path of Jolokia (JMX over HTTP, for Hawtio) on the port ({@code camel.management}). */
  public static final String JOLOKIA_PATH = "/observe/jolokia";

  /**
   * {@code Authorization: Basic} with any user name and the API token as password, for Jolokia
   * only: Hawtio's connection dialog sends a user name and password.
   */
  public static final class JolokiaBasic implements Authenticator {
    private final byte[] digest;

    public JolokiaBasic(String token) {
      this.digest = sha256(token);
    }

    @Override
    public Optional<String> principal(HttpServerRequest request) {
      String path = request.path();
      if (path == null || !(path.equals(JOLOKIA_PATH) || path.startsWith(JOLOKIA_PATH + "/"))) {
        return Optional.empty();
      }
      String auth = request.getHeader("Authorization");
      if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
        return Optional.empty();
      }
      String decoded;
      try {
        decoded =
            new String(
                java.util.Base64.getDecoder().decode(auth.substring(6).trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      boolean ok = MessageDigest.isEqual(digest, sha256(decoded.substring(colon + 1)));
      return ok ? Optional.of("the API token (Jolokia)") : Optional.empty();
    }
  }

  private final List<Authenticator> authenticators;
  private final List<Entrance> entrances;
  private final CamelContext context;
  private final String version;
  private Set<String> jolokiaOrigins = Set.of();

  public OperatorAccess(List<Authenticator> authenticators, CamelContext context, String version) {
    this(authenticators, List.of(), context, version);
  }

  public OperatorAccess(
      List<Authenticator> authenticators,
      List<Entrance> entrances,
      CamelContext context,
      String version) {
    this.authenticators = List.copyOf(authenticators);
    this.entrances = List.copyOf(entrances);
    this.context = context;
    this.version = version;
  }

  /**
   * Web origins ({@code http://localhost:8090}) of Hawtio consoles whose proxy forwards the
   * browser's Jolokia requests here: Hawtio's proxy passes the browser's {@code Origin} header on,
   * which names Hawtio, not this port. Accepted on the Jolokia path only, and only with a login.
   */
  public OperatorAccess trustJolokiaOrigins(Collection<String> origins) {
    this.jolokiaOrigins =
        origins.stream()
            .map(o -> o.trim().replaceAll("/+$", "").toLowerCase(Locale.ROOT))
            .filter(o -> !o.isEmpty())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    return this;
  }

  /** Puts the door in front of the embedded HTTP server, before it starts listening. */
  public void install() {
    MainHttpServer existing = context.hasService(MainHttpServer.class);
    if (existing != null) {
      guard(existing.getConfiguration());
    }
    context.addLifecycleStrategy(
        new LifecycleStrategySupport() {
          @Override
          public void onServiceAdd(CamelContext camel, Service service, Route route) {
            if (service instanceof MainHttpServer server) {
              guard(server.getConfiguration());
            }
          }
        });
  }

  private void guard(VertxPlatformHttpServerConfiguration configuration) {
    AuthenticationConfig auth = configuration.getAuthenticationConfig();
    for (AuthenticationConfig.AuthenticationConfigEntry e : auth.getEntries()) {
      if (e.getAuthenticationHandlerFactory() instanceof DoorFactory) {
        return;
      }
    }
    AuthenticationConfig.AuthenticationConfigEntry entry =
        new AuthenticationConfig.AuthenticationConfigEntry();
    entry.setPath("/*");
    entry.setAuthenticationProviderFactory(vertx -> null);
    entry.setAuthenticationHandlerFactory(new DoorFactory());
    auth.getEntries().add(entry);
    auth.setEnabled(true);
  }

  /** Hands this door to the server. */
  private final class DoorFactory implements AuthenticationConfig.AuthenticationHandlerFactory {
    @Override
    public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(
        T provider) {
      return OperatorAccess.this;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.headers().remove(OPERATOR_HEADER);
    String path = ctx.normalizedPath();
    if (request.method() == HttpMethod.POST && SIGNED_PATHS.contains(path)) {
      // Squarespace and Exact cannot log in: each notification carries a signature over its raw
      // body, which the webhook route checks (401 when it is missing or wrong)
      ctx.next();
      return;
    }
    for (Entrance e : entrances) {
      if (e.handle(ctx)) {
        return;
      }
    }
    Optional<String> principal = Optional.empty();
    Authenticator by = null;
    for (Authenticator a : authenticators) {
      principal = a.principal(request);
      if (principal.isPresent()) {
        by = a;
        break;
      }
    }
    if (principal.isEmpty()) {
      if (request.method() == HttpMethod.GET
          && (path.equals("/observe/health") || path.startsWith("/observe/health/"))) {
        anonymousHealth(ctx, path);
        return;
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"connector\"");
      refuse(
          ctx,
          401,
          "a login is required: send the API token as 'Authorization: Bearer <token>' (see the"
              + " README: CONNECTOR_API_TOKEN)");
      return;
    }
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS) {
      String problem = crossSiteProblem(request);
      String origin = request.getHeader("Origin");
      if (problem != null
          && isJolokia(path)
          && origin != null
          && jolokiaOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
        problem = null; // a Hawtio console named in CONNECTOR_JOLOKIA_ORIGINS, through its proxy
      }
      if (problem != null) {
        refuse(ctx, 403, problem);
        return;
      }
      String type = request.getHeader("Content-Type");
      String mime = type == null ? "" : type.toLowerCase(Locale.ROOT).split(";")[0].trim();
      // Jolokia clients (Hawtio) post JSON as text/json or text/plain; the origin check above
      // still keeps other web sites out
      boolean jolokia = isJolokia(path) && (mime.equals("text/json") || mime.equals("text/plain"));
      if (!mime.equals("application/json") && !jolokia) {
        refuse(ctx, 415, "send 'Content-Type: application/json' with every " + method.name());
        return;
      }
      String refusal = by.refusal(request);
      if (refusal != null) {
        refuse(ctx, 403, refusal);
        return;
      }
    }
    if (path.equals("/observe/info") || path.startsWith("/observe/info/")) {
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"version\":\"" + version + "\"}");
      return;
    }
    String from = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    request.headers().set(OPERATOR_HEADER, principal.get() + " from " + from);
    ctx.next();
  }

  private static boolean isJolokia(String path) {
    return path.equals(JOLOKIA_PATH) || path.startsWith(JOLOKIA_PATH + "/");
  }

  /** A request from a web page of another origin (CSRF), or null when it is not one. */
  private static String crossSiteProblem(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "requests from other web sites are refused (Sec-Fetch-Site: " + site + ")";
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return null; // not sent by a browser's cross-origin request (curl, scripts)
    }
    String host = request.getHeader("Host");
    if (host != null
        && (origin.equalsIgnoreCase("http://" + host)
            || origin.equalsIgnoreCase("https://" + host))) {
      return null;
    }
    return "requests from other web origins are refused (Origin: " + origin + ")";
  }

  private void anonymousHealth(RoutingContext ctx, String path) {
    ctx.vertx()
        .executeBlocking(
            () -> {
              // live: the process and Camel run; ready: database, Exact token, division, pre-flight
              Collection<HealthCheck.Result> results =
                  path.endsWith("/live")
                      ? HealthCheckHelper.invokeLiveness(context)
                      : path.endsWith("/ready")
                          ? HealthCheckHelper.invokeReadiness(context)
                          : HealthCheckHelper.invoke(context);
              boolean down = false;
              for (HealthCheck.Result r : results) {
                down |= r.getState() == HealthCheck.State.DOWN;
              }
              return down;
            },
            false)
        .onComplete(
            r -> {
              boolean down = r.failed() || r.result();
              ctx.response()
                  .setStatusCode(down ? 503 : 200)
                  .putHeader("Content-Type", "application/json")
                  .end(down ? "{\"status\":\"DOWN\"}" : "{\"status\":\"UP\"}");
            });
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
