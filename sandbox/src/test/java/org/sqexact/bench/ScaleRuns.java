package org.sqexact.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.sqexact.sandbox.DemoSandbox;
import org.sqexact.sandbox.ExactDivision;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/**
 * What the scale benchmarks share: the orders waiting in a sandbox shop, the connector started as
 * production starts it (a separate process, settings from the environment), and the figures read
 * from the process ({@code /proc}) and from the sandbox's Exact.
 */
final class ScaleRuns {

  static final int SKUS = 40;
  static final int LINES = 3;
  static final double RETURNING = 0.60;
  static final int KNOWN_CUSTOMERS = 60;

  /** Exact's limits per division (shared/notes; the sandbox's defaults). */
  static final int MINUTELY_LIMIT = 60;

  static final int DAILY_LIMIT = 5_000;

  static final ObjectMapper JSON = new ObjectMapper();

  private ScaleRuns() {}

  /** The connector's process, how it was started, and its log. */
  record Connector(Process process, String how, Path log, String base) {}

  /**
   * 60 customers in Exact, 40 items; {@code orders} orders of 3 lines numbered from {@code
   * firstNumber}: 60 % from those customers, the rest each from a new customer, mixed. Seeded, so
   * every run is alike.
   */
  static List<String> addOrders(DemoSandbox sandbox, int orders, int firstNumber) {
    seedExact(sandbox);
    return placeOrders(sandbox, orders, firstNumber);
  }

  /** The 40 items and 60 customers of {@link #addOrders} in the sandbox's Exact. */
  static void seedExact(DemoSandbox sandbox) {
    ExactDivision exact = sandbox.exact();
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
  }

  /** The orders of {@link #addOrders} in the sandbox's shop; returns their numbers. */
  static List<String> placeOrders(DemoSandbox sandbox, int orders, int firstNumber) {
    Random random = new Random(12);
    List<String> numbers = new ArrayList<>();
    for (int n = 0; n < orders; n++) {
      String number = Integer.toString(firstNumber + n);
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

  /**
   * The settings of one connection to {@code sandbox} (the keys of application.properties): its
   * shop, its division with its first refresh token, stock and fulfilment off so every Exact call
   * is the order flow's.
   */
  static Map<String, String> connectionSettings(
      DemoSandbox sandbox, String refreshToken, Instant since) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("squarespace.api-url", sandbox.squarespaceBaseUrl());
    settings.put("squarespace.api-key", DemoSandbox.API_KEY);
    settings.put("exact.base-url", sandbox.exactBaseUrl());
    settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
    settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
    settings.put("exact.refresh-token", refreshToken);
    settings.put("exact.division", Integer.toString(sandbox.exact().number()));
    settings.put("orders.items.no-sku", "DIVERSEN"); // the sandbox's item for lines without SKU
    settings.put("sync.orders-since", since.toString());
    settings.put("sync.poll-interval", "5");
    settings.put("stock.enabled", "false");
    settings.put("fulfilment.enabled", "false");
    return settings;
  }

  /** The process-wide settings: data directory, secrets, HTTP port; no demo. */
  static Map<String, String> processSettings(Path dataDir, int port) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", dataDir.toString());
    settings.put("connector.secret-key", ConnectorHarness.SECRET_KEY);
    settings.put("connector.api-token", ConnectorHarness.API_TOKEN);
    settings.put("connector.http-port", Integer.toString(port));
    settings.put("connector.demo", "off");
    return settings;
  }

  /**
   * Starts the connector as production does: {@code java [jvmFlags] -jar
   * connector/target/squarespace-exact-connector.jar} (its {@code lib/} beside it), or from the
   * test class path when the jar is not packaged (and says so), configured by environment variables
   * only.
   */
  static Connector start(Path root, List<String> jvmFlags, Map<String, String> settings, Path log)
      throws IOException {
    Path jar = root.resolve("connector/target/squarespace-exact-connector.jar");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    String flags = jvmFlags.isEmpty() ? "" : String.join(" ", jvmFlags) + " ";
    String how;
    if (Files.isRegularFile(jar) && Files.isDirectory(jar.resolveSibling("lib"))) {
      command.add("-jar");
      command.add(jar.toString());
      how = "java " + flags + "-jar connector/target/squarespace-exact-connector.jar";
    } else {
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("org.sqexact.ConnectorApplication");
      how =
          "java "
              + flags
              + "-cp <test class path> org.sqexact.ConnectorApplication (no packaged jar)";
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("EXACT_"));
    settings.forEach((k, v) -> pb.environment().put(envName(k), v));
    String base = "http://127.0.0.1:" + settings.get("connector.http-port");
    return new Connector(pb.start(), how, log, base);
  }

