package org.sqexact.ops.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sqexact.ops.OperatorAccess;

/**
 * Logged-in operators of the dashboard: a random session id in an HttpOnly cookie, a CSRF token per
 * session that every request changing something must carry ({@code X-CSRF-Token}). Sessions live in
 * memory: a restart logs everyone out. A session ends after {@link #IDLE} without a request, or
 * {@link #LONGEST} after the login.
 */
public final class ConsoleSessions implements OperatorAccess.Authenticator {

  public static final String COOKIE = "sqexact_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final Duration IDLE = Duration.ofHours(1);
  static final Duration LONGEST = Duration.ofHours(12);

  /** One logged-in operator. */
  public record Session(String user, String csrf, Instant started, Instant lastSeen) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  public ConsoleSessions(Clock clock) {
    this.clock = clock;
  }

  /** Starts a session; returns its id (the cookie's value). */
  public String start(String user) {
    sessions.values().removeIf(this::expired);
    String id = randomToken();
    Instant now = clock.instant();
    sessions.put(id, new Session(user, randomToken(), now, now));
    return id;
  }

  public void end(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** The request's session, when it has a live one (and keeps it alive). */
  public Optional<Session> of(HttpServerRequest request) {
    String id = cookie(request, COOKIE);
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (expired(s)) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session touched = new Session(s.user(), s.csrf(), s.started(), clock.instant());
    sessions.replace(id, s, touched);
    return Optional.of(touched);
  }

  public static String sessionId(HttpServerRequest request) {
    return cookie(request, COOKIE);
  }

  @Override
  public Optional<String> principal(HttpServerRequest request) {
    return of(request).map(s -> "user " + s.user());
  }

  @Override
  public String refusal(HttpServerRequest request) {
    if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
      return null;
    }
    Optional<Session> s = of(request);
    String sent = request.getHeader(CSRF_HEADER);
    if (s.isEmpty() || sent == null || !same(sent, s.get().csrf())) {
      return "the CSRF token is missing or wrong: reload the dashboard page and try again";
    }
    return null;
  }

  private boolean expired(Session s) {
    Instant now = clock.instant();
    return now.isAfter(s.lastSeen().plus(IDLE)) || now.isAfter(s.started().plus(LONGEST));
  }

  static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static String cookie(HttpServerRequest request, String name) {
    Cookie c = request.getCookie(name);
    return c == null ? null : c.getValue();
  }

  static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
