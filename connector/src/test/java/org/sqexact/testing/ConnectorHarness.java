package org.sqexact.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * a fixed secret key and API token, and the APIs pointed at WireMock. {@link #call} talks to the
 * operator API over real HTTP with the token. With a {@link TestClock} the connector's time is the
 * test's: it moves only when the test or a wait of the connector moves it.
 */
public final class ConnectorHarness implements AutoCloseable {

  public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  /** The operator API token of connectors started with {@link #settings}. */
  public static final String API_TOKEN = "test-api-token-0123456789abcdef";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    p.put("connector.data-dir", "connector/target/test-data/" + UUID.randomUUID());
    p.put("connector.secret-key", SECRET_KEY);
    p.put("connector.api-token", API_TOKEN);
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

  /**
   * The operator API token: the configured one, or the one the connector generated in its data
   * directory (the demo).
   */
  public String apiToken() {
    String configured = properties.get("connector.api-token");
    if (configured != null) {
      return configured;
    }
    try {
      return Files.readString(
              Path.of(properties.getOrDefault("connector.data-dir", "./data"), "api.token"))
          .trim();
    } catch (IOException e) {
      throw new IllegalStateException("no API token in the data directory", e);
    }
  }

  /** A request to the connector's port with the API token, as an operator sends it. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .header("Authorization", "Bearer " + apiToken());
  }

  /**
   * Calls the operator API with the token over real HTTP; POSTs carry an empty JSON body as the API
   * asks.
   */
  public HttpResponse<String> call(String method, String path) {
    HttpRequest.Builder b = request(path);
    if (method.equals("GET")) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString("{}"));
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
