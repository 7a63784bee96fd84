package org.sqexact.exact;

import java.time.Instant;

/**
 * Exact answered 429, or the budget is spent until {@link #getRetryAt()}. The request was not
 * processed. The rate governor waits for the reset before the next call: no blind retry.
 */
public final class ExactRateLimitedException extends ExactTransientException {

  private final Instant retryAt;

  public ExactRateLimitedException(String message, String endpoint, int status, Instant retryAt) {
    super(message, endpoint, status, true, null);
    this.retryAt = retryAt;
  }

  public Instant getRetryAt() {
    return retryAt;
  }
}
