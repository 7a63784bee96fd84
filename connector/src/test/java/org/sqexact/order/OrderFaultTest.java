package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/** Whatever fails when, every eligible order ends as exactly one Exact document. */
class OrderFaultTest extends OrderFlowTestSupport {

  private static final String FOUND_1042 =
      "{\"OrderID\":\"" + ORDER_GUID + "\",\"OrderNumber\":1234,\"YourRef\":\"1042\"}";

  private ObjectNode order() {
    return Orders.order("1042").line("ESPRESSO", "Espresso", 1, "12.10").total("2.10");
  }

  /** Exact's answer to "YourRef eq '1042'" once the POST has reached it. */
  private static void exactHasTheOrderAfterThePost(String scenarioState) {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("post")
            .whenScenarioStateIs(scenarioState)
            .willReturn(ExactStubs.json(200, ExactStubs.page(FOUND_1042, null))));
  }

  @Test
  void aPostWhoseResponseIsLostEndsAsOneOrder() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("post")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE))
            .willSetStateTo("committed"));
    exactHasTheOrderAfterThePost("committed");
    ObjectNode order = order();
    poll(order);

    // the unknown outcome is settled at once by one look-up: no back-off of minutes
    var entry = ledger(order);
    assertEquals(State.BOOKED, entry.state());
    assertEquals("1234", entry.documentNumber());
    assertEquals(1, posts("salesorder/SalesOrders").size(), "never a second POST");
    var requests = exact.getAllServeEvents();
    long lookUpsAfterPost =
        requests.stream()
            .filter(
                e ->
                    e.getRequest().getMethod().getName().equals("GET")
                        && e.getRequest().getUrl().contains("salesorder/SalesOrders")
                        && e.getRequest()
                            .getLoggedDate()
                            .after(posts("salesorder/SalesOrders").get(0).getLoggedDate()))
            .count();
    assertTrue(lookUpsAfterPost >= 1, "Exact was asked about YourRef after the lost response");
  }

  @Test
  void aCustomerWriteWhoseResponseIsLostIsSettledByOneLookUpAndNotSentAgain() {
    String newAccount =
        "{\"ID\":\""
            + ACCOUNT_NEW
            + "\",\"Code\":\"               101\",\"Name\":\"Anna de Vries\","
            + "\"Email\":\"anna@example.nl\",\"Status\":\"C\",\"Timestamp\":2001}";
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .inScenario("account")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("committed"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "sync/CRM/Accounts"))
            .inScenario("account")
            .whenScenarioStateIs("committed")
            .willReturn(ExactStubs.json(200, ExactStubs.page(newAccount, null))));
    ObjectNode order =
        Orders.order("1042")
            .set("customerEmail", "anna@example.nl")
            .billing(Orders.address("Anna", "de Vries", "Kerkstraat 5", "3511 AB", "Utrecht", "NL"))
            .shipTo(Orders.address("Anna", "de Vries", "Kerkstraat 5", "3511 AB", "Utrecht", "NL"))
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(order);
    var entry = ledger(order);
    assertEquals(State.BOOKED, entry.state(), entry.lastError());
    assertEquals(1, posts("crm/Accounts").size(), "the account is not created twice");
    assertEquals(
        ACCOUNT_NEW,
        body(posts("salesorder/SalesOrders").get(0)).path("OrderedBy").asText(),
        "the order is booked on the account Exact has");
  }

  @Test
  void aProcessKilledBetweenThePostAndTheLedgerWriteBooksNothingTwiceAfterRestart()
      throws Exception {
    // as the default embedded database: every commit written at once (WRITE_DELAY=0)
    String url =
        "jdbc:h2:file:./connector/target/test-data/"
            + UUID.randomUUID()
            + "/connector;WRITE_DELAY=0";
    settings.put("connector.db-url", url);
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("post")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                ExactStubs.json(
                        201, "{\"d\":{\"OrderID\":\"" + ORDER_GUID + "\",\"OrderNumber\":1234}}")
                    .withFixedDelay(3000))
            .willSetStateTo("committed"));
    exactHasTheOrderAfterThePost("committed");
    ObjectNode order = order();
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Orders.page(order))));

    // the connector runs as its own process and is killed (SIGKILL) while Exact commits the POST
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (Map.Entry<String, String> e : settings.entrySet()) {
      command.add("-D" + e.getKey() + "=" + e.getValue());
    }
    command.add("-Dsync.auto-start=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.sqexact.ConnectorApplication");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(new File("connector/target/killed-connector.log"))
            .start();
    try {
      // a child process on real time: wait (at most a minute) until it is in the middle of the POST
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                assertTrue(
                    process.isAlive(),
                    "the child connector stopped; see connector/target/killed-connector.log");
                return !posts("salesorder/SalesOrders").isEmpty();
              });
    } finally {
      process.destroyForcibly().waitFor();
    }

    // restart on the same database; after a while the interrupted order is released and checked
    clock.advance(Duration.ofMinutes(11));
    poll(order);
    clock.advance(Duration.ofMinutes(2));
    poll(order);

    var entry = ledger(order);
    assertEquals(State.BOOKED, entry.state());
    assertEquals("1234", entry.documentNumber());
    assertEquals(1, posts("salesorder/SalesOrders").size(), "never a second POST");
  }

  @Test
  void serverErrorsOnReadsAreRetriedAndAFailedPostIsCheckedBeforeItIsSentAgain() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("read")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(ExactStubs.json(503, ExactStubs.error("Service Unavailable")))
            .willSetStateTo("up"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("read")
            .whenScenarioStateIs("up")
            .willReturn(ExactStubs.json(200, ExactStubs.page("", null))));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("post")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(ExactStubs.json(500, ExactStubs.error("Internal server error")))
            .willSetStateTo("recovered"));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .inScenario("post")
            .whenScenarioStateIs("recovered")
            .willReturn(
                ExactStubs.json(
                    201, "{\"d\":{\"OrderID\":\"" + ORDER_GUID + "\",\"OrderNumber\":1234}}")));
    ObjectNode order = order();
    poll(order);
    // the 500 left the outcome unknown: Exact is asked at once, has nothing, the POST is sent once
    // more, and the order is booked in the same attempt
    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(1, ledger(order).attempts());
    assertEquals(2, posts("salesorder/SalesOrders").size());
    assertTrue(
        exact
                .findAll(
                    com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                            urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
                        .withQueryParam("$filter", equalTo("YourRef eq '1042'")))
                .size()
            >= 2,
        "Exact was asked about this order before the second POST");
  }

  @Test
  void whileExactKeepsFailingTheOrderWaitsAndIsNeverBookedTwice() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(ExactStubs.json(503, ExactStubs.error("Service Unavailable"))));
    ObjectNode order = order();
    poll(order);
    var failed = ledger(order);
    assertEquals(State.FAILED, failed.state());
    assertTrue(failed.outcomeUnknown());
    assertEquals(2, posts("salesorder/SalesOrders").size(), "one look-up, one more POST, no storm");

    acceptSalesOrders();
    clock.advance(Duration.ofMinutes(2));
    poll(order);
    assertEquals(State.BOOKED, ledger(order).state());
    assertEquals(3, posts("salesorder/SalesOrders").size());
  }

  @Test
  void aRefusalFromExactParksTheOrderAfterOneAttemptWithExactsMessage() {
    settings.put("orders.max-attempts", "3");
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(ExactStubs.json(400, ExactStubs.error("Verplicht: Betalingsconditie"))));
    ObjectNode order = order();
    poll(order);
    var parked = ledger(order);
    // a 400 about the order's content cannot succeed unchanged: no retries that each count as a
    // client error against Exact's limit of ten an hour per endpoint
    assertEquals(State.PARKED, parked.state());
    assertEquals(1, parked.attempts());
    assertTrue(parked.lastError().contains("Verplicht: Betalingsconditie"), parked.lastError());
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(30));
      poll(order);
    }
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(State.PARKED, ledger(order).state());
  }

  @Test
  void theSameOrderArrivingTwiceAtOnceIsBookedOnce() throws Exception {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                        201, "{\"d\":{\"OrderID\":\"" + ORDER_GUID + "\",\"OrderNumber\":1234}}")
                    .withFixedDelay(500)));
    ObjectNode order = order();
    start();
    CompletableFuture<?> a =
        CompletableFuture.runAsync(() -> connector.template().sendBody("direct:order", order));
    CompletableFuture<?> b =
        CompletableFuture.runAsync(() -> connector.template().sendBody("direct:order", order));
    a.get();
    b.get();
    assertEquals(1, posts("salesorder/SalesOrders").size());
    assertEquals(State.BOOKED, ledger(order).state());
  }
}
