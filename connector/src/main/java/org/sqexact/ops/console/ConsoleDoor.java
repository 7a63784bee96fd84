package org.sqexact.ops.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.ops.OperatorAccess;

/**
 * The dashboard's entrance, in front of every route (an {@link OperatorAccess.Entrance}): the login
 * page and form, the logout, the session's CSRF token for the page script, and, for a browser
 * without a session, a 401 page that leads to the login. Everything else under {@code /console}
 * passes on to the door, which lets only logged-in requests in.
 *
 * <p>A wrong password is answered after {@link #WRONG_PASSWORD_DELAY} and counted (metric {@code
 * connector_console_login_failures_total}); after {@link #MAX_FAILURES} failures from one address
 * within {@link #FAILURE_WINDOW} that address gets no more tries until the window passes.
 */
public final class ConsoleDoor implements OperatorAccess.Entrance {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleDoor.class);
  static final Duration WRONG_PASSWORD_DELAY = Duration.ofSeconds(1);
  static final int MAX_FAILURES = 10;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  static final String LOGIN_COOKIE = "sqexact_login";
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " form-action 'self' ; frame-ancestors 'none'; base-uri 'none'";

  private final ConsoleUsers users;
  private final ConsoleSessions sessions;
  private final ConsolePages pages;
  private final Clock clock;
  private final boolean secureCookies;
  private final Counter failures;
  private final Map<String, Deque<Instant>> failuresByAddress = new ConcurrentHashMap<>();

  public ConsoleDoor(
      ConsoleUsers users,
      ConsoleSessions sessions,
      ConsolePages pages,
      Clock clock,
      boolean secureCookies,
      MeterRegistry meters) {
    this.users = users;
    this.sessions = sessions;
    this.pages = pages;
    this.clock = clock;
    this.secureCookies = secureCookies;
    this.failures =
        Counter.builder("connector_console_login_failures")
            .description("Refused dashboard logins (wrong user name or password, no CSRF token)")
            .register(meters);
  }

  @Override
  public boolean handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.equals("/console") && !path.startsWith("/console/")) {
      return false;
    }
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    response.putHeader("Content-Security-Policy", CSP);
    response.putHeader("X-Content-Type-Options", "nosniff");
    response.putHeader("X-Frame-Options", "DENY");
    // the OAuth callback's URL carries a code: never sent to another site as a Referer
    // ("no-referrer" would make the browser send "Origin: null" with the forms)
    response.putHeader("Referrer-Policy", "same-origin");
    HttpMethod method = request.method();
    if (path.equals("/console") && method == HttpMethod.GET) {
      response.putHeader("Location", "/console/").setStatusCode(302).end();
      return true;
    }
    if (path.equals("/console/login") && method == HttpMethod.GET) {
      loginPage(ctx, 200, null);
      return true;
    }
    if (path.equals("/console/login") && method == HttpMethod.POST) {
      login(ctx);
      return true;
    }
    if (path.equals("/console/logout") && method == HttpMethod.POST) {
      logout(ctx);
      return true;
    }
    if (path.equals("/console/style.css") && method == HttpMethod.GET) {
      // the login page's look: not secret, served without a login
      send(ctx, 200, "text/css; charset=utf-8", pages.resource("style.css"));
      return true;
    }
    Optional<ConsoleSessions.Session> session = sessions.of(request);
    if (path.equals("/console/session") && method == HttpMethod.GET) {
      if (session.isEmpty()) {
        json(ctx, 401, "{\"error\":\"not logged in\"}");
      } else {
        json(
            ctx,
            200,
            "{\"user\":\""
                + session.get().user()
                + "\",\"csrf\":\""
                + session.get().csrf()
                + "\"}");
      }
      return true;
    }
    if (session.isEmpty()
        && request.getHeader("Authorization") == null
        && method == HttpMethod.GET
        && accepts(request, "text/html")) {
      // a browser without a session: refused, with the way to the login
      String next = path + (request.query() == null ? "" : "?" + request.query());
      response.putHeader("WWW-Authenticate", "Bearer realm=\"connector\"");
      String target = "/console/login?next=" + enc(next);
      send(
          ctx,
          401,
          "text/html; charset=utf-8",
          ("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\""
                  + " content=\"0; url="
                  + html(target)
                  + "\"><title>Log in</title></head><body><p>Please <a href=\""
                  + html(target)
                  + "\">log in</a>.</p></body></html>")
              .getBytes(StandardCharsets.UTF_8));
      return true;
    }
    return false;
  }

  private void loginPage(RoutingContext ctx, int status, String problem) {
    String token = ConsoleSessions.randomToken();
    ctx.response().addCookie(cookie(ctx.request(), LOGIN_COOKIE, token, "/console/login", -1));
    String next = safeNext(ctx.request().getParam("next"));
    String page =
        new String(pages.resource("login.html"), StandardCharsets.UTF_8)
            .replace("{{csrf}}", token)
            .replace("{{next}}", html(next))
            .replace(
                "{{problem}}",
                problem == null
                    ? ""
                    : "<p class=\"problem\" id=\"login-problem\">" + html(problem) + "</p>")
            .replace(
                "{{nousers}}",
                users.isEmpty()
                    ? "<p class=\"problem\">No operator is set up yet: add one to CONNECTOR_USERS"
                        + " (see the README) and restart.</p>"
                    : "");
    ctx.response().putHeader("Cache-Control", "no-store");
    send(ctx, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  private void login(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String from = address(request);
    String type = request.getHeader("Content-Type");
    if (crossSite(request)
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      failures.increment();
      loginPage(ctx, 403, "The login must be sent from the login page.");
      return;
    }
    request
        .body()
        .onComplete(
            body -> {
              if (body.failed() || body.result().length() > 4096) {
                loginPage(ctx, 400, "The login could not be read.");
                return;
              }
              Map<String, String> form = form(body.result());
              String cookieToken = ConsoleSessions.cookie(request, LOGIN_COOKIE);
              String formToken = form.get("csrf");
              if (cookieToken == null
                  || formToken == null
                  || !ConsoleSessions.same(cookieToken, formToken)) {
                failures.increment();
                LOG.warn("Dashboard login from {} refused: no valid CSRF token", from);
                loginPage(ctx, 403, "The login form expired: please try again.");
                return;
              }
              if (tooManyFailures(from)) {
                later(
                    ctx,
                    () ->
                        loginPage(
                            ctx,
                            429,
                            "Too many wrong passwords from your address: wait "
                                + FAILURE_WINDOW.toMinutes()
                                + " minutes."));
                return;
              }
              String user = form.getOrDefault("user", "").trim();
              String password = form.getOrDefault("password", "");
              ctx.vertx()
                  .executeBlocking(() -> users.check(user, password), false)
                  .onComplete(
                      checked -> {
                        if (checked.succeeded() && checked.result()) {
                          failuresByAddress.remove(from);
                          String id = sessions.start(user);
                          LOG.info("Operator '{}' logged in to the dashboard from {}", user, from);
                          ctx.response()
                              .addCookie(
                                  cookie(ctx.request(), LOGIN_COOKIE, "", "/console/login", 0))
                              .addCookie(cookie(ctx.request(), ConsoleSessions.COOKIE, id, "/", -1))
                              .putHeader("Location", safeNext(form.get("next")))
                              .setStatusCode(303)
                              .end();
                        } else {
                          int n = countFailure(from);
                          failures.increment();
                          LOG.warn(
                              "Dashboard login from {} refused: wrong user name or password ({}"
                                  + " within {} minutes)",
                              from,
                              n,
                              FAILURE_WINDOW.toMinutes());
                          later(ctx, () -> loginPage(ctx, 401, "Wrong user name or password."));
                        }
                      });
            });
    request.resume();
  }

  private void logout(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Optional<ConsoleSessions.Session> session = sessions.of(request);
    request
        .body()
        .onComplete(
            body -> {
              Map<String, String> form = body.succeeded() ? form(body.result()) : Map.of();
              String token = form.get("csrf");
              if (session.isEmpty()
                  || crossSite(request)
                  || token == null
                  || !ConsoleSessions.same(token, session.get().csrf())) {
                json(ctx, 403, "{\"error\":\"the CSRF token is missing or wrong\"}");
                return;
              }
              sessions.end(ConsoleSessions.sessionId(request));
              ctx.response()
                  .addCookie(cookie(ctx.request(), ConsoleSessions.COOKIE, "", "/", 0))
                  .putHeader("Location", "/console/login")
                  .setStatusCode(303)
                  .end();
            });
    request.resume();
  }

  private void later(RoutingContext ctx, Runnable answer) {
    ctx.vertx().setTimer(WRONG_PASSWORD_DELAY.toMillis(), id -> answer.run());
  }

  private boolean tooManyFailures(String from) {
    Deque<Instant> list = failuresByAddress.get(from);
    if (list == null) {
      return false;
    }
    synchronized (list) {
      Instant cut = clock.instant().minus(FAILURE_WINDOW);
      list.removeIf(t -> t.isBefore(cut));
      return list.size() >= MAX_FAILURES;
    }
  }

  private int countFailure(String from) {
    Deque<Instant> list = failuresByAddress.computeIfAbsent(from, k -> new ArrayDeque<>());
    synchronized (list) {
      list.add(clock.instant());
      Instant cut = clock.instant().minus(FAILURE_WINDOW);
      list.removeIf(t -> t.isBefore(cut));
      return list.size();
    }
  }

  private Cookie cookie(
      HttpServerRequest request, String name, String value, String path, long maxAge) {
    Cookie c = Cookie.cookie(name, value).setPath(path).setHttpOnly(true);
    c.setSameSite(CookieSameSite.LAX); // sent on the top-level redirect back from Exact's consent
    // Secure when served over TLS: by this server, or behind a proxy at an https public URL
    if (secureCookies || request.isSSL()) {
      c.setSecure(true);
    }
    if (maxAge >= 0) {
      c.setMaxAge(maxAge);
    }
    return c;
  }

  /** A local dashboard address to go to after the login; anything else becomes the start page. */
  static String safeNext(String next) {
    if (next != null && next.matches("/console/[A-Za-z0-9._/?=&#%-]*") && !next.contains("//")) {
      return next;
    }
    return "/console/";
  }

  private static boolean crossSite(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return true;
    }
    String origin = request.getHeader("Origin");
    String host = request.getHeader("Host");
    return origin != null
        && !(host != null
            && (origin.equalsIgnoreCase("http://" + host)
                || origin.equalsIgnoreCase("https://" + host)));
  }

  private static boolean accepts(HttpServerRequest request, String type) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains(type);
  }

  private static Map<String, String> form(Buffer body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static String address(HttpServerRequest request) {
    return request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().putHeader("Cache-Control", "no-store");
    send(ctx, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(RoutingContext ctx, int status, String type, byte[] body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", type).end(Buffer.buffer(body));
  }

  static String html(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
