package org.sqexact.exact;

/**
 * Exact answered 401 with a fresh token, or a new access token could not be had yet. The access
 * token manager refreshes once where Exact's rules allow it; this is thrown when that did not help.
 */
public final class ExactUnauthorizedException extends ExactFunctionalException {
  public ExactUnauthorizedException(String message, String endpoint, String exactMessage) {
    super(message, endpoint, 401, exactMessage);
  }
}
