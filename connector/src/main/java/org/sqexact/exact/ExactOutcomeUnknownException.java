package org.sqexact.exact;

/**
 * A write whose response was lost (timeout or reset after the request was sent, or a 5xx): Exact
 * may or may not have committed it. It is never sent again blindly; the order flow first asks Exact
 * whether the document exists.
 */
public final class ExactOutcomeUnknownException extends ExactTransientException {
  public ExactOutcomeUnknownException(
      String message, String endpoint, int httpStatus, Throwable cause) {
    super(message, endpoint, httpStatus, false, cause);
  }
}
