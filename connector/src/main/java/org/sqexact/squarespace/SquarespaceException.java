package org.sqexact.squarespace;

/** A call to Squarespace failed; the message names the call and Squarespace's own text. */
public class SquarespaceException extends RuntimeException {

  private final int httpStatus;
  private final boolean transientFailure;

  public SquarespaceException(
      String message, int httpStatus, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.transientFailure = transientFailure;
  }

  public int getHttpStatus() {
    return httpStatus;
  }

  /** True for 429, 5xx, timeouts and connection failures: worth trying again later. */
  public boolean isTransient() {
    return transientFailure;
  }
}
