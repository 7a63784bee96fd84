package org.sqexact.exact;

/**
 * Internal signal: Exact answered 401, the token manager now holds a newer access token, and the
 * request (which Exact did not process) is sent once more with it.
 */
public final class ExactTokenRenewedException extends ExactException {
  public ExactTokenRenewedException(String endpoint) {
    super(
        "Exact Online refused the access token on " + endpoint + "; retrying with a newer one",
        endpoint,
        401,
        null);
  }

  @Override
  public boolean isRequestNotProcessed() {
    return true;
  }
}
