package org.sqexact.squarespace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.support.Sleeper;

/**
 * After a 429, Squarespace wants a one-minute cool-down: no call to its API until it has passed.
 */
public final class SquarespacePause {

  private static final Logger LOG = LoggerFactory.getLogger(SquarespacePause.class);

  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pause;
  private final Duration maxWait;
  private Instant pausedUntil;

  public SquarespacePause(Clock clock, Sleeper sleeper, Duration pause, Duration maxWait) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.pause = pause;
    this.maxWait = maxWait;
  }

  /** Pauses the API (after a 429). */
  public synchronized Instant pause() {
    pausedUntil = clock.instant().plus(pause);
    LOG.warn("Squarespace answered 429: no calls to its API until {}", pausedUntil);
    return pausedUntil;
  }

  public synchronized Instant pausedUntil() {
    return pausedUntil != null && clock.instant().isBefore(pausedUntil) ? pausedUntil : null;
  }

  /** Waits while the API is paused; refuses when the wait would exceed the longest wait. */
  public void awaitClear() {
    Instant until = pausedUntil();
    if (until == null) {
      return;
    }
    Duration wait = Duration.between(clock.instant(), until);
    if (wait.compareTo(maxWait) > 0) {
      throw new SquarespaceRateLimitedException(
          "Squarespace's API is paused after a 429 until " + until, until);
    }
    LOG.info("Squarespace API paused: waiting {} ms", wait.toMillis());
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SquarespaceRateLimitedException("interrupted while Squarespace is paused", until);
    }
  }
}
