package org.sqexact.ops;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The platform-http consumers' header filter: no request header and no query parameter becomes a
 * Camel header (a header named like a path parameter, {@code order: 1042}, must not change which
 * order a call acts on); the routes read path parameters and {@code CamelHttpRawQuery} only. The
 * exceptions are the operator's name, which {@link OperatorAccess} sets itself, and the signature
 * of a Squarespace webhook. Going out, only the response's own headers are written: nothing from
 * the request is echoed.
 */
public final class OperatorHeaderFilter implements HeaderFilterStrategy {

  private static final Set<String> OUT =
      Set.of("content-type", "cache-control", "retry-after", "location");

  @Override
  public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
    return !OUT.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Request headers that reach the routes: the operator's name, and the signature of a Squarespace
   * notification (read only by the webhook route, which checks it against the raw body).
   */
  private static final Set<String> IN =
      Set.of(OperatorAccess.OPERATOR_HEADER.toLowerCase(Locale.ROOT), "squarespace-signature");

  @Override
  public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
    return !IN.contains(name.toLowerCase(Locale.ROOT));
  }
}
