package org.sqexact.exact;

/**
 * The connector can no longer get tokens from Exact Online: the refresh token was already used, has
 * expired, or none is stored. Only a person can fix it, by authorising the app again.
 */
public final class ExactReauthorizationRequiredException extends ExactException {

  /** Why re-authorisation is needed. */
  public enum Reason {
    OLD_REFRESH_TOKEN_USED,
    REFRESH_TOKEN_EXPIRED,
    NO_REFRESH_TOKEN,
    REJECTED
  }

  private final Reason reason;

  public ExactReauthorizationRequiredException(Reason reason, String message) {
    super(message, "oauth2/token", 0, null);
    this.reason = reason;
  }

  public Reason getReason() {
    return reason;
  }
}
