package org.sqexact.connection;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.connection.ConnectionRegistry.Status;

/**
 * Connections defined by files, started as routes from a YAML route template with each connection's
 * own beans, added, changed and removed while Camel runs; one connection's trouble does not stall
 * or stop another.
 */
class ConnectionRegistryTest {

  private static final Map<String, String> PROCESS =
      Map.of("exact.client-id", "app-id", "exact.client-secret", "app-secret");

  @TempDir Path dir;

  private CamelContext camel;
  private ProducerTemplate template;
  private ConnectionDefinitions definitions;
  private TemplateConnectionRuntime runtime;
  private ConnectionRegistry registry;

  /** What each connection's booker saw: connection id → results, in order. */
  private final Map<String, List<String>> booked = new ConcurrentHashMap<>();

  /** The bookers created, by connection id (a restarted connection gets a new one). */
  private final Map<String, Booker> bookers = new ConcurrentHashMap<>();

  private final List<String> released = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    camel = new DefaultCamelContext();
    PluginHelper.getRoutesLoader(camel)
        .loadRoutes(
            ResourceHelper.resolveMandatoryResource(
                camel, "classpath:templates/connection-probe.camel.yaml"));
    camel.start();
    template = camel.createProducerTemplate();
    definitions = new ConnectionDefinitions(dir, "default", PROCESS::get, v -> v);
    runtime =
        new TemplateConnectionRuntime(
            camel,
            List.of("connection-probe"),
            new TemplateConnectionRuntime.Wiring() {
              @Override
              public Map<String, Object> parameters(ConnectionDefinition d) {
                return Map.of("label", "division-" + d.properties().get("exact.division"));
              }

              @Override
              public Map<String, Object> beans(ConnectionDefinition d) {
                Booker booker = new Booker(d.id());
                bookers.put(d.id(), booker);
                return Map.of(
                    "orderEligibility", new Eligibility(),
                    "orderIdempotentRepository", new MemoryIdempotentRepository(),
                    "documentBooker", booker,
                    "documentLineAggregator", new Joining(d.id()));
              }

              @Override
              public void release(String id) {
                released.add(id);
              }
            });
    registry = new ConnectionRegistry(runtime);
  }

  @AfterEach
  void stop() throws Exception {
    bookers.values().forEach(b -> b.gate.countDown());
    registry.stopAll();
    camel.close();
  }

  @Test
  void eachConnectionRunsItsOwnRoutesWithItsOwnBeans() throws Exception {
    write("shop-a", 101);
    write("shop-b", 202);

    assertEquals(
        List.of("started shop-a", "started shop-b"), registry.reconcile(definitions.scan()));
    assertEquals(List.of("connection-probe-shop-a"), runtime.routeIds("shop-a"));
    assertEquals(
        ServiceStatus.Started,
        camel.getRouteController().getRouteStatus("connection-probe-shop-b"));

    template.sendBody("seda:probe-shop-a", "1001");
    template.sendBody("seda:probe-shop-b", "1001"); // the same order id in another shop
    template.sendBody("seda:probe-shop-a", "1001"); // a's repository has it: skipped
    template.sendBody("seda:probe-shop-a", "test-1"); // a's eligibility filter drops it
    template.sendBody("seda:probe-shop-a", "1002");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              // each result went through that connection's booker, aggregator and parameters
              assertEquals(
                  List.of(
                      "shop-a[division-101/1001#1,division-101/1001#2]",
                      "shop-a[division-101/1002#1,division-101/1002#2]"),
                  booked.get("shop-a"));
              assertEquals(
                  List.of("shop-b[division-202/1001#1,division-202/1001#2]"), booked.get("shop-b"));
            });
  }

  @Test
  void aStuckConnectionDoesNotStallAnother() throws Exception {
    write("shop-a", 101);
    write("shop-b", 202);
    registry.reconcile(definitions.scan());
    bookers.get("shop-a").gate = new CountDownLatch(1); // shop a's Exact never answers

    template.sendBody("seda:probe-shop-a", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> bookers.get("shop-a").entered.get() == 1);
    template.sendBody("seda:probe-shop-b", "2");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertEquals(
                    List.of("shop-b[division-202/2#1,division-202/2#2]"), booked.get("shop-b")));
    assertFalse(booked.containsKey("shop-a"));

    bookers.get("shop-a").gate.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertEquals(1, booked.getOrDefault("shop-a", List.of()).size()));
  }

  @Test
  void aConnectionAddedChangedAndRemovedAtRunTime() throws Exception {
    write("shop-a", 101);
    registry.reconcile(definitions.scan());

    write("shop-b", 202); // added while running
    assertEquals(List.of("started shop-b"), registry.reconcile(definitions.scan()));
    assertEquals(
        List.of(), registry.reconcile(definitions.scan())); // nothing changed: nothing done

    write("shop-b", 203); // changed: restarted with the new settings and new beans
    Booker before = bookers.get("shop-b");
    assertEquals(List.of("restarted shop-b"), registry.reconcile(definitions.scan()));
    assertNotSame(before, bookers.get("shop-b"));
    template.sendBody("seda:probe-shop-b", "7");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertEquals(
                    List.of("shop-b[division-203/7#1,division-203/7#2]"), booked.get("shop-b")));

    Files.delete(dir.resolve("shop-b.properties")); // removed: its routes stop and go
    assertEquals(List.of("removed shop-b"), registry.reconcile(definitions.scan()));
    assertNull(camel.getRoute("connection-probe-shop-b"));
    assertEquals(List.of("shop-b", "shop-b"), released);
    assertEquals(
        ServiceStatus.Started,
        camel.getRouteController().getRouteStatus("connection-probe-shop-a"));
    assertEquals(List.of("shop-a"), registry.statuses().stream().map(Status::id).toList());
  }

  @Test
  void aBadFileIsRefusedNamingFileAndKeyAndARunningConnectionKeepsRunning() throws Exception {
    write("shop-a", 101);
    registry.reconcile(definitions.scan());

    Files.writeString(dir.resolve("shop-c.properties"), "squarespace.api-key = key-c\n");
    Files.writeString(
        dir.resolve("shop-a.properties"),
        "squarespace.api-key = key-a\nexact.division = 101\nexact.refresh-token = r\n"
            + "connector.db-url = jdbc:h2:mem:x\n");
    Files.writeString(dir.resolve("notes.txt"), "not a connection");
    Files.writeString(dir.resolve("default.properties"), "exact.division = 5\n");

    assertEquals(
        List.of("refused default", "kept shop-a", "refused shop-c"),
        registry.reconcile(definitions.scan()));
    assertEquals(
        List.of(
            "shop-a RUNNING connections/shop-a.properties: connector.db-url is a setting of the"
                + " whole connector, not of one connection",
            "default FAILED connections/default.properties: connection 'default' is the one"
                + " application.properties defines (connector.connection-id); rename the file",
            "shop-c FAILED connections/shop-c.properties: exact.division must be set (each"
                + " connection has its own shop and division)"),
        registry.statuses().stream()
            .map(x -> x.id() + " " + x.state() + " " + x.problem())
            .toList());
    assertEquals(
        ServiceStatus.Started,
        camel.getRouteController().getRouteStatus("connection-probe-shop-a"));
    assertNull(camel.getRoute("connection-probe-shop-c"));
  }

  @Test
  void aConnectionNeverInheritsTheShopDivisionOrTokenOfTheProcess() {
    ConnectionDefinition d =
        new ConnectionDefinition(
            "x", dir.resolve("x.properties"), Map.of("exact.division", "9"), "f");
    Map<String, String> process =
        Map.of("exact.client-id", "app", "squarespace.api-key", "k", "exact.refresh-token", "t");
    assertEquals("app", d.lookup(process::get).apply("exact.client-id"));
    assertEquals("9", d.lookup(process::get).apply("exact.division"));
    assertNull(d.lookup(process::get).apply("squarespace.api-key"));
    assertNull(d.lookup(process::get).apply("exact.refresh-token"));
  }

  private void write(String id, int division) throws Exception {
    Files.writeString(
        dir.resolve(id + ".properties"),
        "squarespace.api-key = key-"
            + id
            + "\nexact.division = "
            + division
            + "\nexact.refresh-token = refresh-"
            + id
            + "\n");
  }

  /** Drops test orders. */
  public static final class Eligibility {
    public boolean isEligible(String orderId) {
      return !orderId.startsWith("test");
    }
  }

  /** Books into one connection: two lines per order; may be held to play a stuck Exact. */
  public final class Booker {
    private final String connection;
    volatile CountDownLatch gate = new CountDownLatch(0);
    final java.util.concurrent.atomic.AtomicInteger entered =
        new java.util.concurrent.atomic.AtomicInteger();

    Booker(String connection) {
      this.connection = connection;
    }

    public List<String> book(String orderId) throws InterruptedException {
      entered.incrementAndGet();
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("held too long");
      }
      return List.of(orderId + "#1", orderId + "#2");
    }

    public void booked(String result) {
      booked.computeIfAbsent(connection, k -> new CopyOnWriteArrayList<>()).add(result);
    }
  }

  /** Joins the split's results under its connection's name. */
  static final class Joining implements AggregationStrategy {
    private final String connection;

    Joining(String connection) {
      this.connection = connection;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
      String line = newExchange.getIn().getBody(String.class);
      if (oldExchange == null) {
        newExchange.getIn().setBody(connection + "[" + line + "]");
        return newExchange;
      }
      String so = oldExchange.getIn().getBody(String.class);
      oldExchange.getIn().setBody(so.substring(0, so.length() - 1) + "," + line + "]");
      return oldExchange;
    }
  }
}
