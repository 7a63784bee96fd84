package org.sqexact.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order flow's dead-letter channel with routes created from templates: the real {@code
 * routes/errors.camel.yaml} (route configuration {@code order-errors} whose dead-letter URI is the
 * template parameter {@code orderFailedUri}, and the {@code order-failed} template with its
 * default-connection instance), plus an always-failing order route per connection. Each
 * connection's failure reaches its own order-failed route and its own OrderFailures bean, never the
 * default connection's.
 */
class OrderErrorsTemplateTest {

  @TempDir Path dir;

  private CamelContext camel;
  private ProducerTemplate template;
  private final List<String> recorded = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    camel = new DefaultCamelContext();
    // the default connection's OrderFailures, under the name OrderConfiguration binds it
    camel.getRegistry().bind("orderFailures", new Recorder("default"));
    PluginHelper.getRoutesLoader(camel)
        .loadRoutes(
            ResourceHelper.resolveMandatoryResource(camel, "file:routes/errors.camel.yaml"),
            ResourceHelper.resolveMandatoryResource(
                camel, "classpath:templates/failing-order.camel.yaml"));
    // the default connection's order route, as order-sync.camel.yaml's templatedRoute creates it
    TemplatedRouteBuilder.builder(camel, "failing-order")
        .routeId("failing-order")
        .parameter("orderUri", "direct:order")
        .parameter("orderFailedUri", "direct:order-failed")
        .add();
    camel.start();
    template = camel.createProducerTemplate();
  }

  @AfterEach
  void stop() throws Exception {
    camel.close();
  }

  @Test
  void eachConnectionsFailuresReachItsOwnOrderFailures() throws Exception {
    Files.writeString(
        dir.resolve("shop-a.properties"),
        "squarespace.api-key = a\nexact.division = 101\nexact.refresh-token = RT-A\n");
    Files.writeString(
        dir.resolve("shop-b.properties"),
        "squarespace.api-key = b\nexact.division = 202\nexact.refresh-token = RT-B\n");
    TemplateConnectionRuntime runtime =
        new TemplateConnectionRuntime(
            camel,
            List.of("order-failed", "failing-order"),
            new TemplateConnectionRuntime.Wiring() {
              @Override
              public Map<String, Object> parameters(ConnectionDefinition d) {
                return Map.of(
                    "orderUri", "direct:order-" + d.id(),
                    "orderFailedUri", "direct:order-failed-" + d.id());
              }

              @Override
              public Map<String, Object> beans(ConnectionDefinition d) {
                return Map.of("orderFailures", new Recorder(d.id()));
              }
            });
    ConnectionRegistry registry = new ConnectionRegistry(runtime);
    ConnectionDefinitions definitions =
        new ConnectionDefinitions(
            dir,
            "default",
            Map.of("exact.client-id", "id", "exact.client-secret", "s")::get,
            v -> v);
    assertEquals(
        List.of("started shop-a", "started shop-b"), registry.reconcile(definitions.scan()));
    assertEquals(
        List.of("order-failed-shop-a", "failing-order-shop-a"), runtime.routeIds("shop-a"));

    template.sendBody("direct:order-shop-b", "o-b1");
    template.sendBody("direct:order", "o-1");
    template.sendBody("direct:order-shop-a", "o-a1");

    // the dead-letter channel handled each failure (the caller saw none) in its own connection
    assertEquals(
        List.of(
            "shop-b: o-b1 (no such item)",
            "default: o-1 (no such item)",
            "shop-a: o-a1 (no such item)"),
        recorded);
    registry.stopAll();
  }

  /** Stands for a connection's OrderFailures: notes which connection recorded which order. */
  public final class Recorder {
    private final String connection;

    Recorder(String connection) {
      this.connection = connection;
    }

    public void record(Exchange exchange) {
      Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
      recorded.add(
          connection
              + ": "
              + exchange.getMessage().getBody(String.class)
              + " ("
              + (e == null ? "no exception" : e.getMessage())
              + ")");
    }
  }
}
