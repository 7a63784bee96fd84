package org.sqexact.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/**
 * The scale benchmark for what exists today: ONE connection per process (one Squarespace site ↔ one
 * Exact division). The connector runs as production runs it, a separate process started with {@code
 * java -jar connector/target/squarespace-exact-connector.jar} (its {@code lib/} beside it),
 * configured by environment variables, on its embedded H2 database, against the sandbox in this JVM
 * over real HTTP, with Exact's real limits enforced by the sandbox: 60 calls a minute and 5,000 a
 * day per division, in fixed clock minutes, resets in the {@code X-RateLimit-*} headers.
 *
 * <p>200 orders (60 % from customers Exact already has, 40 SKUs, 3 lines each) wait in the shop
 * before the process starts; the connector polls every 5 s. The benchmark measures:
 *
 * <ul>
 *   <li>start-up to ready: from starting the process until {@code /observe/health/ready} answers UP
 *       (the readiness probe's path, README "Health, metrics, monitoring");
 *   <li>orders per minute at Exact's limit: the orders booked in the first whole clock minute (the
 *       sandbox's rate window) after ready, against the ceiling the limit allows, 60 ÷ calls per
 *       order; then the limits are lifted so the remaining orders (and the run) finish quickly
 *       ("scaled down in time": the sandbox counts real minutes, so one whole minute at the real
 *       limit is kept and the rest of the 200 orders runs unthrottled);
 *   <li>calls per order (division calls after ready ÷ orders booked after ready);
 *   <li>peak resident memory of the process ({@code VmHWM} in {@code /proc/<pid>/status}, Linux)
 *       and the JVM heap used (Jolokia, {@code java.lang:type=Memory}), after the 200 orders;
 *   <li>CPU time per order (the process's user + system CPU time after ready ÷ orders).
 * </ul>
 *
 * <p>Stock and fulfilment syncs are off so every Exact call is the order flow's
 * (StockCallsBenchmark counts the stock sync's). Only counts are asserted: every order booked
 * exactly once, no order parked; timings and memory are printed, never asserted (README "Figures").
 * Many connections in one process are not built yet: the 50-connection figure waits for them.
 *
 * <p>Runs with {@code mvn -B verify} after the connector module is packaged (Surefire includes
 * {@code *Benchmark}); alone: {@code mvn -o verify -Djacoco.skip=true
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ScaleBenchmark}. Without the packaged jar (e.g.
 * {@code mvn test}) it starts {@code org.sqexact.ConnectorApplication} from the test class path and
 * says so. The process's log: {@code sandbox/target/scale-benchmark/connector.log}.
 */
class ScaleBenchmark {

  private static final int ORDERS = 200;
  private static final int SKUS = 40;
  private static final int LINES = 3;
  private static final double RETURNING = 0.60;
  private static final int KNOWN_CUSTOMERS = 60;
  private static final int FIRST_NUMBER = 50_001;

  /** Exact's limits per division (shared/notes; the sandbox's defaults). */
  private static final int MINUTELY_LIMIT = 60;

