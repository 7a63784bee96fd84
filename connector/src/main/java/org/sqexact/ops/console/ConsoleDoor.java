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
import org.sqexact.store.ActivityLog;

/**
 * The dashboard's entrance, in front of every route (an {@link OperatorAccess.Entrance}): the login
 * page and form, the logout, the session's CSRF token for the page script, and, for a browser
 * without a session, a 401 page that leads to the login. Everything else under {@code /console}
 * passes on to the door, which lets only logged-in requests in.
 *
 * <p>A wrong password is answered slowly — {@link #FIRST_DELAY}, doubling with each failure within
 * {@link #FAILURE_WINDOW}, at most {@link #MAX_DELAY} — and counted (metric {@code
 * connector_console_login_failures_total}, and a line in the activity log naming the operator when
 * the name is a known one, never the password). After {@link #MAX_USER_FAILURES} failures for one
 * user name, or {@link #MAX_FAILURES} from one address, within the window, that name or address is
 * locked for {@link #LOCKOUT} (metric {@code connector_console_login_lockouts_total}): even the
 * right password is refused until then (429 with Retry-After), so guessing gains nothing. The
 * counts are in memory: a restart forgets them.
 */
public final class ConsoleDoor implements OperatorAccess.Entrance {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleDoor.class);
  static final Duration FIRST_DELAY = Duration.ofMillis(250);
  static final Duration MAX_DELAY = Duration.ofSeconds(4);
  static final int MAX_FAILURES = 10;
  static final int MAX_USER_FAILURES = 5;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  static final Duration LOCKOUT = Duration.ofMinutes(15);
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
  private final Counter lockouts;
  private final ActivityLog activity;
  private final Map<String, Failures> failuresByKey = new ConcurrentHashMap<>();

  /** Recent failures of one user name or address, and until when it is locked. */
  private static final class Failures {
    final Deque<Instant> times = new ArrayDeque<>();
    Instant lockedUntil;
  }

  public ConsoleDoor(
      ConsoleUsers users,
      ConsoleSessions sessions,
      ConsolePages pages,
      Clock clock,
      boolean secureCookies,
      MeterRegistry meters,
      ActivityLog activity) {
    this.users = users;
    this.sessions = sessions;
    this.pages = pages;
    this.clock = clock;
    this.secureCookies = secureCookies;
    this.failures =
        Counter.builder("connector_console_login_failures")
            .description("Refused dashboard logins (wrong user name or password, no CSRF token)")
            .register(meters);
    this.lockouts =
        Counter.builder("connector_console_login_lockouts")
            .description("Dashboard user names or addresses locked after repeated wrong passwords")
            .register(meters);
    this.activity = activity;
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
              String user = form.getOrDefault("user", "").trim();
              String password = form.getOrDefault("password", "");
              // only a known name is written down: a password typed into the name field is not
              String who = users.knows(user) ? "operator '" + user + "'" : "an unknown user name";
              Instant locked = lockedUntil(userKey(user), addressKey(from));
              if (locked != null) {
                long wait = Math.max(1, Duration.between(clock.instant(), locked).toSeconds());
                failures.increment();
                record("refused", "login for " + who + " from " + from + " refused: locked", wait);
                ctx.response().putHeader("Retry-After", Long.toString(wait));
                loginPage(
                    ctx,
                    429,
                    "Too many wrong passwords: this login is locked for "
                        + Math.max(1, (wait + 59) / 60)
                        + " more minute(s).");
                return;
              }
              ctx.vertx()
                  .executeBlocking(() -> users.check(user, password), false)
                  .onComplete(
                      checked -> {
                        if (checked.succeeded() && checked.result()) {
                          failuresByKey.remove(userKey(user));
                          failuresByKey.remove(addressKey(from));
                          String id = sessions.start(user);
                          LOG.info("Operator '{}' logged in to the dashboard from {}", user, from);
                          record("ok", "operator '" + user + "' logged in from " + from, -1);
                          ctx.response()
                              .addCookie(
                                  cookie(ctx.request(), LOGIN_COOKIE, "", "/console/login", 0))
                              .addCookie(cookie(ctx.request(), ConsoleSessions.COOKIE, id, "/", -1))
                              .putHeader("Location", safeNext(form.get("next")))
                              .setStatusCode(303)
                              .end();
                        } else {
                          int byUser = countFailure(userKey(user), MAX_USER_FAILURES);
                          int byAddress = countFailure(addressKey(from), MAX_FAILURES);
                          int n = Math.max(byUser, byAddress);
                          failures.increment();
                          Duration delay = delay(n);
                          boolean nowLocked =
                              byUser >= MAX_USER_FAILURES || byAddress >= MAX_FAILURES;
                          String line =
                              "wrong password for "
                                  + who
                                  + " from "
                                  + from
                                  + " ("
                                  + n
                                  + " within "
                                  + FAILURE_WINDOW.toMinutes()
                                  + " minutes; answered after "
                                  + delay.toMillis()
                                  + " ms"
                                  + (nowLocked
                                      ? "; locked for " + LOCKOUT.toMinutes() + " minutes"
                                      : "")
                                  + ")";
                          LOG.warn("Dashboard login refused: {}", line);
                          record("failed", line, -1);
                          ctx.vertx()
                              .setTimer(
                                  delay.toMillis(),
                                  t -> loginPage(ctx, 401, "Wrong user name or password."));
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

  /** The delay before a wrong password is answered: doubles with each recent failure. */
  static Duration delay(int failuresInWindow) {
    Duration d = FIRST_DELAY.multipliedBy(1L << Math.min(Math.max(failuresInWindow - 1, 0), 10));
    return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
  }

  private static String userKey(String user) {
    return "user:" + user.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "address:" + address;
  }

  /** Until when one of these keys is locked, or null. */
  private Instant lockedUntil(String... keys) {
    Instant now = clock.instant();
    Instant latest = null;
    for (String key : keys) {
      Failures f = failuresByKey.get(key);
      if (f == null) {
        continue;
      }
      synchronized (f) {
        if (f.lockedUntil != null && now.isBefore(f.lockedUntil)) {
          latest = latest == null || f.lockedUntil.isAfter(latest) ? f.lockedUntil : latest;
        } else if (f.lockedUntil != null) {
          // the period is over: a fresh start
          f.lockedUntil = null;
          f.times.clear();
        }
      }
    }
    return latest;
  }

  /** Counts a failure; the key is locked when it reaches {@code limit} within the window. */
  private int countFailure(String key, int limit) {
    Failures f = failuresByKey.computeIfAbsent(key, k -> new Failures());
    synchronized (f) {
      Instant now = clock.instant();
      f.times.add(now);
      Instant cut = now.minus(FAILURE_WINDOW);
      f.times.removeIf(t -> t.isBefore(cut));
      if (f.times.size() >= limit && f.lockedUntil == null) {
        f.lockedUntil = now.plus(LOCKOUT);
        lockouts.increment();
      }
      return f.times.size();
    }
  }

  private void record(String outcome, String message, long retryAfterSeconds) {
    if (activity == null) {
      return;
    }
    try {
      activity.record(
          null,
          null,
          "console login",
          outcome,
          message + (retryAfterSeconds > 0 ? " (" + retryAfterSeconds + " s left)" : ""));
    } catch (RuntimeException e) {
      LOG.warn("Could not record the login in the activity log: {}", e.getMessage());
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
