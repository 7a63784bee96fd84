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
import org.sqexact.support.Sleeper;

/**
 * Hands out Exact Online access tokens and refreshes them by Exact's rules:
 *
 * <ul>
 *   <li>a new token never earlier than 570 s after the last one was issued;
 *   <li>one refresh at a time: a lock in this process, and a row lock in the database across
 *       processes, after which the stored token is read again (another process may have refreshed);
 *   <li>the rotated refresh token is committed to the store before the new access token is used;
 *   <li>a 401 with a token thought valid (a paused container, a token revoked on Exact's side)
 *       marks that token dead: no further call is made with it, and one refresh is made at once,
 *       shared by all callers; if Exact answers that it is too early ({@code
 *       TooEarlyToRefreshTokens}, notes §1.2), calls pause until the time it allows;
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
  private final Sleeper sleeper;
  private final Duration maxWait;
  private volatile boolean refreshFailing;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Cached cached;
  // a token Exact rejected: never handed out again (guarded by lock)
  private String deadToken;
  // the token got by refreshing at once after a rejection: if Exact rejects it too, the cause is
  // not the token's age, and no second early refresh is made (guarded by lock)
  private String earlyToken;
  // no call to Exact (and no refresh) before this instant (guarded by lock)
  private Instant pausedUntil;

  /** When Exact says "too early" but the last issue time we know allows a refresh already. */
  static final Duration TOO_EARLY_FALLBACK = Duration.ofSeconds(60);

  public ExactTokenManager(
      TokenStore store,
      ExactTokenClient client,
      Clock clock,
      Duration minRefreshInterval,
      Duration idleWarning,
      Duration keepAlive,
      BiConsumer<String, String> alert,
      Sleeper sleeper,
      Duration maxWait) {
    this.sleeper = sleeper;
    this.maxWait = maxWait;
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

  /**
   * A valid access token, refreshed first when the current one is 570 s old or more, or dead. While
   * calls are paused (Exact said a refresh is too early) this waits for the pause when it is short
   * (at most {@code exact.rate.max-wait}) and otherwise throws {@link ExactRateLimitedException}
   * with the time calls may resume.
   */
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
      return refreshAfterPause(deadToken, deadToken != null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Exact answered 401 to a call made with {@code rejectedToken}. That token is dead from now on:
   * no call is made with it again. The first caller refreshes at once (Exact's 570 s rule is about
   * tokens it still honours; this one it refused); the others, waiting on the lock, take the new
   * token.
   *
   * @return true when a newer token is now available and the call may be sent once more
   * @throws ExactUnauthorizedException when a token refreshed at once after a rejection is rejected
   *     too (the cause is then not the token; no second early refresh)
   * @throws ExactRateLimitedException when Exact says the refresh is too early and the pause is
   *     longer than the connector waits in a call
   */
  public boolean renewAfterUnauthorized(String rejectedToken, String endpoint) {
    lock.lock();
    try {
      Cached c = cached;
      if (c != null && !c.token().equals(rejectedToken) && usable(c, clock.instant())) {
        return true; // another caller already replaced it
      }
      cached = null;
      if (!rejectedToken.equals(deadToken)) {
        deadToken = rejectedToken;
        LOG.warn(
            "Exact Online rejected the access token on {} before its time; it is not used again"
                + " and a new one is requested at once",
            endpoint);
      }
      if (rejectedToken.equals(earlyToken)) {
        Tokens t = store.read();
        Instant allowed =
            t == null || t.accessIssuedAt() == null
                ? clock.instant().plus(minRefreshInterval)
                : t.accessIssuedAt().plus(minRefreshInterval);
        pauseUntil(allowed);
        throw new ExactUnauthorizedException(
            "Exact Online rejected on "
                + endpoint
                + " an access token it had just issued after rejecting the previous one; the"
                + " token is not the cause (check the app's rights in Exact). No call to Exact"
                + " before "
                + allowed,
            endpoint,
            null);
      }
      String fresh = refreshAfterPause(rejectedToken, true);
      return !fresh.equals(rejectedToken);
    } finally {
      lock.unlock();
    }
  }

  /** The instant before which no call to Exact is made (Exact said too early), or null. */
  public Instant pausedUntil() {
    lock.lock();
    try {
      return pausedUntil != null && clock.instant().isBefore(pausedUntil) ? pausedUntil : null;
    } finally {
      lock.unlock();
    }
  }

  /** Waits out a pause, then refreshes (or adopts a token another process got); holds the lock. */
  private String refreshAfterPause(String rejectedToken, boolean early) {
    awaitPause();
    try {
      String fresh = refreshOrAdopt(rejectedToken, early);
      if (early && !fresh.equals(rejectedToken)) {
        earlyToken = fresh;
      }
      return fresh;
    } catch (ExactRateLimitedException tooEarly) {
      // TooEarlyToRefreshTokens: Exact counts 570 s from the last token it issued (notes §1.2)
      Tokens t = store.read();
      Instant now = clock.instant();
      Instant allowed =
          t == null || t.accessIssuedAt() == null
              ? null
              : t.accessIssuedAt().plus(minRefreshInterval);
      if (allowed == null || !allowed.isAfter(now)) {
        // what we know says a refresh is allowed, Exact says not yet: ask again a little later
        allowed = now.plus(TOO_EARLY_FALLBACK);
      }
      pauseUntil(allowed);
      awaitPause();
      return refreshOrAdopt(rejectedToken, false);
    }
  }

  private void pauseUntil(Instant until) {
    pausedUntil = until;
    LOG.warn("No calls to Exact Online until {}: Exact allows no new access token before", until);
  }

  /** Sleeps through a short pause; a long one is the caller's to wait for (retry later). */
  private void awaitPause() {
    if (pausedUntil == null) {
      return;
    }
    Duration wait = Duration.between(clock.instant(), pausedUntil);
    if (wait.isNegative() || wait.isZero()) {
      pausedUntil = null;
      return;
    }
    if (wait.compareTo(maxWait) > 0) {
      throw new ExactRateLimitedException(
          "Exact Online allows no new access token before "
              + pausedUntil
              + " (the last was rejected early); calls resume then",
          "oauth2/token",
          0,
          pausedUntil);
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExactRateLimitedException(
          "interrupted while waiting to refresh the Exact Online token",
          "oauth2/token",
          0,
          pausedUntil);
    }
    pausedUntil = null;
  }

  private boolean usable(Cached c, Instant now) {
    return now.isBefore(c.issuedAt().plus(minRefreshInterval)) && now.isBefore(c.expiresAt());
  }

  /**
   * @param early the stored token was rejected by Exact: refresh without waiting for the 570 s
   */
  private String refreshOrAdopt(String rejectedToken, boolean early) {
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
          if (!early
              && t.accessIssuedAt() != null
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
          } catch (ExactRateLimitedException e) {
            throw e; // too early: the caller pauses; the endpoint itself works
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
          deadToken = null;
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
          pausedUntil() == null
              && (t.accessIssuedAt() == null
                  || !now.isBefore(t.accessIssuedAt().plus(minRefreshInterval)));
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
