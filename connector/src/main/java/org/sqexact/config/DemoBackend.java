package org.sqexact.config;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;

/**
 * The demo's sandbox as the connector sees it. The sandbox module provides it ({@code
 * META-INF/services/org.sqexact.config.DemoBackend}); the connector has no compile-time dependency
 * on that module and looks the implementation up with {@link java.util.ServiceLoader} only when the
 * demo runs ({@link DemoMode}).
 */
public interface DemoBackend {

  /**
   * Starts fakes of both APIs on {@code port} of 127.0.0.1 (0: any free port), their time driven by
   * {@code clock}, and adds the demo's controls (routes under {@code /demo}, behind the operator's
   * API token like every route) to {@code context}, which is not started yet.
   */
  Running start(CamelContext context, int port, Clock clock) throws Exception;

  /** A running sandbox: where its two APIs answer and the credentials they accept. */
  interface Running extends AutoCloseable {

    /** E.g. {@code http://127.0.0.1:54321}. */
    String address();

    URI squarespaceBaseUrl();

    String squarespaceApiKey();

    URI exactBaseUrl();

    String exactClientId();

    String exactClientSecret();

    /** The first refresh token of the sandbox's token chain (each start begins a new chain). */
    String exactRefreshToken();

    int exactDivision();

    /** The shop's store page the demo's product flow creates products on (null: none). */
    default String squarespaceStorePageId() {
      return null;
    }

    /** A new sample order arrives in the shop every {@code interval}. */
    void dripOrders(Duration interval);

    /**
     * The sandbox shop subscribes to the connector's webhook at {@code callbackUrl} (signed {@code
     * order.create}/{@code order.update} notifications, sent while the Camel context runs), so a
     * new order is booked before the next poll; the subscription's signing secret.
     */
    String subscribeShopWebhooks(String callbackUrl);

    @Override
    void close();
  }
}
