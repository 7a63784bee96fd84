package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestPostgres;

/**
 * Two connector processes on one PostgreSQL database, polling the sandbox's Squarespace and booking
 * in its Exact Online (real HTTP, Exact's rate limits and headers): the node running the poll is
 * killed (SIGKILL) in the middle of a 200-order run. Every order ends as exactly one sales order in
 * Exact, the survivor polls again within 30 s of the kill (the time is printed), and neither node
 * met a 429 although both count against one minute budget.
 *
 * <p>The processes run on real time (Quartz's cluster check-ins are real), so this test waits on
 * real time too, with Awaitility, never a sleep.
 */
class TwoNodeFailoverTest {

  private static final int ORDERS = 200;

  /** Exact's minute budget, scaled up so that 200 orders fit the test's time. */
  private static final int CALLS_PER_MINUTE = 600;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final Pattern CLUSTER_NODES =
      Pattern.compile("(?m)^connector_cluster_nodes(?:\\{[^}]*\\})? (\\S+)$");

  private static final Pattern NODE_ID = Pattern.compile("this node is (\\S+) of scheduler");

  private record Node(String name, Process process, Path log, int port) {

    /** The value of {@code connector_cluster_nodes} on this node's /observe/metrics. */
    double clusterNodes() throws IOException, InterruptedException {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                  .header("Authorization", "Bearer " + ConnectorHarness.API_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = CLUSTER_NODES.matcher(r.body());
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    String id() throws IOException {
      Matcher m = NODE_ID.matcher(Files.readString(log));
      return m.find() ? m.group(1) : null;
    }
  }

  @Test
  void killingTheLeaderInTheMiddleOfARunLosesNoOrderAndBooksNoneTwice() throws Exception {
    List<Node> nodes = new ArrayList<>();
    try (DemoSandbox sandbox = DemoSandbox.start(0)) {
      ExactDivision exact = sandbox.exact();
      exact.rateLimits(CALLS_PER_MINUTE, 1_000_000);
      sandbox.shop().rateLimit(1_000_000);
      Map<String, String> settings =
          ConnectorHarness.settings(sandbox.squarespaceBaseUrl(), sandbox.exactBaseUrl());
      TestPostgres.database(settings);
      settings.put("exact.client-id", DemoSandbox.CLIENT_ID);
      settings.put("exact.client-secret", DemoSandbox.CLIENT_SECRET);
      settings.put("exact.refresh-token", DemoSandbox.FIRST_REFRESH_TOKEN);
      settings.put("exact.division", Integer.toString(DemoSandbox.DIVISION));
      settings.put("squarespace.api-key", DemoSandbox.API_KEY);
      settings.put("orders.items.no-sku", "DIVERSEN");
      settings.put("orders.default-debtor.mode", "fallback");
      settings.put("orders.default-debtor.code", "WEBSHOP");
      settings.put("sync.orders-since", Instant.now().minusSeconds(60).toString());
      settings.put("sync.auto-start", "true");
      settings.put("sync.poll-interval", "5");
      settings.put("stock.enabled", "false");
      settings.put("fulfilment.enabled", "false");
      Set<String> numbers = new HashSet<>();
      for (int i = 0; i < ORDERS; i++) {
        ObjectNode o = sandbox.shop().placeRandomOrder();
        numbers.add(o.path("orderNumber").asText());
      }

      nodes.add(start("a", settings));
      nodes.add(start("b", settings));
      for (Node n : nodes) {
        // generous: CI's two cores may be busy (a start takes ~10 s alone, over a minute loaded)
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertTrue(n.process().isAlive(), n.name() + " stopped; see " + n.log());
                  return n.id() != null;
                });
      }

      // in the middle of the run: kill the node that runs the poll (Quartz's executing firing)
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> exact.entities("salesorder/SalesOrders").size() >= ORDERS / 4);
      String leaderId =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> pollingNode(settings), id -> id != null);
      Node leader = null;
      for (Node n : nodes) {
        if (leaderId.equals(n.id())) {
          leader = n;
        }
      }
      assertTrue(leader != null, "the polling node " + leaderId + " is one of ours");
      Node survivor = nodes.get(0) == leader ? nodes.get(1) : nodes.get(0);
      assertEquals(2.0, survivor.clusterNodes(), "both nodes check in");
      // while it holds an order (claimed in the ledger, maybe posted, not yet noted as booked)
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !held(settings, leaderId).isEmpty());
      leader.process().destroyForcibly().waitFor();
      long killedAt = System.nanoTime();
      int bookedAtKill = exact.entities("salesorder/SalesOrders").size();
      List<String> heldAtKill = held(settings, leaderId);
      int seen = sandbox.shop().requestLog().size();

      // the survivor polls Squarespace again: the leader is dead, so any new poll is its own
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                List<SquarespaceShop.LoggedRequest> log = sandbox.shop().requestLog();
                return log.subList(seen, log.size()).stream()
                    .anyMatch(r -> r.pathAndQuery().startsWith("/1.0/commerce/orders?"));
              });
      double takeover = (System.nanoTime() - killedAt) / 1e9;
      // the metric the operator watches: one node fewer
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> survivor.clusterNodes() == 1.0);
      double metricDrop = (System.nanoTime() - killedAt) / 1e9;

      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertTrue(survivor.process().isAlive(), "the survivor stopped");
                return ledgerStates(settings).getOrDefault("BOOKED", 0) == ORDERS;
              });
      double allBooked = (System.nanoTime() - killedAt) / 1e9;

      Map<String, Long> documentsPerOrder =
          exact.entities("salesorder/SalesOrders").stream()
              .collect(
                  Collectors.groupingBy(d -> d.path("YourRef").asText(), Collectors.counting()));
      long rateLimited = exact.requestLog().stream().filter(r -> r.status() == 429).count();
      List<String> deathInLog =
          Files.readAllLines(survivor.log()).stream()
              .filter(
                  l ->
                      l.contains("ClusterManager")
                          || l.contains("held by a node that is gone")
                          || l.contains("failed in-progress"))
              .toList();
      System.out.printf(
          "%n=== two nodes, %d orders: leader %s killed (SIGKILL) after %d documents, holding"
              + " order(s) %s; survivor %s polled %.1f s after the kill (promised: within 30 s)"
              + " ===%n",
          ORDERS, leaderId, bookedAtKill, heldAtKill, survivor.id(), takeover);
      System.out.printf(
          "  documents in Exact %d for %d orders, at most %d per order; 429s from Exact: %d%n",
          documentsPerOrder.values().stream().mapToLong(Long::longValue).sum(),
          documentsPerOrder.size(),
          documentsPerOrder.values().stream().mapToLong(Long::longValue).max().orElse(0),
          rateLimited);
      System.out.printf(
          "  connector_cluster_nodes on the survivor: 2 before, 1 at %.1f s after the kill;"
              + " all %d orders booked %.1f s after the kill%n",
          metricDrop, ORDERS, allBooked);
      System.out.println("  the survivor's log about the death:");
      deathInLog.forEach(l -> System.out.println("    " + l));

      assertEquals(numbers, documentsPerOrder.keySet(), "every order has a document in Exact");
      assertTrue(
          documentsPerOrder.values().stream().allMatch(c -> c == 1),
          "no order booked twice: " + documentsPerOrder);
      assertTrue(takeover <= 30, "the survivor polled " + takeover + " s after the kill");
      assertEquals(0, rateLimited, "the two nodes shared Exact's minute: no 429");
      assertTrue(
          deathInLog.stream().anyMatch(l -> l.contains("ClusterManager")),
          "the survivor's log tells of the dead node");
      assertTrue(
          heldAtKill.isEmpty()
              || deathInLog.stream().anyMatch(l -> l.contains("held by a node that is gone")),
          "the survivor released the orders the dead node held: " + heldAtKill);
    } finally {
      for (Node n : nodes) {
        n.process().destroyForcibly().waitFor();
      }
    }
  }

  /** A connector as production starts it: its own JVM, port and data directory. */
  private static Node start(String name, Map<String, String> shared) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>(shared);
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.data-dir", "sandbox/target/test-data/" + UUID.randomUUID());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    for (Map.Entry<String, String> e : settings.entrySet()) {
      command.add("-D" + e.getKey() + "=" + e.getValue());
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.sqexact.ConnectorApplication");
    Path log = Path.of("sandbox/target/failover-node-" + name + ".log");
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(new File(log.toString()))
            .start();
    return new Node(name, p, log, Integer.parseInt(settings.get("connector.http-port")));
  }

  /** The Quartz id of the node whose orders-poll firing is executing, or null. */
  private static String pollingNode(Map<String, String> s) throws SQLException {
    try (Connection c = connect(s);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT instance_name FROM qrtz_fired_triggers"
                    + " WHERE trigger_name = 'orders-poll' AND state = 'EXECUTING'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The orders the node holds now (in progress under its claims). */
  private static List<String> held(Map<String, String> s, String nodeId) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(s);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT order_number FROM order_ledger WHERE state = 'IN_PROGRESS'"
                    + " AND claim_owner LIKE ?")) {
      ps.setString(1, nodeId + "/%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> ledgerStates(Map<String, String> s) throws SQLException {
    Map<String, Integer> out = new TreeMap<>();
    try (Connection c = connect(s);
        PreparedStatement ps =
            c.prepareStatement("SELECT state, COUNT(*) FROM order_ledger GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  private static Connection connect(Map<String, String> s) throws SQLException {
    return DriverManager.getConnection(
        s.get("connector.db-url"), s.get("connector.db-user"), s.get("connector.db-password"));
  }
}