  private static final int DAILY_LIMIT = 5_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneConnectionTwoHundredOrders() throws Exception {
    Path root = Path.of("").toAbsolutePath(); // Surefire runs every module in the repository root
    assertTrue(Files.isDirectory(root.resolve("routes")), "not the repository root: " + root);
    Path work = root.resolve("sandbox/target/scale-benchmark");
    Files.createDirectories(work);
    Path log = work.resolve("connector.log");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    try (DemoSandbox sandbox = DemoSandbox.start(0)) {
      ExactDivision exact = sandbox.exact();
      exact.rateLimits(MINUTELY_LIMIT, DAILY_LIMIT);
      Instant since = Instant.now().minusSeconds(1);
      List<String> numbers = addOrders(sandbox);

      int port = freePort();
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("connector.data-dir", work.resolve("data-" + UUID.randomUUID()).toString());
      settings.put("connector.secret-key", ConnectorHarness.SECRET_KEY);
      settings.put("connector.api-token", ConnectorHarness.API_TOKEN);
      settings.put("connector.http-port", Integer.toString(port));
      settings.put("connector.demo", "off");
      settings.put("squarespace.api-url", sandbox.squarespaceBaseUrl());
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      settings.put("exact.base-url", sandbox.exactBaseUrl());
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("orders.items.no-sku", "DIVERSEN"); // the sandbox's item for lines without SKU
      settings.put("sync.orders-since", since.toString());
      settings.put("sync.poll-interval", "5");
      settings.put("stock.enabled", "false");
      settings.put("fulfilment.enabled", "false");

      Path jar = root.resolve("connector/target/squarespace-exact-connector.jar");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String how;
      if (Files.isRegularFile(jar) && Files.isDirectory(jar.resolveSibling("lib"))) {
        command.add("-jar");
        command.add(jar.toString());
        how = "java -jar connector/target/squarespace-exact-connector.jar";
      } else {
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.sqexact.ConnectorApplication");
        how = "java -cp <test class path> org.sqexact.ConnectorApplication (no packaged jar)";
      }
      ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("EXACT_"));
      settings.forEach(
          (k, v) ->
              pb.environment()
                  .put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
      exact.clearRequestLog();

      String loadAtStart = loadAverage();
      long t0 = System.nanoTime();
      Process process = pb.start();
      try {
        String base = "http://127.0.0.1:" + port;
        await("/observe/health/ready answers UP (log: " + log + ")")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> ready(http, base, process));
        double startupMs = (System.nanoTime() - t0) / 1e6;
        Duration cpuAtReady = cpu(process);
        int callsAtReady = divisionCalls(exact);
        int bookedAtReady = booked(exact, numbers).size();

        // one whole clock minute (the sandbox's rate window) at Exact's limit
        long minuteStart = (System.currentTimeMillis() / 60_000 + 1) * 60_000;
        waitUntil(minuteStart);
        int bookedAtMinuteStart = booked(exact, numbers).size();
        waitUntil(minuteStart + 59_700);
        int callsInMinute = exact.callsThisMinute();
        waitUntil(minuteStart + 60_000);
        int bookedAtMinuteEnd = booked(exact, numbers).size();
        // the rest unthrottled, so the run stays short
        exact.rateLimits(1_000_000, 1_000_000);
        long lifted = System.nanoTime();

        await("all " + ORDERS + " orders booked (log: " + log + ")")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> booked(exact, numbers).size() == ORDERS || !process.isAlive());
        double unthrottledSeconds = (System.nanoTime() - lifted) / 1e9;
        Duration cpuAtEnd = cpu(process);
        Map<String, Long> status = procStatus(process.pid());
        JsonNode heap =
            getJson(http, base + "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")
                .path("value");
        JsonNode parked = getJson(http, base + "/api/orders?state=parked,failed");

        List<ExactDivision.LoggedRequest> requests = exact.requestLog();
        int calls = divisionCalls(exact);
        long rejected =
            requests.stream().filter(r -> isDivisionCall(r) && r.status() == 429).count();
        Map<String, Integer> booked = booked(exact, numbers);

        int ordersAfterReady = ORDERS - bookedAtReady;
        double callsPerOrder = (calls - callsAtReady) / (double) ordersAfterReady;
        int ordersInMinute = bookedAtMinuteEnd - bookedAtMinuteStart;
        double ceiling = MINUTELY_LIMIT / callsPerOrder;
        double cpuPerOrderMs = cpuAtEnd.minus(cpuAtReady).toNanos() / 1e6 / ordersAfterReady;

        System.out.println();
        System.out.printf(
            "=== Scale: one connection, %d orders, against the sandbox enforcing Exact's limits"
                + " (%d/min, %d/day) ===%n",
            ORDERS, MINUTELY_LIMIT, DAILY_LIMIT);
        System.out.printf("  connector process                       %s%n", how);
        System.out.printf(
            "  machine                                 %d cores, %s %s%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"));
        System.out.printf(
            "  load average (1 min) at start / end     %s / %s  (the 2 cores are shared)%n",
            loadAtStart, loadAverage());
        System.out.printf(
            "  start-up to ready                       %8.0f ms  (target <= 4000 ms, not"
                + " asserted)%n",
            startupMs);
        System.out.printf(
            "  CPU time until ready                    %8.0f ms%n", cpuAtReady.toNanos() / 1e6);
        System.out.printf(
            "  orders booked                           %5d  (each exactly once)%n", booked.size());
        System.out.printf(
            "  Exact calls with a division             %5d  (%d of them until ready)%n",
            calls, callsAtReady);
        Map<String, Integer> byCall = new TreeMap<>();
        requests.stream()
            .filter(ScaleBenchmark::isDivisionCall)
            .forEach(
                r ->
                    byCall.merge(
                        r.method()
                            + " "
                            + r.pathAndQuery()
                                .replaceAll("\\?.*", "")
                                .replaceAll(".*/api/v1/\\d+/", "")
                                .replaceAll("\\(guid'[^']*'\\)", "(…)"),
                        1,
                        Integer::sum));
        byCall.forEach((k, v) -> System.out.printf("    %-38s %5d%n", k, v));
        System.out.printf(
            "  calls per order                         %8.3f  (%d calls after ready / %d orders)%n",
            callsPerOrder, calls - callsAtReady, ordersAfterReady);
        System.out.printf(
            "  orders in one whole minute at the limit %5d  (%d calls counted by Exact in it)%n",
            ordersInMinute, callsInMinute);
        System.out.printf(
            "  ceiling the limit allows                %8.1f orders/min  (%d calls/min / %.3f"
                + " calls per order)%n",
            ceiling, MINUTELY_LIMIT, callsPerOrder);
        System.out.printf(
            "  share of the ceiling reached            %7.0f %%%n",
            100.0 * ordersInMinute / ceiling);
        System.out.printf("  answered 429 (limit reached)            %5d%n", rejected);
        System.out.printf(
            "  limits lifted: the other %d orders in   %8.1f s  (%.0f orders/min, the connector's"
                + " own pace)%n",
            ORDERS - bookedAtMinuteEnd,
            unthrottledSeconds,
            (ORDERS - bookedAtMinuteEnd) / unthrottledSeconds * 60);
        System.out.printf(
            "  peak resident memory (VmHWM)            %8.1f MB  (target <= 256 MB for one"
                + " connection, not asserted)%n",
            status.getOrDefault("VmHWM", -1L) / 1024.0);
        System.out.printf(
            "  resident memory at the end (VmRSS)      %8.1f MB%n",
            status.getOrDefault("VmRSS", -1L) / 1024.0);
        System.out.printf(
            "  JVM heap used / committed / max         %8.1f / %.1f / %.1f MB%n",
            heap.path("used").asLong() / 1048576.0,
            heap.path("committed").asLong() / 1048576.0,
            heap.path("max").asLong() / 1048576.0);
        System.out.printf(
            "  CPU time per order                      %8.1f ms  (user + system after ready)%n",
            cpuPerOrderMs);
        System.out.printf(
            "  warnings in the connector's log         %5d  (%s)%n",
            warnings(log), root.relativize(log));
        System.out.println(
            "  50 connections: not measured; one process serves one connection until many"
                + " connections per process are built");
        System.out.println();

