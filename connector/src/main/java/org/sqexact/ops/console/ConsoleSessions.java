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
import java.util.Optional;
import java.util.function.Predicate;
import org.sqexact.ops.OperatorAccess;
import org.sqexact.store.SecretBox;
import org.sqexact.store.SessionStore;

/**
 * Logged-in operators of the dashboard: a random session id in an HttpOnly cookie, a CSRF token per
 * session that every request changing something must carry ({@code X-CSRF-Token}). Sessions are
 * kept in the database by the SHA-256 of their id ({@link SessionStore}), so a restart does not log
 * anyone out; the CSRF token is derived from the id (a hash, so the page script's copy reveals
 * nothing of the cookie). A session ends after {@link #IDLE} without a request, {@link #LONGEST}
 * after the login, at the logout, or when its operator is no longer in CONNECTOR_USERS.
 */
public final class ConsoleSessions implements OperatorAccess.Authenticator {

  public static final String COOKIE = "sqexact_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final Duration IDLE = Duration.ofHours(1);
  static final Duration LONGEST = Duration.ofHours(12);

  /** One logged-in operator. */
  public record Session(String user, String csrf, Instant started, Instant lastSeen) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** How often a session's last request is written down (not at every request). */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final SessionStore store;
  private final Predicate<String> userExists;
  private final Clock clock;

  public ConsoleSessions(SessionStore store, Predicate<String> userExists, Clock clock) {
    this.store = store;
    this.userExists = userExists;
    this.clock = clock;
  }

  /** Starts a session; returns its id (the cookie's value). */
  public String start(String user) {
    Instant now = clock.instant();
    store.purge(now.minus(IDLE), now.minus(LONGEST));
    String id = randomToken();
    store.insert(SecretBox.sha256(id), user, now);
    return id;
  }

  public void end(String id) {
    if (id != null) {
      store.delete(SecretBox.sha256(id));
    }
  }

  /** The request's session, when it has a live one (and keeps it alive). */
  public Optional<Session> of(HttpServerRequest request) {
    String id = cookie(request, COOKIE);
    if (id == null) {
      return Optional.empty();
    }
    String hash = SecretBox.sha256(id);
    Optional<SessionStore.Row> row = store.find(hash);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Session s =
        new Session(row.get().user(), csrfOf(id), row.get().started(), row.get().lastSeen());
    if (expired(s) || !userExists.test(s.user())) {
      store.delete(hash);
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(s.lastSeen().plus(TOUCH_EVERY))) {
      store.touch(hash, now);
    }
    return Optional.of(new Session(s.user(), s.csrf(), s.started(), now));
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

  /** The session's CSRF token: derived from its id, so nothing more needs keeping. */
  private static String csrfOf(String id) {
    return SecretBox.sha256("csrf:" + id);
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
