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

  /** Exact's own error text (from {@code error.message.value}), or null. */
  public String getExactMessage() {
    return exactMessage;
  }
}
