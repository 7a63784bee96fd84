package org.sqexact.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sqexact.bench.ScaleRuns.DAILY_LIMIT;
import static org.sqexact.bench.ScaleRuns.MINUTELY_LIMIT;
import static org.sqexact.bench.ScaleRuns.booked;
import static org.sqexact.bench.ScaleRuns.callsByKind;
import static org.sqexact.bench.ScaleRuns.connectionSettings;
import static org.sqexact.bench.ScaleRuns.cpu;
import static org.sqexact.bench.ScaleRuns.divisionCalls;
import static org.sqexact.bench.ScaleRuns.freePort;
import static org.sqexact.bench.ScaleRuns.get;
import static org.sqexact.bench.ScaleRuns.getJson;
import static org.sqexact.bench.ScaleRuns.isDivisionCall;
import static org.sqexact.bench.ScaleRuns.loadAverage;
import static org.sqexact.bench.ScaleRuns.placeOrders;
import static org.sqexact.bench.ScaleRuns.procStatus;
import static org.sqexact.bench.ScaleRuns.processSettings;
import static org.sqexact.bench.ScaleRuns.ready;
import static org.sqexact.bench.ScaleRuns.seedExact;
import static org.sqexact.bench.ScaleRuns.stop;
import static org.sqexact.bench.ScaleRuns.waitUntil;
import static org.sqexact.bench.ScaleRuns.warnings;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;

/**
 * The scale benchmark for MANY connections per process (issue 12): the connector process with 1
 * connection and with 50, each connection its own sandbox (own port, shop, Exact division number,
 * token chain and rate limits: the connector keys its Exact rate governors by division, so each
 * connection has a division of its own). The connector runs as production runs it (a separate
 * process, {@code java -jar connector/target/squarespace-exact-connector.jar}, embedded H2), the
 * default connection from the environment and the other 49 from files {@code
 * <dir>/shop-NN.properties} in the directory {@code CONNECTOR_CONNECTIONS_DIR} names (each file
 * sets only its shop, key, Exact URL, refresh token and division; the rest falls back to the
 * process's settings). Stock and fulfilment are off so every Exact call is the order flow's.
 *
 * <p>Both runs start as the Docker image starts: its JVM flags ({@code -XX:MaxRAMPercentage=75
 * -XX:+UseSerialGC}) and its class archive, made by the image's own script ({@code
 * docker/class-archive.sh}; one more start of one connection without the archive shows what it
 * saves), with the JVM told it has the 512 MiB the Kubernetes Deployment gives the container
 * ({@code -XX:MaxRAM=512m}, what the container's memory limit tells a JVM in it): 384 MB of heap at
 * most, the same for both runs, so the memory figures compare like with like and say whether 50
 * connections fit the documented deployment. Both also run with Camel's JMX for the context only
 * ({@code -Dcamel.main.jmxManagementMBeansLevel=ContextOnly}), the README's advice for many
 * connections: the default, MBeans for every route, endpoint and consumer, holds about 8 MB of heap
 * per connection (measured: 49 connections without orders, 418 MB of live heap against 182 MB with
 * the context only), more than the connections' own state. The flags are printed.
 *
 * <p><b>Orders: 60 per connection, not 200, placed once every connection runs.</b> The connector
 * needs about 80–100 ms of CPU time per order (ScaleBenchmark): 50 × 200 = 10,000 orders would keep
 * the 2 cores of CI busy for 7 minutes or more beyond the minute at the limit, and this benchmark
 * should take at most about 10 minutes. The orders are placed in the shops when the process is
 * ready and every connection has polled its (empty) shop, not before the start as in
 * ScaleBenchmark: with orders waiting at the start, the first connections to poll book theirs while
 * the others still wait for a Quartz thread, and the first shops ran empty before the minute at the
 * limit began (when connections were still started one after the other, this also stretched the
 * start-up to 160 s). So start-up is measured on its own, and every shop still has orders waiting
 * in the minute at the limit (with 50 divisions the limits allow about 2,000 orders a minute; the
 * orders still waiting when the minute ends, and the shops that ran dry, are printed). The
 * 200-order run of one connection, orders waiting at start, is {@link ScaleBenchmark}.
 *
 * <ul>
 *   <li><b>1 connection</b>, limits lifted: start-up to ready, calls per order, peak resident
 *       memory ({@code VmHWM}), heap, threads, CPU time per order (the minute at the limit for one
 *       connection is {@link ScaleBenchmark}'s).
 *   <li><b>50 connections</b>: start-up to ready (readiness waits for the connections directory's
 *       first reading) and until every connection has polled its shop; then Exact's real limits per
 *       division (60 a minute in clock minutes, 5,000 a day) for the next whole clock minute, then
 *       lifted so the rest finishes quickly ("scaled down in time"): the orders booked in that
 *       minute against the ceiling 50 × 60 ÷ calls per order, the same memory and CPU figures, and
 *       the time to book the rest unthrottled.
 *   <li>The growth per extra connection: (peak RSS with 50 − peak RSS with 1) ÷ 49.
 * </ul>
 *
 * <p>Only counts are asserted: every order booked exactly once, in its own division (order numbers
 * differ per shop; a division holding another shop's order is cross-talk), none parked in the
 * default connection ({@code /api/orders}), within 5 minutes of the limits being lifted (more for a
 * larger run). The figures are printed first, then the counts checked. Timings and memory are
 * printed, never asserted. {@code -Dscale.connector-jvm-flag=…} adds one JVM flag to both runs
 * (printed), for experiments such as a larger Quartz thread pool ({@code
 * -Dcamel.component.quartz.properties-file=file:…}).
 *
 * <p>Runs with {@code mvn -B verify} after the connector module is packaged; {@code .ci/run} prints
 * its figures. Alone: {@code mvn -o verify -Djacoco.skip=true
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ConnectionsScaleBenchmark}. Logs: {@code
 * sandbox/target/connections-scale-benchmark/}.
 */
