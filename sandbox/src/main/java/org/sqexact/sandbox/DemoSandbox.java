package org.sqexact.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in demo sandbox: an in-process fake of both the Squarespace Commerce API and the Exact
 * Online REST API on one local HTTP port, seeded with a Dutch coffee roaster ("Demo
 * Koffiebranderij"). The connector talks to it over real HTTP with its normal code paths (token
 * refresh, rate-limit headers, paging); only the base URLs differ from production.
 *
 * <pre>{@code
 * try (DemoSandbox sandbox = DemoSandbox.start(0)) {
 *   String orders = sandbox.squarespaceBaseUrl() + "/1.0/commerce/orders";
 *   String token = sandbox.exactBaseUrl() + "/api/oauth2/token";
 * }
 * }</pre>
 */
public final class DemoSandbox implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoSandbox.class);

  /** Squarespace API key accepted as {@code Authorization: Bearer demo-squarespace-key}. */
  public static final String API_KEY = "demo-squarespace-key";

  public static final String CLIENT_ID = "demo-client-id";
  public static final String CLIENT_SECRET = "demo-client-secret";

  /** The first refresh token of the Exact token chain; every refresh rotates it. */
  public static final String FIRST_REFRESH_TOKEN = "demo-refresh-token-0";

  /** The Exact division (administration) of the demo company. */
  public static final int DIVISION = 123456;

  /** Seed of the random order generator. */
  static final long DRIP_SEED = 20_261_130L;

  private final HttpServer server;
  private final ExecutorService executor;
  private final SquarespaceShop shop;
  private final ExactDivision exact;
  private final int port;

  private DemoSandbox(
      HttpServer server, ExecutorService executor, SquarespaceShop shop, ExactDivision exact) {
    this.server = server;
    this.executor = executor;
    this.shop = shop;
    this.exact = exact;
    this.port = server.getAddress().getPort();
  }

  /** Starts on {@code port} of 127.0.0.1 (0 = an ephemeral port) with the system UTC clock. */
  public static DemoSandbox start(int port) {
    return start(port, Clock.systemUTC());
  }

  /**
   * Starts on {@code port} of 127.0.0.1 (0 = an ephemeral port). The clock drives token ages,
   * rate-limit windows and order times (seed orders are placed relative to its "now").
   */
  public static DemoSandbox start(int port, Clock clock) {
    return start(port, clock, DIVISION);
  }

  /**
   * Starts on {@code port} of 127.0.0.1 (0 = an ephemeral port) with its own shop and an Exact
   * division numbered {@code division} (its own token chain and rate limits; the demo's seed data).
   * Benchmarks start several, one per connection: the connector keys its Exact rate governors by
   * division number, so each connection needs a division of its own.
   */
  public static DemoSandbox start(int port, Clock clock, int division) {
    ExactDivision exact = new ExactDivision(clock, division);
    SquarespaceShop shop =
        new SquarespaceShop(clock, new OrderGenerator(DRIP_SEED, SeedData.dripCustomers()));
    SeedData.load(shop, exact, clock);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot bind the demo sandbox to port " + port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "demo-sandbox-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    DemoSandbox sandbox = new DemoSandbox(server, executor, shop, exact);
    shop.baseUrl(sandbox.squarespaceBaseUrl());
    exact.baseUrl(sandbox.exactBaseUrl());
    server.createContext("/squarespace", new SandboxSquarespaceApi(shop, "/squarespace"));
    server.createContext("/exact", new SandboxExactApi(exact, "/exact"));
    server.start();
    LOG.info(
        "Demo sandbox listening: Squarespace at {} (API key {}), Exact Online at {} (division {})",
        sandbox.squarespaceBaseUrl(),
        API_KEY,
        sandbox.exactBaseUrl(),
        division);
    return sandbox;
  }

  /**
   * Runs the sandbox on its own for manual exploration: {@code java -cp <classpath>
   * org.sqexact.sandbox.DemoSandbox [port (default 8089)] [seconds between new orders (default 60,
   * 0 = none)]}.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    DemoSandbox sandbox = start(port);
    if (seconds > 0) {
      sandbox.shop().startDripping(Duration.ofSeconds(seconds));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "demo-sandbox-shutdown"));
    System.out.println(
        "Squarespace: " + sandbox.squarespaceBaseUrl() + "  (Bearer " + API_KEY + ")");
    System.out.println(
        "Exact Online: "
            + sandbox.exactBaseUrl()
            + "  (client "
            + CLIENT_ID
            + "/"
            + CLIENT_SECRET
            + ", refresh token "
            + FIRST_REFRESH_TOKEN
            + ", division "
            + DIVISION
            + ")");
    Thread.currentThread().join();
  }

  public int port() {
    return port;
  }

  /** E.g. {@code http://127.0.0.1:54321/squarespace}; append {@code /1.0/commerce/orders}. */
  public String squarespaceBaseUrl() {
    return "http://127.0.0.1:" + port + "/squarespace";
  }

  /**
   * E.g. {@code http://127.0.0.1:54321/exact}; append {@code /api/oauth2/token}, {@code /api/v1/…}.
   */
  public String exactBaseUrl() {
    return "http://127.0.0.1:" + port + "/exact";
  }

  /** The fake web shop's state and controls. */
  public SquarespaceShop shop() {
    return shop;
  }

  /** The fake Exact division's state and controls. */
  public ExactDivision exact() {
    return exact;
  }

  @Override
  public void close() {
    shop.stopDripping();
    server.stop(0);
    executor.shutdownNow();
  }
}
