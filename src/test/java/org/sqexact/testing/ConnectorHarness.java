package org.sqexact.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.sqexact.ConnectorApplication;
import org.sqexact.config.ConnectorConfiguration;

/**
 * Starts the connector exactly as production does (Camel Main, the YAML routes under routes/, the
 * beans of ConnectorConfiguration), with test settings: an in-memory H2 database, a free HTTP port,
 * a fixed secret key, and the APIs pointed at WireMock. With a {@link TestClock} the connector's
 * time is the test's: it moves only when the test or a wait of the connector moves it.
 */
public final class ConnectorHarness implements AutoCloseable {

  public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  private final Main main;
  private final Map<String, String> properties;

  private ConnectorHarness(Main main, Map<String, String> properties) {
    this.main = main;
    this.properties = properties;
  }

  /** Settings for a connector talking to the given base URLs, on a fresh in-memory database. */
  public static Map<String, String> settings(String squarespaceUrl, String exactUrl) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("connector.db-url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    p.put("connector.data-dir", "target/test-data/" + UUID.randomUUID());
    p.put("connector.secret-key", SECRET_KEY);
    p.put("connector.http-port", Integer.toString(freePort()));
    p.put("connector.demo", "off");
    p.put("squarespace.api-url", squarespaceUrl);
    p.put("squarespace.api-key", "test-squarespace-key");
    p.put("exact.base-url", exactUrl);
    p.put("exact.client-id", "test-client");
    p.put("exact.client-secret", "test-secret");
    p.put("exact.refresh-token", "RT1");
    p.put("exact.division", "123456");
    p.put("exact.retry.initial-delay-ms", "50");
    p.put("exact.retry.max-delay-ms", "200");
    p.put("sync.auto-start", "false");
    p.put("connector.startup-checks", "false");
    return p;
  }

  public static ConnectorHarness start(Map<String, String> properties, TestClock clock) {
    Main main = ConnectorApplication.newMain();
    if (clock != null) {
      main.bind(ConnectorConfiguration.CLOCK, clock);
      main.bind(ConnectorConfiguration.SLEEPER, clock); // waits move the test clock
    }
    Properties p = new Properties();
    p.putAll(properties);
    main.setOverrideProperties(p);
    try {
      main.start();
    } catch (RuntimeException e) {
      try {
        main.stop();
      } catch (RuntimeException ignored) {
        // the start failure is what matters
      }
      throw e;
    }
    return new ConnectorHarness(main, properties);
  }

  public CamelContext context() {
    return main.getCamelContext();
  }

  public <T> T bean(String name, Class<T> type) {
    T bean = context().getRegistry().lookupByNameAndType(name, type);
    if (bean == null) {
      throw new IllegalStateException("no bean " + name);
    }
    return bean;
  }

  public ProducerTemplate template() {
    return context().createProducerTemplate();
  }

  public Map<String, String> properties() {
    return properties;
  }

  public String baseUrl() {
    return "http://localhost:" + properties.get("connector.http-port");
  }

  @Override
  public void close() {
    main.stop();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
