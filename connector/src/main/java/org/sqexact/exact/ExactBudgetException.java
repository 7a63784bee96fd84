package org.sqexact.exact;

import java.time.Instant;

/**
 * The rate governor refused a call before it was made: the client-error budget of an endpoint is
 * nearly spent (Exact would block the API key for an hour), or the rest of the daily budget is kept
 * for orders. Nothing was sent.
 */
public final class ExactBudgetException extends ExactFunctionalException {

  private final Instant until;

  public ExactBudgetException(String message, String endpoint, Instant until) {
    super(message, endpoint, 0, null);
    this.until = until;
  }

  /** When calls are allowed again. */
  public Instant getUntil() {
    return until;
  }

  @Override
  public boolean isRequestNotProcessed() {
    return true;
  }
}
