package org.sqexact.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sqexact.bench.ScaleRuns.DAILY_LIMIT;
import static org.sqexact.bench.ScaleRuns.MINUTELY_LIMIT;
import static org.sqexact.bench.ScaleRuns.addOrders;
import static org.sqexact.bench.ScaleRuns.booked;
import static org.sqexact.bench.ScaleRuns.callsByKind;
import static org.sqexact.bench.ScaleRuns.connectionSettings;
import static org.sqexact.bench.ScaleRuns.cpu;
import static org.sqexact.bench.ScaleRuns.divisionCalls;
import static org.sqexact.bench.ScaleRuns.freePort;
import static org.sqexact.bench.ScaleRuns.getJson;
import static org.sqexact.bench.ScaleRuns.isDivisionCall;
import static org.sqexact.bench.ScaleRuns.loadAverage;
import static org.sqexact.bench.ScaleRuns.procStatus;
import static org.sqexact.bench.ScaleRuns.processSettings;
import static org.sqexact.bench.ScaleRuns.ready;
import static org.sqexact.bench.ScaleRuns.stop;
import static org.sqexact.bench.ScaleRuns.waitUntil;
import static org.sqexact.bench.ScaleRuns.warnings;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;

/**
 * The scale benchmark for ONE connection per process (one Squarespace site ↔ one Exact division).
 * The connector runs as production runs it, a separate process started with {@code java -jar
 * connector/target/squarespace-exact-connector.jar} (its {@code lib/} beside it), configured by
 * environment variables, on its embedded H2 database, against the sandbox in this JVM over real
 * HTTP, with Exact's real limits enforced by the sandbox: 60 calls a minute and 5,000 a day per
 * division, in fixed clock minutes, resets in the {@code X-RateLimit-*} headers.
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
 * Many connections in one process: {@link ConnectionsScaleBenchmark} (1 and 50 connections, the
 * memory each extra connection adds, the orders a minute 50 divisions at the limit allow).
 *
 * <p>Runs with {@code mvn -B verify} after the connector module is packaged (Surefire includes
 * {@code *Benchmark}); alone: {@code mvn -o verify -Djacoco.skip=true
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ScaleBenchmark}. Without the packaged jar (e.g.
 * {@code mvn test}) it starts {@code org.sqexact.ConnectorApplication} from the test class path and
 * says so. The process's log: {@code sandbox/target/scale-benchmark/connector.log}.
 */
class ScaleBenchmark {

  private static final int ORDERS = 200;
  private static final int FIRST_NUMBER = 50_001;

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
      List<String> numbers = addOrders(sandbox, ORDERS, FIRST_NUMBER);

      int port = freePort();
      Map<String, String> settings =
          processSettings(work.resolve("data-" + UUID.randomUUID()), port);
      settings.putAll(connectionSettings(sandbox, DemoSandbox.FIRST_REFRESH_TOKEN, since));
      exact.clearRequestLog();

      String loadAtStart = loadAverage();
      long t0 = System.nanoTime();
      ScaleRuns.Connector connector = ScaleRuns.start(root, List.of(), settings, log);
      Process process = connector.process();
      String how = connector.how();
      try {
        String base = connector.base();
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
        Map<String, Integer> byCall = callsByKind(requests);
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
        System.out.println("  50 connections: ConnectionsScaleBenchmark");
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
}
