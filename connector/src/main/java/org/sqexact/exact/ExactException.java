package org.sqexact.exact;

/**
 * A call to Exact Online failed. Subclasses say whether it is worth retrying ({@link
 * ExactTransientException}) or not ({@link ExactFunctionalException}), and the message is written
 * for an operator: it names the endpoint and carries Exact's own error text.
 */
public abstract class ExactException extends RuntimeException {

  private final String endpoint;
  private final int httpStatus;

  protected ExactException(String message, String endpoint, int httpStatus, Throwable cause) {
    super(message, cause);
    this.endpoint = endpoint;
    this.httpStatus = httpStatus;
  }

  /** The endpoint, e.g. {@code salesorder/SalesOrders}. */
  public String getEndpoint() {
    return endpoint;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int getHttpStatus() {
    return httpStatus;
  }

  /**
   * True when Exact certainly did not process the request (the connection was refused, a 429, a
   * 401), so even a POST may be sent again.
   */
  public boolean isRequestNotProcessed() {
    return false;
  }
}
