package org.sqexact.connection;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.sqexact.order.OrderFlowTestSupport.item;
import static org.sqexact.order.OrderFlowTestSupport.stubPayment;
import static org.sqexact.order.OrderFlowTestSupport.stubRows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.config.ConnectorConfiguration;
import org.sqexact.exact.ExactGovernors;
import org.sqexact.ops.OrderClaims;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.SecretBox;
import org.sqexact.support.Sleeper;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;

/**
 * Two shops in one connector, as the Connection*Test classes start them: the default connection
 * (shop A: division 123456, against the WireMock stand-ins {@link #exactA} and {@link
 * #squarespaceA}) and "shop-b", a connection added by its file in the {@link #connections}
 * directory (division {@value #DIVISION_B}, its own stand-ins {@link #exactB} and {@link
 * #squarespaceB}). The stubs take the stand-in they go to, so either shop can be given them.
 */
abstract class ConnectionTestSupport {

  static final ObjectMapper JSON = new ObjectMapper();

  /** shop-b's Exact division, in its file. */
  static final String DIVISION_B = "654321";

  @RegisterExtension static WireMockExtension exactA = standIn();

  @RegisterExtension static WireMockExtension exactB = standIn();

  @RegisterExtension static WireMockExtension squarespaceA = standIn();

  @RegisterExtension static WireMockExtension squarespaceB = standIn();

  /** A WireMock server on a free port, started for the test class, its stubs reset per test. */
  private static WireMockExtension standIn() {
    return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  }

  /** The connections/ directory: one {@code <id>.properties} file per added connection. */
  @TempDir Path connections;

  /** The added connections' wiring: the process's, or the one {@link #registry} built. */
  ConnectionWiring wiring;

  /** The default connection's settings as the harness gives them, against shop A's stand-ins. */
  static Map<String, String> settingsA() {
    return ConnectorHarness.settings(squarespaceA.baseUrl(), exactA.baseUrl());
  }

  /**
   * {@link #settingsA()} with the connector itself scanning {@link #connections} every second, as
   * production does when connector.connections-dir is set.
   */
  Map<String, String> scanningSettings() {
    Map<String, String> settings = settingsA();
    settings.put("connector.connections-dir", connections.toString());
    settings.put("connector.connections-scan-interval", "1");
    return settings;
  }

  /** shop-b's file against its own stand-ins, {@link #exactB} and {@link #squarespaceB}. */
  static String shopB(String... settings) {
    return shopB(squarespaceB, exactB, settings);
  }

  /**
   * shop-b's file: its key (key-b), division ({@value #DIVISION_B}) and refresh token (RT-B1, a
   * test stubs its chain at its Exact), where its Squarespace and Exact are, then the test's own
   * settings, one {@code key = value} each.
   */
  static String shopB(WireMockExtension squarespace, WireMockExtension exact, String... settings) {
    StringBuilder file =
        new StringBuilder()
            .append("squarespace.api-key = key-b\n")
            .append("exact.division = ")
            .append(DIVISION_B)
            .append("\nexact.refresh-token = RT-B1\n")
            .append("exact.base-url = ")
            .append(exact.baseUrl())
            .append("\nsquarespace.api-url = ")
            .append(squarespace.baseUrl())
            .append('\n');
    for (String setting : settings) {
      file.append(setting).append('\n');
    }
    return file.toString();
  }

  /**
   * Adds connection {@code id}'s file. Written aside and moved in, so that a connector scanning the
   * directory never reads it half-written.
   */
  void write(String id, String content) throws Exception {
    Path tmp = connections.resolve("." + id + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, connections.resolve(id + ".properties"));
  }

  /** Removes connection {@code id}'s file. */
  void remove(String id) throws Exception {
    Files.delete(connections.resolve(id + ".properties"));
  }

  /** The files in {@link #connections} as the connector reads them, the default being "default". */
  ConnectionDefinitions definitions(Map<String, String> process) {
    return new ConnectionDefinitions(connections, "default", process::get, v -> v);
  }

  /**
   * The connections as production will run them, for a test that reconciles them itself (the
   * harness's connector is not told of {@link #connections}): ConnectionWiring over the harness's
   * beans, kept in {@link #wiring}.
   */
  ConnectionRegistry registry(ConnectorHarness h, Map<String, String> process) {
    wiring =
        new ConnectionWiring(
            new ConnectionWiring.Shared(
                h.context(),
                process::get,
                h.bean("connectorDatabase", Database.class),
                h.bean("secretBox", SecretBox.class),
                h.bean(ConnectorConfiguration.CLOCK, Clock.class),
                h.bean(ConnectorConfiguration.SLEEPER, Sleeper.class),
                h.bean("exactGovernors", ExactGovernors.class),
                null,
                h.bean("orderClaims", OrderClaims.class).instance(),
                3));
    return new ConnectionRegistry(
        new TemplateConnectionRuntime(h.context(), ConnectionWiring.TEMPLATES, wiring));
  }

