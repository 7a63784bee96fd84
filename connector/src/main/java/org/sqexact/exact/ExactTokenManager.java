package org.sqexact.exact;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactReauthorizationRequiredException.Reason;
import org.sqexact.store.TokenStore;
import org.sqexact.store.TokenStore.Tokens;

/**
 * Hands out Exact Online access tokens and refreshes them by Exact's rules:
 *
 * <ul>
 *   <li>a new token never earlier than 570 s after the last one was issued;
 *   <li>one refresh at a time: a lock in this process, and a row lock in the database across
 *       processes, after which the stored token is read again (another process may have refreshed);
 *   <li>the rotated refresh token is committed to the store before the new access token is used;
 *   <li>a 401 leads to one refresh where allowed;
 *   <li>"Old refresh token used" and an expired refresh token are distinct, clear errors;
 *   <li>a warning when the refresh token has not been used for 25 days (Exact drops it after 30).
 * </ul>
 */
public final class ExactTokenManager {

  private static final Logger LOG = LoggerFactory.getLogger(ExactTokenManager.class);

  private record Cached(String token, Instant issuedAt, Instant expiresAt) {}

  private final TokenStore store;
  private final ExactTokenClient client;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration idleWarning;
  private final Duration keepAlive;
  private final BiConsumer<String, String> alert;
  private volatile boolean refreshFailing;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Cached cached;

  public ExactTokenManager(
      TokenStore store,
      ExactTokenClient client,
      Clock clock,
      Duration minRefreshInterval,
      Duration idleWarning,
      Duration keepAlive,
      BiConsumer<String, String> alert) {
    this.store = store;
    this.client = client;
    this.clock = clock;
    this.minRefreshInterval = minRefreshInterval;
    this.idleWarning = idleWarning;
    this.keepAlive = keepAlive;
    this.alert = alert;
  }

  /** Forgets the token held in memory: the connect wizard stored new ones (read at next use). */
  public void forgetCachedToken() {
    cached = null;
  }

  /** A valid access token, refreshed first when the current one is 570 s old or more. */
  public String accessToken() {
    Cached c = cached;
    if (c != null && usable(c, clock.instant())) {
      return c.token();
    }
    lock.lock();
    try {
      c = cached;
      if (c != null && usable(c, clock.instant())) {
        return c.token();
      }
      return refreshOrAdopt(null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Exact answered 401 to a call made with {@code rejectedToken}. Gets a newer token when Exact's
   * rules allow it.
   *
   * @return true when a newer token is now available and the call may be sent once more
   * @throws ExactUnauthorizedException when no newer token can be had yet
   */
  public boolean renewAfterUnauthorized(String rejectedToken, String endpoint) {
    lock.lock();
    try {
      Cached c = cached;
      if (c != null && !c.token().equals(rejectedToken) && usable(c, clock.instant())) {
        return true;
      }
      cached = null;
      String fresh = refreshOrAdopt(rejectedToken);
      return !fresh.equals(rejectedToken);
    } finally {
      lock.unlock();
    }
  }

  private boolean usable(Cached c, Instant now) {
    return now.isBefore(c.issuedAt().plus(minRefreshInterval)) && now.isBefore(c.expiresAt());
  }

  private String refreshOrAdopt(String rejectedToken) {
    return store.locked(
        row -> {
          Tokens t = row.read();
          Instant now = clock.instant();
          if (t == null) {
            throw new ExactReauthorizationRequiredException(
                Reason.NO_REFRESH_TOKEN, "the token store has not been prepared");
          }
          if (t.hasAccessToken() && !t.accessToken().equals(rejectedToken)) {
            Cached stored = new Cached(t.accessToken(), t.accessIssuedAt(), t.accessExpiresAt());
            if (usable(stored, now)) {
              // another process (or an earlier run) refreshed less than 570 s ago
              cached = stored;
              return stored.token();
            }
          }
          if (t.problem() != null) {
            throw new ExactReauthorizationRequiredException(Reason.REJECTED, t.problem());
          }
          if (t.refreshToken() == null) {
            throw new ExactReauthorizationRequiredException(
                Reason.NO_REFRESH_TOKEN,
                "No Exact Online refresh token is stored: connect Exact Online in the dashboard's"
                    + " connect wizard (/console/connect), or set EXACT_REFRESH_TOKEN to the"
                    + " refresh token from authorising the app.");
          }
          if (t.accessIssuedAt() != null
              && now.isBefore(t.accessIssuedAt().plus(minRefreshInterval))) {
            Instant allowed = t.accessIssuedAt().plus(minRefreshInterval);
            throw new ExactUnauthorizedException(
                "Exact Online refused an access token issued "
                    + Duration.between(t.accessIssuedAt(), now).toSeconds()
                    + " s ago, and Exact allows a new one only 570 s after the last; not refreshing"
                    + " before "
                    + allowed,
                "oauth2/token",
                null);
          }
          ExactTokenClient.TokenResponse r;
          try {
            r = client.refresh(t.refreshToken());
          } catch (ExactReauthorizationRequiredException e) {
            row.markProblem(e.getMessage());
            cached = null;
            LOG.error("{}", e.getMessage());
            alert.accept("exact-reauthorization-required", e.getMessage());
            throw e;
          } catch (RuntimeException e) {
            // the token endpoint fails for a passing cause (5xx, timeout): told once per episode
            if (!refreshFailing) {
              refreshFailing = true;
              alert.accept(
                  "exact-token-refresh-failing",
                  "Exact Online's token endpoint fails ("
                      + e.getMessage()
                      + "); no call to Exact"
                      + " can be made until a refresh succeeds, which is tried with every call");
            }
            throw e;
          }
          refreshFailing = false;
          Instant expiresAt = now.plus(r.expiresIn());
          // commit the rotated refresh token before the new access token is used
          row.write(r.refreshToken(), r.accessToken(), now, expiresAt);
          cached = new Cached(r.accessToken(), now, expiresAt);
          LOG.info(
              "Exact Online access token refreshed (valid {} s; refresh #{})",
              r.expiresIn().toSeconds(),
              t.refreshCount() + 1);
          return r.accessToken();
        });
  }

  /**
   * Housekeeping: warns when the refresh token has not been used for the warning period, and keeps
   * it alive by refreshing when it has idled longer than the keep-alive period.
   *
   * @return the age of the refresh token, or null when none is stored
   */
  public Duration checkRefreshTokenAge() {
    Tokens t = store.read();
    if (t == null || t.refreshIssuedAt() == null) {
      return null;
    }
    Instant now = clock.instant();
    Duration age = Duration.between(t.refreshIssuedAt(), now);
    if (age.compareTo(idleWarning) >= 0) {
      String message =
          "The Exact Online refresh token has not been used for "
              + age.toDays()
              + " days; Exact drops it after 30 days, after which re-authorisation is needed";
      LOG.warn(message);
      alert.accept("exact-refresh-token-idle", message);
    }
    if (age.compareTo(keepAlive) >= 0 && t.problem() == null) {
      boolean mayRefresh =
          t.accessIssuedAt() == null || !now.isBefore(t.accessIssuedAt().plus(minRefreshInterval));
      if (mayRefresh) {
        LOG.info("Refreshing the idle Exact Online refresh token ({} days old)", age.toDays());
        accessToken();
      }
    }
    return age;
  }

  /** The stored problem that needs re-authorisation, or null. */
  public String problem() {
    Tokens t = store.read();
    return t == null ? "no token store" : t.problem();
  }
}
