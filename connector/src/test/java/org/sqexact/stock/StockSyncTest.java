package org.sqexact.stock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.ops.Alerts;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;

/**
 * The stock flow through its routes, against WireMock stand-ins of Exact Online (sync API) and
 * Squarespace (Inventory API): what is read, what is written, in which batches, with which keys.
 */
class StockSyncTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POSITIONS = ExactStubs.REST + "sync/Inventory/StockPositions";
  private static final String ADJUST = "/1.0/commerce/inventory/adjustments";

  @RegisterExtension
  static WireMockExtension exact =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension squarespace =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final TestClock clock = new TestClock();
  private Map<String, String> settings;
  private ConnectorHarness connector;

  @BeforeEach
  void setUp() {
    settings = ConnectorHarness.settings(squarespace.baseUrl(), exact.baseUrl());
    ExactStubs.tokenChain(exact, 4);
    squarespace.stubFor(post(urlPathEqualTo(ADJUST)).willReturn(aResponse().withStatus(204)));
  }

  @AfterEach
  void tearDown() {
    if (connector != null) {
      connector.close();
    }
  }

  /** Exact's positions for the first (full) read, {@code Timestamp gt 1L}. */
  private static void positions(String filter, String rows) {
    exact.stubFor(
        get(urlPathEqualTo(POSITIONS))
            .withQueryParam("$filter", equalTo(filter))
            .willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  private static String position(long ts, String sku, String warehouse, String free) {
    return "{\"Timestamp\":\""
        + ts
        + "\",\"ItemCode\":\""
        + sku
        + "\",\"FreeStock\":"
        + free
        + ",\"Warehouse\":\"00000000-0000-4000-8000-00000000000"
        + warehouse
        + "\",\"WarehouseCode\":\""
        + warehouse
        + "\"}";
  }

  private static void inventory(String... items) {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/inventory"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"inventory\":["
                            + String.join(",", items)
                            + "],\"pagination\":{\"hasNextPage\":false,\"nextPageCursor\":null}}")));
  }

  private static String variant(String id, String sku, boolean unlimited, int quantity) {
    return "{\"variantId\":\""
        + id
        + "\",\"sku\":\""
        + sku
        + "\",\"descriptor\":\"x\",\"isUnlimited\":"
        + unlimited
        + ",\"quantity\":"
        + quantity
        + "}";
  }

  private void runStock() {
    if (connector == null) {
      connector = ConnectorHarness.start(settings, clock);
    }
    connector.template().sendBody("direct:stock-sync", null);
  }

  private static List<LoggedRequest> adjustments() {
    return squarespace.findAll(postRequestedFor(urlPathEqualTo(ADJUST)));
  }

  private static Map<String, Long> levels(List<LoggedRequest> requests) {
    Map<String, Long> out = new HashMap<>();
    for (LoggedRequest r : requests) {
      for (JsonNode op : body(r).path("setFiniteOperations")) {
        out.put(op.path("variantId").asText(), op.path("quantity").asLong());
      }
    }
    return out;
  }

  private static JsonNode body(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void writesChangedLevelsInBatchesOfAtMostFiftyWithOneKeyEach() {
    List<String> rows = new ArrayList<>();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rows.add(position(100 + i, "SKU-" + i, "1", Integer.toString(i)));
      items.add(variant("v-" + i, "SKU-" + i, false, 1000));
    }
    // two warehouses, summed and rounded down; a negative position never makes the level negative
    rows.add(position(300, "SUM", "1", "2.75"));
    rows.add(position(301, "SUM", "2", "3.5"));
    rows.add(position(302, "NEG", "1", "-4"));
    rows.add(position(303, "SAME", "1", "7"));
    rows.add(position(304, "UNLIM", "1", "9"));
    rows.add(position(305, "DUP", "1", "5"));
    rows.add(position(306, "NOT-IN-SHOP", "1", "5"));
    positions("Timestamp gt 1L", String.join(",", rows));
    items.add(variant("v-sum", "SUM", false, 0));
    items.add(variant("v-neg", "NEG", false, 3));
    items.add(variant("v-same", "SAME", false, 7));
    items.add(variant("v-unlim", "UNLIM", true, 0));
    items.add(variant("v-dup1", "DUP", false, 1));
    items.add(variant("v-dup2", "DUP", false, 1));
    items.add(variant("v-shop-only", "SHOP-ONLY", false, 4));
    inventory(items.toArray(String[]::new));

    runStock();

    List<LoggedRequest> requests = adjustments();
    assertEquals(3, requests.size(), "122 levels → 50 + 50 + 22");
    Set<String> keys = new HashSet<>();
    for (LoggedRequest r : requests) {
      JsonNode body = body(r);
      assertTrue(body.path("setFiniteOperations").size() <= 50);
      assertFalse(body.has("incrementOperations") || body.has("decrementOperations"));
      keys.add(r.getHeader("Idempotency-Key"));
    }
    assertEquals(3, keys.size(), "one Idempotency-Key per batch");
    Map<String, Long> levels = levels(requests);
    assertEquals(122, levels.size());
    assertEquals(6L, levels.get("v-sum"), "2.75 + 3.5 rounded down");
    assertEquals(0L, levels.get("v-neg"));
    assertEquals(42L, levels.get("v-42"));
    assertFalse(levels.containsKey("v-same"), "the shop already shows 7");
    assertFalse(levels.containsKey("v-unlim"), "unlimited stays unlimited");
    assertFalse(levels.containsKey("v-dup1") || levels.containsKey("v-dup2"), "duplicate SKU");
    assertFalse(levels.containsKey("v-shop-only"), "a SKU Exact does not know is left alone");
    Alerts alerts = connector.bean("alerts", Alerts.class);
    assertTrue(
        alerts.recent().stream()
            .anyMatch(a -> a.code().equals("stock-duplicate-sku") && a.message().contains("DUP")));
  }

  @Test
  void readsOnlyWhatChangedSinceTheLastTimestampAndWritesOnlyChangedLevels() {
    positions("Timestamp gt 1L", position(500, "A", "1", "5") + "," + position(501, "B", "1", "8"));
    positions("Timestamp gt 501L", position(502, "A", "1", "4"));
    positions("Timestamp gt 502L", "");
    inventory(variant("v-a", "A", false, 0), variant("v-b", "B", false, 0));

    runStock();
    assertEquals(Map.of("v-a", 5L, "v-b", 8L), levels(adjustments()));
    squarespace.resetRequests();

    runStock(); // A dropped to 4 in Exact
    assertEquals(Map.of("v-a", 4L), levels(adjustments()));
    squarespace.resetRequests();

    runStock(); // nothing changed: nothing written
    assertEquals(0, adjustments().size());
    List<String> filters = new ArrayList<>();
    exact
        .findAll(getRequestedFor(urlPathEqualTo(POSITIONS)))
        .forEach(r -> filters.add(r.queryParameter("$filter").firstValue()));
    assertEquals(List.of("Timestamp gt 1L", "Timestamp gt 501L", "Timestamp gt 502L"), filters);
  }

  @Test
  void aBatchIsSentAgainWithTheSameKeyAndBodyAfterAConflict() {
    positions("Timestamp gt 1L", position(10, "A", "1", "5"));
    positions("Timestamp gt 10L", "");
    inventory(variant("v-a", "A", false, 0));
    squarespace.stubFor(
        post(urlPathEqualTo(ADJUST))
            .inScenario("conflict")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\":\"CONFLICT\",\"subtype\":\"CONCURRENT_MODIFICATION\","
                            + "\"message\":\"busy\",\"details\":null,\"contextId\":\"X\"}"))
            .willSetStateTo("free"));
    squarespace.stubFor(
        post(urlPathEqualTo(ADJUST))
            .inScenario("conflict")
            .whenScenarioStateIs("free")
            .willReturn(aResponse().withStatus(204)));

    runStock();
    runStock();

    List<LoggedRequest> requests = adjustments();
    assertEquals(2, requests.size());
    assertEquals(
        requests.get(0).getHeader("Idempotency-Key"), requests.get(1).getHeader("Idempotency-Key"));
    assertEquals(requests.get(0).getBodyAsString(), requests.get(1).getBodyAsString());
    assertEquals(0, connector.bean("stockStore", StockStore.class).count("PENDING"));
    squarespace.resetRequests();
    runStock();
    assertEquals(0, adjustments().size(), "written once: nothing left to send");
  }

  @Test
  void aRefusedLevelIsFoundByItselfReportedAndNotSentAgain() {
    positions(
        "Timestamp gt 1L",
        position(10, "A", "1", "5") + "," + position(11, "HUGE", "1", "99999999"));
    positions("Timestamp gt 11L", "");
    inventory(variant("v-a", "A", false, 0), variant("v-huge", "HUGE", false, 0));
    squarespace.stubFor(
        post(urlPathEqualTo(ADJUST))
            .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("v-huge"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\":\"CONFLICT\",\"subtype\":\"STOCK_EXCEEDS_MAX\","
                            + "\"message\":\"too much\",\"details\":null,\"contextId\":\"Y\"}")));

    runStock(); // the batch of two is refused: split
    runStock(); // each on its own: A passes, HUGE is refused and reported
    runStock(); // nothing is sent again

    List<LoggedRequest> requests = adjustments();
    assertEquals(3, requests.size());
    Set<String> keys = new HashSet<>();
    requests.forEach(r -> keys.add(r.getHeader("Idempotency-Key")));
    assertEquals(3, keys.size(), "a different body gets a different key");
    assertEquals(2, body(requests.get(0)).path("setFiniteOperations").size());
    assertNotEquals(
        requests.get(1).getBodyAsString(), requests.get(2).getBodyAsString(), "one level each");
    Alerts alerts = connector.bean("alerts", Alerts.class);
    assertTrue(
        alerts.recent().stream()
            .anyMatch(a -> a.code().equals("stock-refused") && a.message().contains("HUGE")));
    assertEquals(
        "A",
        connector.bean("stockStore", StockStore.class).level("A").map(l -> "A").orElse("none"));
  }

  @Test
  void aStockRunLeavesTheLastCallsOfAMinuteToOrders() {
    exact.stubFor(
        get(urlPathEqualTo(POSITIONS))
            .willReturn(
                ExactStubs.withRateHeaders(
                    aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(ExactStubs.page(position(10, "A", "1", "5"), null)),
                    3,
                    4900)));
    inventory(variant("v-a", "A", false, 0));

    runStock(); // Exact says: 3 calls left this minute
    runStock(); // so the next run waits for the next interval

    assertEquals(1, exact.findAll(getRequestedFor(urlPathEqualTo(POSITIONS))).size());
    assertTrue(
        connector.bean("activityLog", org.sqexact.store.ActivityLog.class).recent(null, 20).stream()
            .anyMatch(
                e -> e.outcome().equals("deferred") && e.message().contains("kept for orders")));
  }
}