  /** This connection's entry in GET /api/connections. */
  static JsonNode connection(ConnectorHarness h, String id) throws Exception {
    for (JsonNode c : JSON.readTree(h.call("GET", "/api/connections").body()).path("connections")) {
      if (c.path("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no connection " + id);
  }

  /** The order's state in the connection's ledger; empty while the connection is not running. */
  static Optional<OrderLedger.State> state(
      ConnectionWiring wiring, String connection, ObjectNode order) {
    ConnectionWiring.Built b = wiring.connection(connection);
    return b == null ? Optional.empty() : b.state().ledger().find(id(order)).map(e -> e.state());
  }

  static String id(ObjectNode order) {
    return order.path("id").asText();
  }

  /** The connection's rows in the order ledger, counted in the database (running or not). */
  static int ledgerRows(ConnectorHarness h, String connection) throws Exception {
    try (Connection c = h.bean("connectorDatabase", Database.class).connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM order_ledger WHERE connection_id = ?")) {
      ps.setString(1, connection);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** shop-b's token chain at its Exact: RT-B1 gives AT-B1, then RT-B2 gives AT-B2. */
  static void shopBTokens() {
    ExactStubs.token(exactB, "RT-B1", "RT-B2", "AT-B1");
    ExactStubs.token(exactB, "RT-B2", "RT-B3", "AT-B2");
  }

  /**
   * Both shops ready to book orders: their tokens (shop A's chain of 6), each Exact's {@link
   * #reference} data, booking as {@code orderA} number 1001 in shop A's division and as {@code
   * orderB} number 2001 in shop-b's, and each Squarespace with a payment of 12.10 EUR.
   */
  static void bothShopsBook(String orderA, String orderB) {
    ExactStubs.tokenChain(exactA, 6);
    shopBTokens();
    reference(exactA, ExactStubs.DIVISION, orderA, 1001);
    reference(exactB, DIVISION_B, orderB, 2001);
    stubPayment(squarespaceA, "12.10");
    stubPayment(squarespaceB, "12.10");
  }

  /** The URI of the endpoint the route consumes from. */
  static String endpoint(ConnectorHarness h, String routeId) {
    return h.context().getRoute(routeId).getEndpoint().getEndpointUri();
  }

  /**
   * One Exact division's reference data (the order tests' VAT codes, payment conditions and
   * shipping methods; items without TSHIRT-XL), no debtors yet but a new one accepted, and bookings
   * answered as sales order {@code orderId} number {@code n}.
   */
  static void reference(WireMockExtension wm, String division, String orderId, int n) {
    String rest = "/api/v1/" + division + "/";
    stubRows(wm, rest + "vat/VATCodes", OrderFlowTestSupport.VAT_CODES);
    stubRows(wm, rest + "cashflow/PaymentConditions", OrderFlowTestSupport.PAYMENT_CONDITIONS);
    stubRows(wm, rest + "sales/ShippingMethods", OrderFlowTestSupport.SHIPPING_METHODS);
    stubRows(
        wm,
        rest + "sync/Logistics/Items",
        String.join(
            ",",
            item("a1", "ESPRESSO"),
            item("a3", "SHIPPING"),
            item("a4", "DISCOUNT"),
            item("a5", "NOSKU")));
    stubRows(wm, rest + "sync/CRM/Accounts", "");
    stubRows(wm, rest + "sync/CRM/Contacts", "");
    stubRows(wm, rest + "sync/CRM/Addresses", "");
    stubRows(wm, rest + "salesorder/SalesOrders", "");
    wm.stubFor(
        post(urlPathEqualTo(rest + "crm/Accounts"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.Account\"},"
                        + "\"ID\":\"8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a99\","
                        + "\"Code\":\"               101\"}}")));
    salesOrders(wm, division, orderId, n, 0);
  }

  /** This Exact stand-in books a sales order as {@code orderId}, number {@code number}, slowly. */
  static void salesOrders(
      WireMockExtension wm, String division, String orderId, int number, int delayMillis) {
    wm.stubFor(
        post(urlPathEqualTo("/api/v1/" + division + "/salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                        201,
                        "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.SalesOrder\"},"
                            + "\"OrderID\":\""
                            + orderId
                            + "\",\"OrderNumber\":"
                            + number
                            + "}}")
                    .withFixedDelay(delayMillis)));
  }
}
