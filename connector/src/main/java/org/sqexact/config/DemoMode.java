package org.sqexact.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without any credential, the connector runs against the sandbox of both APIs: the same HTTP code
 * paths (token refresh, rate headers, paging), only the base URLs differ. It is never active when a
 * real credential is configured. The sandbox is a separate module, found on the class path only
 * when the demo runs ({@link DemoBackend}).
 */
final class DemoMode {

  private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);

  /** Registry name of the running sandbox ({@link DemoBackend.Running}), bound only in the demo. */
  static final String RUNNING = "demoBackend";

  /**
   * Settings that suit the sandbox's seed (key → {value in application.properties, demo value}),
   * used while the user has not changed them.
   */
  private static final Map<String, String[]> DEMO_DEFAULTS =
      Map.of(
          "orders.default-debtor.mode", new String[] {"never", "fallback"},
          "orders.default-debtor.code", new String[] {"", "WEBSHOP"},
          "orders.items.no-sku", new String[] {"NOSKU", "DIVERSEN"});

  private DemoMode() {}

  static DemoBackend.Running start(CamelContext context, ConnectorSettings settings, Clock clock)
      throws Exception {
    DemoBackend.Running sandbox = backend().start(context, settings.demoPort(), clock);
    settings.useDemoSandbox(
        sandbox.squarespaceBaseUrl(),
        sandbox.squarespaceApiKey(),
        sandbox.exactBaseUrl(),
        sandbox.exactClientId(),
        sandbox.exactClientSecret(),
        sandbox.exactRefreshToken(),
        sandbox.exactDivision());
    context.getRegistry().bind(RUNNING, sandbox);
    PropertiesComponent pc = context.getPropertiesComponent();
    DEMO_DEFAULTS.forEach(
        (key, values) -> {
          String current = pc.resolveProperty(key).orElse("").trim();
          if (current.equals(values[0])) {
            pc.addOverrideProperty(key, values[1]);
          }
        });
    int drip =
        Integer.parseInt(pc.resolveProperty("connector.demo-new-order-seconds").orElse("60"));
    if (drip > 0) {
      sandbox.dripOrders(Duration.ofSeconds(drip));
    }
    context.addService(
        new ServiceSupport() {
          @Override
          protected void doStop() {
            sandbox.close();
          }
        },
        true);
    LOG.warn(
        "DEMO MODE: no credentials configured, so both APIs are the built-in sandbox at {} (a new"
            + " sample order every {} s). Set SQUARESPACE_API_KEY, EXACT_CLIENT_ID,"
            + " EXACT_CLIENT_SECRET, EXACT_REFRESH_TOKEN and EXACT_DIVISION to connect a real shop.",
        sandbox.address(),
        drip);
    return sandbox;
  }

  /** The sandbox module's implementation; without it the demo cannot run (one line, exit 2). */
  private static DemoBackend backend() {
    return ServiceLoader.load(DemoBackend.class, DemoMode.class.getClassLoader())
        .findFirst()
        .orElseThrow(
            () ->
                new SettingsException(
                    "the demo needs the sandbox module: no credentials are configured"
                        + " (CONNECTOR_DEMO=auto) and squarespace-exact-sandbox.jar is not on the"
                        + " class path (build it with `mvn -q package -DskipTests` from the"
                        + " repository root), or set the credentials of a real shop"));
  }
}
