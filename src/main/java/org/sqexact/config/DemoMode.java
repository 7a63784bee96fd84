package org.sqexact.config;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.demo.DemoSandbox;

/**
 * Without any credential, the connector runs against the built-in sandbox of both APIs: the same
 * HTTP code paths (token refresh, rate headers, paging), only the base URLs differ. It is never
 * active when a real credential is configured.
 */
final class DemoMode {

  private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);

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

  static DemoSandbox start(CamelContext context, ConnectorSettings settings, Clock clock)
      throws Exception {
    DemoSandbox sandbox = DemoSandbox.start(settings.demoPort(), clock);
    settings.useDemoSandbox(
        URI.create(sandbox.squarespaceBaseUrl()),
        DemoSandbox.API_KEY,
        URI.create(sandbox.exactBaseUrl()),
        DemoSandbox.CLIENT_ID,
        DemoSandbox.CLIENT_SECRET,
        DemoSandbox.FIRST_REFRESH_TOKEN,
        DemoSandbox.DIVISION);
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
      sandbox.shop().startDripping(Duration.ofSeconds(drip));
    }
    context.addService(
        new ServiceSupport() {
          @Override
          protected void doStop() {
            sandbox.close();
          }
        },
        true);
    context.getRegistry().bind("demoSandbox", sandbox);
    LOG.warn(
        "DEMO MODE: no credentials configured, so both APIs are the built-in sandbox at {} (a new"
            + " sample order every {} s). Set SQUARESPACE_API_KEY, EXACT_CLIENT_ID,"
            + " EXACT_CLIENT_SECRET, EXACT_REFRESH_TOKEN and EXACT_DIVISION to connect a real shop.",
        "http://127.0.0.1:" + sandbox.port(),
        drip);
    return sandbox;
  }
}