        assertTrue(process.isAlive(), "the connector process died; log: " + log);
        assertEquals(ORDERS, booked.size(), "orders booked; log: " + log);
        booked.forEach((ref, n) -> assertEquals(1, n, "sales orders with YourRef " + ref));
        assertEquals(0, parked.path("orders").size(), "parked orders: " + parked);
      } finally {
        stop(process);
      }
    }
  }

  /**
   * 60 customers in Exact, 40 items; 200 orders of 3 lines: 60 % from those customers, the rest
   * each from a new customer, mixed. Seeded, so every run is alike.
   */
  private static List<String> addOrders(DemoSandbox sandbox) {
    ExactDivision exact = sandbox.exact();
    Random random = new Random(12);
    for (int i = 1; i <= SKUS; i++) {
      exact.addItem(String.format("SCALE-%03d", i), "Scale item " + i, "2", 10, 10_000);
    }
    for (int i = 1; i <= KNOWN_CUSTOMERS; i++) {
      ObjectNode a = JSON.createObjectNode();
      a.put("Name", "Klant " + i);
      a.put("Email", "schaal" + i + "@example.nl");
      a.put("Status", "C");
      a.put("IsSales", true);
      a.put("AddressLine1", "Straat " + i);
      a.put("Postcode", "1000 AA");
      a.put("City", "Amsterdam");
      a.put("Country", "NL");
      exact.put("crm/Accounts", a);
    }
    List<String> numbers = new ArrayList<>();
    for (int n = 0; n < ORDERS; n++) {
      String number = Integer.toString(FIRST_NUMBER + n);
      Orders o = Orders.order(number);
      if (random.nextDouble() < RETURNING) {
        int c = 1 + random.nextInt(KNOWN_CUSTOMERS);
        o.set("customerEmail", "schaal" + c + "@example.nl");
        ObjectNode address =
            Orders.address("Klant", "" + c, "Straat " + c, "1000 AA", "Amsterdam", "NL");
        o.billing(address).shipTo(address.deepCopy());
      } else {
        o.set("customerEmail", "nieuw" + number + "@example.nl");
        ObjectNode address =
            Orders.address("Nieuw", "Klant " + number, "Laan 1", "2000 BB", "Haarlem", "NL");
        o.billing(address).shipTo(address.deepCopy());
      }
      for (int l = 0; l < LINES; l++) {
        o.line(
            String.format("SCALE-%03d", 1 + random.nextInt(SKUS)),
            "Item",
            1 + random.nextInt(3),
            new BigDecimal(5 + random.nextInt(20)).setScale(2).toPlainString());
      }
      o.shipping("PostNL", "4.95");
      ObjectNode order = o.total("0.00");
      order.put("createdOn", Instant.now().toString());
      order.put("modifiedOn", Instant.now().toString());
      sandbox.shop().addOrder(order);
      numbers.add(number);
    }
    return numbers;
  }

  /** Sales orders in Exact per YourRef (= the Squarespace order number) of this run's orders. */
  private static Map<String, Integer> booked(ExactDivision exact, List<String> numbers) {
    Map<String, Integer> byRef = new TreeMap<>();
    for (ObjectNode so : exact.entities("salesorder/SalesOrders")) {
      String ref = so.path("YourRef").asText();
      if (numbers.contains(ref)) {
        byRef.merge(ref, 1, Integer::sum);
      }
    }
    return byRef;
  }

  private static boolean isDivisionCall(ExactDivision.LoggedRequest r) {
    return r.pathAndQuery().matches(".*/api/v1/\\d+/.*"); // token and current/Me have none
  }

  private static int divisionCalls(ExactDivision exact) {
    return (int) exact.requestLog().stream().filter(ScaleBenchmark::isDivisionCall).count();
  }

  private static boolean ready(HttpClient http, String base, Process process) {
    if (!process.isAlive()) {
      throw new AssertionError("the connector process ended with " + process.exitValue());
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/observe/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"UP\"");
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static JsonNode getJson(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ConnectorHarness.API_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** Waits for a moment of the wall clock: the sandbox's rate windows are clock minutes. */
  private static void waitUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      await()
          .pollDelay(Duration.ofMillis(Math.max(1, wait - 20)))
          .pollInterval(Duration.ofMillis(5))
          .atMost(Duration.ofMillis(wait + 5_000))
          .until(() -> System.currentTimeMillis() >= epochMillis);
    }
  }

  /** The 1-minute load average of the machine (Linux: /proc/loadavg). */
  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  private static long warnings(Path log) throws IOException {
    // ISO-8859-1 reads any byte: the count needs no decoding of the log's UTF-8
    return new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1)
        .lines()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .count();
  }

  /** User + system CPU time of the process (Linux: from /proc/<pid>/stat). */
  private static Duration cpu(Process process) {
    return process
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new AssertionError("no CPU time for process " + process.pid()));
  }

  /** The kB figures of /proc/<pid>/status (VmHWM: peak resident set; VmRSS: resident now). */
  private static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> kb = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] parts = line.split(":\\s+");
      if (parts.length == 2 && parts[1].endsWith(" kB")) {
        kb.put(parts[0], Long.parseLong(parts[1].replace(" kB", "").trim()));
      }
    }
    return kb;
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM: a graceful stop, as in production
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
