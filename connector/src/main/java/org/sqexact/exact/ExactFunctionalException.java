package org.sqexact.exact;

/**
 * Exact refused the request (4xx): retrying the same request cannot help; the data or the settings
 * must change. The message carries Exact's own text.
 */
public class ExactFunctionalException extends ExactException {

  private final String exactMessage;

  public ExactFunctionalException(
      String message, String endpoint, int httpStatus, String exactMessage) {
    super(message, endpoint, httpStatus, null);
    this.exactMessage = exactMessage;
  }

  /**
   * Whether Exact refused the request for what it contains (400, 403, 404, 405, 409, 422 …): the
   * same request cannot succeed unchanged, so an order is parked at once instead of retried, and no
   * further client errors count against the endpoint's hourly limit (Exact blocks the key after
   * ten; notes §2, §9.4). Not a refusal: 401 (token), 408 (timeout), 429 (rate limit) and a call
   * the connector held back itself ({@link ExactBudgetException}).
   */
  public boolean isRefusal() {
    int status = getHttpStatus();
    return status >= 400
        && status < 500
        && status != 401
        && status != 408
        && status != 429
        && !(this instanceof ExactBudgetException)
        && !(this instanceof ExactUnauthorizedException);
  }

  /** Exact's own error text (from {@code error.message.value}), or null. */
  public String getExactMessage() {
    return exactMessage;
  }
}
