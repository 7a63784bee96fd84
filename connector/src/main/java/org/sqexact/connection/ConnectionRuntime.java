package org.sqexact.connection;

/** Starts and stops what serves one connection (its routes and beans). */
public interface ConnectionRuntime {

  /**
   * Starts the connection; on failure leaves nothing of it running and throws, naming the reason.
   */
  void start(ConnectionDefinition definition) throws Exception;

  /** Stops the connection's routes (in-flight exchanges finish) and drops its beans. */
  void stop(String id) throws Exception;
}
