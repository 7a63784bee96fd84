package org.sqexact.exact;

/** A passing failure (5xx, timeout, connection reset, 429): the call may succeed later. */
public class ExactTransientException extends ExactException {

  private final boolean requestNotProcessed;

  public ExactTransientException(
      String message,
      String endpoint,
      int httpStatus,
      boolean requestNotProcessed,
      Throwable cause) {
    super(message, endpoint, httpStatus, cause);
    this.requestNotProcessed = requestNotProcessed;
  }

  @Override
  public boolean isRequestNotProcessed() {
    return requestNotProcessed;
  }
}