  /**
   * The connector's class archive made as the Docker image's build makes it: {@code sh
   * docker/class-archive.sh} with the java of this run and the packaged jar (a training run that
   * starts and stops the connector, see the script). Returns the JVM flag that uses it. Fails when
   * the script fails or writes no archive: the figures printed with it would otherwise be the ones
   * of a start without it. Empty when the jar is not packaged (the connector then runs from the
   * test class path, for which the image's archive says nothing); the caller prints which.
   */
  static Optional<String> classArchive(Path root, Path work, List<String> jvmFlags)
      throws IOException, InterruptedException {
    Path jar = root.resolve("connector/target/squarespace-exact-connector.jar");
    if (!Files.isRegularFile(jar)) {
      return Optional.empty();
    }
    Path archive = work.resolve("connector-" + System.nanoTime() + ".jsa");
    Path log = work.resolve("class-archive.log");
    List<String> command = new ArrayList<>(List.of("sh", "docker/class-archive.sh"));
    command.add(archive.toString());
    command.add(jar.toString()); // the path start() runs, as the image uses one path for both
    command.addAll(jvmFlags);
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("EXACT_"));
    pb.environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("CONNECTOR_HTTP_PORT", Integer.toString(freePort()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("docker/class-archive.sh did not end in 5 minutes; log: " + log);
    }
    if (p.exitValue() != 0 || !Files.isRegularFile(archive)) {
      throw new AssertionError(
          "docker/class-archive.sh failed (exit " + p.exitValue() + "); log: " + log);
    }
    System.out.printf(
        "  class archive: %.1f MB made by docker/class-archive.sh in %.0f s (log: %s)%n",
        Files.size(archive) / 1048576.0, (System.nanoTime() - t0) / 1e9, log);
    return Optional.of("-XX:SharedArchiveFile=" + archive);
  }

  /** The environment variable of a setting: {@code exact.base-url} → {@code EXACT_BASE_URL}. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Sales orders in Exact per YourRef (= the Squarespace order number) of {@code numbers}. */
  static Map<String, Integer> booked(ExactDivision exact, Collection<String> numbers) {
    Map<String, Integer> byRef = new TreeMap<>();
    for (ObjectNode so : exact.entities("salesorder/SalesOrders")) {
      String ref = so.path("YourRef").asText();
      if (numbers.contains(ref)) {
        byRef.merge(ref, 1, Integer::sum);
      }
    }
    return byRef;
  }

  static boolean isDivisionCall(ExactDivision.LoggedRequest r) {
    return r.pathAndQuery().matches(".*/api/v1/\\d+/.*"); // token and current/Me have none
  }

  static int divisionCalls(ExactDivision exact) {
    return (int) exact.requestLog().stream().filter(ScaleRuns::isDivisionCall).count();
  }

  /** The division calls per kind, e.g. {@code POST salesorder/SalesOrders}. */
  static Map<String, Integer> callsByKind(List<ExactDivision.LoggedRequest> requests) {
    Map<String, Integer> byCall = new TreeMap<>();
    requests.stream()
        .filter(ScaleRuns::isDivisionCall)
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
    return byCall;
  }

  /** Whether {@code /observe/health/ready} answers UP; fails when the process ended. */
  static boolean ready(HttpClient http, String base, Process process) {
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

  /** A GET with the API token. */
  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + ConnectorHarness.API_TOKEN)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = get(http, url);
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** Waits for a moment of the wall clock: the sandbox's rate windows are clock minutes. */
  static void waitUntil(long epochMillis) {
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
  static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  static long warnings(Path log) throws IOException {
    // ISO-8859-1 reads any byte: the count needs no decoding of the log's UTF-8
    return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1)
        .lines()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .count();
  }

  /** User + system CPU time of the process (Linux: from /proc/<pid>/stat). */
  static Duration cpu(Process process) {
    return process
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new AssertionError("no CPU time for process " + process.pid()));
  }

  /** The kB figures of /proc/<pid>/status (VmHWM: peak resident set; VmRSS: resident now). */
  static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> kb = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] parts = line.split(":\\s+");
      if (parts.length == 2 && parts[1].endsWith(" kB")) {
        kb.put(parts[0], Long.parseLong(parts[1].replace(" kB", "").trim()));
      }
    }
    return kb;
  }

  static void stop(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM: a graceful stop, as in production
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
