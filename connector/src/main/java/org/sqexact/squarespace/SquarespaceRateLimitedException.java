package org.sqexact.squarespace;

import java.time.Instant;

/** Squarespace answered 429: the API is paused until {@link #getUntil()}. */
public final class SquarespaceRateLimitedException extends SquarespaceException {

  private final Instant until;

  public SquarespaceRateLimitedException(String message, Instant until) {
    super(message, 429, true, null);
    this.until = until;
  }

  public Instant getUntil() {
    return until;
  }
}
