package org.sqexact.squarespace;

/** A call to Squarespace failed; the message names the call and Squarespace's own text. */
public class SquarespaceException extends RuntimeException {

  private final int httpStatus;
  private final boolean transientFailure;
  private volatile String errorSubtype;

  public SquarespaceException(
      String message, int httpStatus, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.transientFailure = transientFailure;
  }

  public int getHttpStatus() {
    return httpStatus;
  }

  /**
   * Squarespace's error {@code subtype} (e.g. {@code CONCURRENT_MODIFICATION}, {@code
   * STOCK_NOT_TRACKED}), or null; 409 answers are handled by it.
   */
  public String getErrorSubtype() {
    return errorSubtype;
  }

  /** Records Squarespace's error subtype; returns this exception. */
  public SquarespaceException withErrorSubtype(String subtype) {
    this.errorSubtype = subtype == null || subtype.isBlank() ? null : subtype;
    return this;
  }

  /** True for 429, 5xx, timeouts and connection failures: worth trying again later. */
  public boolean isTransient() {
    return transientFailure;
  }
}