class ConnectionsScaleBenchmark {

  private static final int CONNECTIONS = 50;

  /**
   * 60 in CI (see the class comment); {@code -Dscale.orders-per-connection=200} runs the 50
   * × 200 (about 20 minutes on 2 cores).
   */
  private static final int ORDERS_PER_CONNECTION =
      Integer.getInteger("scale.orders-per-connection", 60);

  /** Division numbers of the sandboxes: 300001, 300002, … (the demo's is 123456). */
  private static final int FIRST_DIVISION = 300_001;

  /** The Docker image's flag, and the 512 MiB of the Kubernetes Deployment as the JVM's RAM. */
  private static final List<String> JVM_FLAGS = jvmFlags();

  private static List<String> jvmFlags() {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "-XX:MaxRAMPercentage=75",
                "-XX:MaxRAM=512m",
                // the image's collector: MaxRAM sizes the heap but does not make this machine's
                // JVM pick the collector a 512 MiB container's JVM picks (Serial), it would
                // choose G1 from the machine's memory (about 40 MB more resident)
                "-XX:+UseSerialGC",
                // the README's advice for many connections (see the class comment)
                "-Dcamel.main.jmxManagementMBeansLevel=ContextOnly"));
    // one more flag for an experiment, e.g. a Quartz properties file; printed with the others
    String extra = System.getProperty("scale.connector-jvm-flag", "");
    if (!extra.isBlank()) {
      flags.add(extra);
    }
    return List.copyOf(flags);
  }

  /** What one run measured. */
  private record Figures(
      int connections,
      int orders,
      String how,
      double startupMs,
      double allPolledMs,
      int polledAtReady,
      int polledInTime,
      String connectionsApi,
      double cpuAtReadyMs,
      int calls,
      int callsAtReady,
      Map<String, Integer> byCall,
      double callsPerOrder,
      int ordersInMinute,
      int callsInMinute,
      int waitingAfterMinute,
      int shopsDryAfterMinute,
      long rejected,
      int unthrottledOrders,
      double unthrottledSeconds,
      double cpuPerOrderMs,
      Map<String, Long> status,
      JsonNode heap,
      long warnings,
      String load,
      List<String> wrong) {

    double peakMb() {
      return status.getOrDefault("VmHWM", -1L) / 1024.0;
    }
  }

  @Test
  void oneAndFiftyConnections() throws Exception {
    Path root = Path.of("").toAbsolutePath(); // Surefire runs every module in the repository root
    assertTrue(Files.isDirectory(root.resolve("routes")), "not the repository root: " + root);
    Path work = root.resolve("sandbox/target/connections-scale-benchmark");
    Files.createDirectories(work);

    // the class archive the Docker image makes at build time (docker/class-archive.sh), so both
    // runs start as the image starts; one start without it shows what it saves
    Optional<String> archive = ScaleRuns.classArchive(root, work, JVM_FLAGS);
    List<String> flags = new ArrayList<>(JVM_FLAGS);
    archive.ifPresent(flags::add);
    Startup withoutArchive = startup(root, work, JVM_FLAGS);

    Figures one = run(root, work, 1, false, flags);
    Figures fifty = run(root, work, CONNECTIONS, true, flags);

    System.out.println();
    System.out.printf(
        "=== Scale, many connections: 1 and %d connections × %d orders, against %d sandboxes"
            + " enforcing Exact's limits (%d/min, %d/day per division) ===%n",
        CONNECTIONS, ORDERS_PER_CONNECTION, CONNECTIONS, MINUTELY_LIMIT, DAILY_LIMIT);
    System.out.printf("  connector process                       %s%n", fifty.how());
    System.out.printf(
        "  JVM flags                               %s (the Docker image's, with the Deployment's"
            + " 512 MiB)%n",
        String.join(" ", flags));
    System.out.printf(
        "  class archive                           %s%n",
        archive.isPresent()
            ? "made by docker/class-archive.sh, as the image's build makes it"
            : "none: the jar is not packaged, so the connector runs from the test class path");
    System.out.printf(
        "  machine                                 %d cores, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    System.out.printf(
        "  orders per connection                   %d (CI runs 60: 10,000 orders would take the 2"
            + " cores too long; -Dscale.orders-per-connection=200 runs them)%n",
        ORDERS_PER_CONNECTION);
    System.out.printf("  %-39s %14s %14s%n", "", "1 connection", CONNECTIONS + " connections");
    row("load average (1 min) at start", one.load(), fifty.load());
    row("start-up to ready (target <= 4000 ms)", ms(one.startupMs()), ms(fifty.startupMs()));
    row("  the same without the class archive", ms(withoutArchive.readyMs()) + " ", "(not run)");
    row("  its CPU time until ready", ms(withoutArchive.cpuMs()) + " ", "");
    row("  its peak resident memory at ready", mb(withoutArchive.peakMb()) + " ", "");
    row(
        "connections that had polled at ready",
        one.polledAtReady() + " of 1",
        fifty.polledAtReady() + " of " + CONNECTIONS);
    row("start-up until every shop polled", polledMs(one, 1), polledMs(fifty, CONNECTIONS));
    row("CPU time until ready", ms(one.cpuAtReadyMs()), ms(fifty.cpuAtReadyMs()));
    row(
        "orders booked (each exactly once)",
        Integer.toString(one.orders()),
        Integer.toString(fifty.orders()));
    row(
        "Exact calls with a division",
        Integer.toString(one.calls()),
        Integer.toString(fifty.calls()));
    row(
        "calls per order (after ready)",
        String.format("%.3f", one.callsPerOrder()),
        String.format("%.3f", fifty.callsPerOrder()));
    row(
        "peak resident memory (VmHWM)",
        mb(one.status().getOrDefault("VmHWM", -1L) / 1024.0),
        mb(fifty.status().getOrDefault("VmHWM", -1L) / 1024.0));
    row(
        "resident memory at the end (VmRSS)",
        mb(one.status().getOrDefault("VmRSS", -1L) / 1024.0),
        mb(fifty.status().getOrDefault("VmRSS", -1L) / 1024.0));
    row("JVM heap used at the end", heap(one, "used"), heap(fifty, "used"));
    row("JVM heap committed", heap(one, "committed"), heap(fifty, "committed"));
    row("JVM heap max", heap(one, "max"), heap(fifty, "max"));
    row(
        "threads",
        Long.toString(one.status().getOrDefault("Threads", -1L)),
        Long.toString(fifty.status().getOrDefault("Threads", -1L)));
    row(
        "CPU time per order (after ready)",
        String.format("%.1f ms", one.cpuPerOrderMs()),
        String.format("%.1f ms", fifty.cpuPerOrderMs()));
    row(
        "unthrottled: orders / time",
        one.unthrottledOrders() + String.format(" / %.1f s", one.unthrottledSeconds()),
        fifty.unthrottledOrders() + String.format(" / %.1f s", fifty.unthrottledSeconds()));
    row(
        "unthrottled pace",
        String.format("%.0f/min", one.unthrottledOrders() / one.unthrottledSeconds() * 60),
        String.format("%.0f/min", fifty.unthrottledOrders() / fifty.unthrottledSeconds() * 60));
    row(
        "warnings in the connector's log",
        Long.toString(one.warnings()),
        Long.toString(fifty.warnings()));
    System.out.printf(
        "  growth per extra connection             %8.1f MB peak resident ((%.1f − %.1f) / %d)%n",
        (fifty.peakMb() - one.peakMb()) / (CONNECTIONS - 1),
        fifty.peakMb(),
        one.peakMb(),
        CONNECTIONS - 1);
    double ceiling = CONNECTIONS * MINUTELY_LIMIT / fifty.callsPerOrder();
    System.out.printf("  %d connections, one whole minute at Exact's limit:%n", CONNECTIONS);
    System.out.printf(
        "    orders booked in it                   %5d  (%d calls counted by the %d divisions"
            + " in it)%n",
        fifty.ordersInMinute(), fifty.callsInMinute(), CONNECTIONS);
    System.out.printf(
        "    ceiling the limits allow              %8.1f orders/min  (%d × %d calls/min / %.3f"
            + " calls per order)%n",
        ceiling, CONNECTIONS, MINUTELY_LIMIT, fifty.callsPerOrder());
    System.out.printf(
        "    share of the ceiling reached          %7.0f %%%n",
        100.0 * fifty.ordersInMinute() / ceiling);
    System.out.printf(
        "    orders still waiting when it ended    %5d  (%d shops had none left)%n",
        fifty.waitingAfterMinute(), fifty.shopsDryAfterMinute());
    System.out.printf("    answered 429 (limit reached)          %5d%n", fifty.rejected());
    System.out.println("  Exact calls by kind, 50 connections:");
    fifty.byCall().forEach((k, v) -> System.out.printf("    %-38s %5d%n", k, v));
    System.out.printf("  /api/connections at ready               %s%n", fifty.connectionsApi());
    System.out.println();

    List<String> wrong = new ArrayList<>(one.wrong());
    wrong.addAll(fifty.wrong());
    assertEquals(List.of(), wrong, "every order booked exactly once in its own division");
  }

  private static String polledMs(Figures f, int n) {
    return Double.isNaN(f.allPolledMs())
        ? f.polledInTime() + " of " + n + " in 2 min"
        : ms(f.allPolledMs());
  }

  /** Waits until {@code done} or {@code most} passed, without failing: the counts say the rest. */
  private static void waitAtMost(Duration most, java.util.concurrent.Callable<Boolean> done) {
    try {
      await().atMost(most).pollInterval(Duration.ofSeconds(1)).until(done);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the figures are printed, then the counts fail the test
    }
  }

  private static void row(String what, String one, String fifty) {
    System.out.printf("  %-39s %14s %14s%n", what, one, fifty);
  }

  private static String ms(double ms) {
    return String.format("%.0f ms", ms);
  }

  private static String mb(double mb) {
    return String.format("%.1f MB", mb);
  }

  private static String heap(Figures f, String field) {
    return mb(f.heap().path(field).asLong() / 1048576.0);
  }

  /**
   * One process with {@code n} connections, each to its own sandbox holding {@link
   * #ORDERS_PER_CONNECTION} orders before the process starts. With {@code atLimit} one whole clock
   * minute after ready runs at Exact's limits, then they are lifted; without, they are lifted from
   * the start.
   */
  private static Figures run(Path root, Path work, int n, boolean atLimit, List<String> jvmFlags)
      throws Exception {
    Path log = work.resolve("connector-" + n + ".log");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<DemoSandbox> sandboxes = new ArrayList<>();
    try {
      Instant since = Instant.now().minusSeconds(1);
      List<Set<String>> numbers = new ArrayList<>();
      List<Map<String, String>> connections = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        DemoSandbox sandbox = DemoSandbox.start(0, Clock.systemUTC(), FIRST_DIVISION + i);
        sandboxes.add(sandbox);
        ExactDivision exact = sandbox.exact();
        if (atLimit) {
          exact.rateLimits(MINUTELY_LIMIT, DAILY_LIMIT);
        } else {
          exact.rateLimits(1_000_000, 1_000_000);
        }
        String refreshToken = "scale-refresh-" + exact.number() + "-0"; // a chain per division
        exact.resetRefreshToken(refreshToken);
        seedExact(sandbox);
        connections.add(connectionSettings(sandbox, refreshToken, since));
      }

      Path dir = work.resolve("connections-" + n + "-" + UUID.randomUUID());
      Files.createDirectories(dir);
      Map<String, String> settings =
          processSettings(work.resolve("data-" + UUID.randomUUID()), freePort());
      settings.putAll(connections.get(0));
      settings.put("connector.connections-dir", dir.toString());
      for (int i = 1; i < n; i++) {
        writeConnection(dir.resolve(String.format("shop-%02d.properties", i)), connections.get(i));
      }
      sandboxes.forEach(s -> s.exact().clearRequestLog());

      String load = loadAverage();
      long t0 = System.nanoTime();
      ScaleRuns.Connector connector = ScaleRuns.start(root, jvmFlags, settings, log);
      Process process = connector.process();
      try {
        String base = connector.base();
        // readiness waits for the connections directory's first reading: every connection started
        await("/observe/health/ready answers UP (log: " + log + ")")
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> ready(http, base, process));
        double startupMs = (System.nanoTime() - t0) / 1e6;
        double cpuUntilReadyMs = cpu(process).toNanos() / 1e6;
        int polledAtReady = polled(sandboxes);
        String connectionsApi = connectionsApi(http, base);
        // not asserted here: a connection that never polls shows as orders not booked below
        waitAtMost(Duration.ofMinutes(2), () -> polled(sandboxes) == n || !process.isAlive());
        int polledInTime = polled(sandboxes);
        double allPolledMs = polledInTime == n ? (System.nanoTime() - t0) / 1e6 : Double.NaN;
        // every shop had nothing to book until now: the orders arrive once every connection runs,
        // so that start-up is measured on its own and every shop has orders waiting in the minute
        // at the limit. Order numbers differ per shop: an order in another shop's division is
        // cross-talk.
        Duration cpuAtReady = cpu(process);
        int callsAtReady = sandboxes.stream().mapToInt(s -> divisionCalls(s.exact())).sum();
        for (int i = 0; i < n; i++) {
          numbers.add(
              new HashSet<>(
                  placeOrders(sandboxes.get(i), ORDERS_PER_CONNECTION, 100_001 + i * 1_000)));
        }
        Set<String> all = numbers.stream().flatMap(Set::stream).collect(Collectors.toSet());
        int bookedAtReady = 0;

        int ordersInMinute = 0;
        int callsInMinute = 0;
        int waitingAfterMinute = 0;
        int shopsDryAfterMinute = 0;
        if (atLimit) {
          // one whole clock minute (the sandbox's rate window) at Exact's limit
          long minuteStart = (System.currentTimeMillis() / 60_000 + 1) * 60_000;
          waitUntil(minuteStart);
          int bookedAtMinuteStart = bookedCount(sandboxes, numbers);
          waitUntil(minuteStart + 59_700);
          callsInMinute = sandboxes.stream().mapToInt(s -> s.exact().callsThisMinute()).sum();
          waitUntil(minuteStart + 60_000);
          int bookedAtMinuteEnd = bookedCount(sandboxes, numbers);
          ordersInMinute = bookedAtMinuteEnd - bookedAtMinuteStart;
          waitingAfterMinute = n * ORDERS_PER_CONNECTION - bookedAtMinuteEnd;
          for (int i = 0; i < n; i++) {
            if (booked(sandboxes.get(i).exact(), numbers.get(i)).size() == ORDERS_PER_CONNECTION) {
              shopsDryAfterMinute++;
            }
          }
          // the rest unthrottled, so the run stays short
          sandboxes.forEach(s -> s.exact().rateLimits(1_000_000, 1_000_000));
        }
        int bookedAtLift = bookedCount(sandboxes, numbers);
        long lifted = System.nanoTime();
        int total = n * ORDERS_PER_CONNECTION;
        // the figures are printed whether or not every order got booked; the counts are checked
        // after that
        waitAtMost(
            unthrottledWait(total),
            () -> bookedCount(sandboxes, numbers) >= total || !process.isAlive());
        double unthrottledSeconds = (System.nanoTime() - lifted) / 1e9;
        Duration cpuAtEnd = cpu(process);
        Map<String, Long> status = procStatus(process.pid());
        status.put("Threads", threads(process.pid()));
        List<String> wrong = new ArrayList<>();
        // a process in trouble may not answer: the figures are printed all the same
        JsonNode heap = ScaleRuns.JSON.createObjectNode();
        JsonNode parked = ScaleRuns.JSON.createObjectNode();
        try {
          heap =
              getJson(http, base + "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")
                  .path("value");
          parked = getJson(http, base + "/api/orders?state=parked,failed");
        } catch (Exception | AssertionError e) {
          wrong.add(n + " connections: the operator API did not answer after the run: " + e);
        }

        List<ExactDivision.LoggedRequest> requests = new ArrayList<>();
        sandboxes.forEach(s -> requests.addAll(s.exact().requestLog()));
        int calls = (int) requests.stream().filter(ScaleRuns::isDivisionCall).count();
        long rejected =
            requests.stream().filter(r -> isDivisionCall(r) && r.status() == 429).count();
        int ordersAfterReady = total - bookedAtReady;

        if (!process.isAlive()) {
          wrong.add(n + " connections: the connector process died; log: " + log);
        }
        int bookedTotal = 0;
        List<String> unbooked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int division = FIRST_DIVISION + i;
          String id = i == 0 ? "default" : String.format("shop-%02d", i);
          Map<String, Integer> inDivision = booked(sandboxes.get(i).exact(), all);
          Set<String> foreign = new TreeSet<>(inDivision.keySet());
          foreign.removeAll(numbers.get(i));
          if (!foreign.isEmpty()) {
            wrong.add("other shops' orders in division " + division + " (" + id + "): " + foreign);
          }
          inDivision.forEach(
              (ref, c) -> {
                if (c != 1) {
                  wrong.add(c + " sales orders with YourRef " + ref + " in division " + division);
                }
              });
          if (inDivision.size() != ORDERS_PER_CONNECTION) {
            unbooked.add(id + " " + inDivision.size() + "/" + ORDERS_PER_CONNECTION);
          }
          bookedTotal += inDivision.size();
        }
        if (!unbooked.isEmpty()) {
          wrong.add(
              n
                  + " connections: orders booked after "
                  + unthrottledWait(total).toMinutes()
                  + " minutes, connections short of "
                  + ORDERS_PER_CONNECTION
                  + ": "
                  + unbooked
                  + " (log: "
                  + log
                  + ")");
        }
        if (parked.path("orders").size() != 0) {
          wrong.add("parked orders: " + parked);
        }

        return new Figures(
            n,
            bookedTotal,
            connector.how(),
            startupMs,
            allPolledMs,
            polledAtReady,
            polledInTime,
            connectionsApi,
            cpuUntilReadyMs,
            calls,
            callsAtReady,
            callsByKind(requests),
            (calls - callsAtReady) / (double) ordersAfterReady,
            ordersInMinute,
            callsInMinute,
            waitingAfterMinute,
            shopsDryAfterMinute,
            rejected,
            total - bookedAtLift,
            unthrottledSeconds,
            cpuAtEnd.minus(cpuAtReady).toNanos() / 1e6 / ordersAfterReady,
            status,
            heap,
            warnings(log),
            load,
            wrong);
      } finally {
        stop(process);
      }
    } finally {
      sandboxes.forEach(DemoSandbox::close);
    }
  }

  /**
   * How long the orders left when the limits are lifted may take: 5 minutes, more for a larger run
   * (2 cores book about 600 orders a minute with the limits lifted).
   */
  private static Duration unthrottledWait(int orders) {
    return Duration.ofMinutes(Math.max(5, orders / 600));
  }

  /** One start of one connection until ready: its time, CPU time and peak resident memory. */
  private record Startup(double readyMs, double cpuMs, double peakMb) {}

  /**
   * Starts the connector with one connection (its shop empty) with {@code jvmFlags}, waits until it
   * is ready, reads its figures and stops it: the start-up of {@link #run} on its own, for a start
   * without the class archive.
   */
  private static Startup startup(Path root, Path work, List<String> jvmFlags) throws Exception {
    Path log = work.resolve("connector-startup.log");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try (DemoSandbox sandbox = DemoSandbox.start(0, Clock.systemUTC(), FIRST_DIVISION)) {
      sandbox.exact().rateLimits(1_000_000, 1_000_000);
      String refreshToken = "scale-refresh-" + FIRST_DIVISION + "-startup";
      sandbox.exact().resetRefreshToken(refreshToken);
      Map<String, String> settings =
          processSettings(work.resolve("data-" + UUID.randomUUID()), freePort());
      settings.putAll(connectionSettings(sandbox, refreshToken, Instant.now()));
      long t0 = System.nanoTime();
      ScaleRuns.Connector connector = ScaleRuns.start(root, jvmFlags, settings, log);
      Process process = connector.process();
      try {
        await("/observe/health/ready answers UP (log: " + log + ")")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> ready(http, connector.base(), process));
        double readyMs = (System.nanoTime() - t0) / 1e6;
        double cpuMs = cpu(process).toNanos() / 1e6;
        double peakMb = procStatus(process.pid()).getOrDefault("VmHWM", -1L) / 1024.0;
        return new Startup(readyMs, cpuMs, peakMb);
      } finally {
        stop(process);
      }
    }
  }

  /**
   * A connection file: only what differs per connection (shop, key, Exact URL, refresh token,
   * division); everything else falls back to the process's settings.
   */
  private static void writeConnection(Path file, Map<String, String> settings) throws IOException {
    StringBuilder text = new StringBuilder("# written by ConnectionsScaleBenchmark\n");
    for (String key :
        List.of(
            "squarespace.api-url",
            "squarespace.api-key",
            "exact.base-url",
            "exact.refresh-token",
            "exact.division")) {
      text.append(key).append(" = ").append(settings.get(key)).append('\n');
    }
    Files.writeString(file, text);
  }

  /** The orders booked so far over all divisions (each division counted for its own shop). */
  private static int bookedCount(List<DemoSandbox> sandboxes, List<Set<String>> numbers) {
    int count = 0;
    for (int i = 0; i < sandboxes.size(); i++) {
      count += booked(sandboxes.get(i).exact(), numbers.get(i)).size();
    }
    return count;
  }

  /** How many shops have been asked for their orders by the connector. */
  private static int polled(List<DemoSandbox> sandboxes) {
    return (int)
        sandboxes.stream()
            .filter(
                s ->
                    s.shop().requestLog().stream()
                        .anyMatch(r -> r.pathAndQuery().contains("/commerce/orders")))
            .count();
  }

  /** The connections' states as {@code /api/connections} lists them, or what it answered. */
  private static String connectionsApi(HttpClient http, String base) throws Exception {
    HttpResponse<String> r = get(http, base + "/api/connections");
    if (r.statusCode() != 200) {
      return "answered " + r.statusCode() + " (not built on this branch)";
    }
    JsonNode body = ScaleRuns.JSON.readTree(r.body());
    JsonNode list = body.isArray() ? body : body.path("connections");
    Map<String, Integer> states = new LinkedHashMap<>();
    list.forEach(c -> states.merge(c.path("state").asText("?"), 1, Integer::sum));
    return list.size() + " connections, by state " + states;
  }

  /** The process's thread count (Linux: the {@code Threads:} line of /proc/<pid>/status). */
  private static long threads(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("Threads:"))
        .mapToLong(l -> Long.parseLong(l.substring("Threads:".length()).trim()))
        .findFirst()
        .orElse(-1);
  }
}
