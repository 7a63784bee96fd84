package org.sqexact.store;

/** A database operation failed; the connector cannot safely go on with that step. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
