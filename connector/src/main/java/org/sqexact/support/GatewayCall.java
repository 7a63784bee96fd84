package org.sqexact.support;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;

/**
 * How both API clients ({@code ExactApi}, {@code SquarespaceApi}) call their gateway route: one
 * request exchange whose properties describe the call; the answer is the JSON body, a failure comes
 * back as the API's own exception (not wrapped in Camel's), so callers can tell a refusal from a
 * passing failure.
 */
public final class GatewayCall {

  private GatewayCall() {}

  /**
   * Sends one call to {@code endpoint} (e.g. {@code direct:exact-call}); {@code call} sets the
   * exchange properties the gateway reads.
   */
  public static JsonNode request(
      ProducerTemplate template,
      String endpoint,
      Processor call,
      Class<? extends RuntimeException> failure) {
    Exchange ex;
    try {
      ex = template.request(endpoint, call);
    } catch (CamelExecutionException e) {
      throw unwrap(e, failure);
    }
    if (ex.getException() != null) {
      throw unwrap(ex.getException(), failure);
    }
    return ex.getMessage().getBody(JsonNode.class);
  }

  private static RuntimeException unwrap(Throwable t, Class<? extends RuntimeException> failure) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (failure.isInstance(c)) {
        return failure.cast(c);
      }
    }
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }
}
