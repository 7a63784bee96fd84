package org.sqexact.exact;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.TestClock;

/** OData over real HTTP: paging, escaping, error bodies, and which failures are retried. */
class ExactApiTest {

  @RegisterExtension
  static WireMockExtension exact =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private Map<String, String> settings;

  @BeforeEach
  void stubs() {
    settings = ConnectorHarness.settings("http://localhost:1", exact.baseUrl());
    ExactStubs.tokenChain(exact, 3);
  }

  private static String rows(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(sb.length() == 0 ? "" : ",")
          .append("{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.Item\"},\"ID\":\"")
          .append(i)
          .append("\",\"Code\":\"SKU-")
          .append(i)
          .append("\"}");
    }
    return sb.toString();
  }

  @Test
  void followsNextLinksUntilTheLastPage() {
    String base = exact.baseUrl() + ExactStubs.REST + "logistics/Items";
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))
            .withQueryParam("$select", equalTo("ID,Code"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        rows(0, 60), base + "?$select=ID,Code&$skiptoken=guid'0000-60'"))));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))
            .withQueryParam("$skiptoken", equalTo("guid'0000-60'"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page(
                        rows(60, 120), base + "?$select=ID,Code&$skiptoken=guid'0000-120'"))));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))
            .withQueryParam("$skiptoken", equalTo("guid'0000-120'"))
            .willReturn(ExactStubs.json(200, ExactStubs.page(rows(120, 130), null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      List<JsonNode> all =
          h.bean("exactApi", ExactApi.class)
              .all("logistics/Items", OData.select("ID", "Code"), Priority.ORDERS);
      assertEquals(130, all.size());
      assertEquals("SKU-129", all.get(129).path("Code").asText());
    }
    assertEquals(
        3,
        exact.findAll(getRequestedFor(urlPathEqualTo(ExactStubs.REST + "logistics/Items"))).size());
  }

  @Test
  void escapesApostrophesInFilterLiterals() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .withQueryParam("$filter", equalTo("Email eq 'o''brien@example.com' and Status eq 'C'"))
            .willReturn(
                ExactStubs.json(
                    200,
                    ExactStubs.page("{\"ID\":\"a1\",\"Email\":\"o'brien@example.com\"}", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      List<JsonNode> found =
          h.bean("exactApi", ExactApi.class)
              .all(
                  "crm/Accounts",
                  OData.select("ID", "Email")
                      .filter(
                          "Email eq " + OData.quote("o'brien@example.com") + " and Status eq 'C'"),
                  Priority.ORDERS);
      assertEquals(1, found.size());
    }
  }

  @Test
  void surfacesExactsErrorMessageAndDoesNotRetryAFunctionalError() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(ExactStubs.json(400, ExactStubs.error("Verplicht: Artikel"))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      ExactFunctionalException e =
          assertThrows(
              ExactFunctionalException.class,
              () ->
                  h.bean("exactApi", ExactApi.class)
                      .post(
                          "salesorder/SalesOrders",
                          new ObjectMapper().readTree("{\"OrderedBy\":\"x\"}"),
                          Priority.ORDERS));
      assertEquals("Verplicht: Artikel", e.getExactMessage());
      assertTrue(
          e.getMessage().contains("400") && e.getMessage().contains("salesorder/SalesOrders"));
      List<ActivityLog.Entry> log = h.bean("activityLog", ActivityLog.class).recent(null, 10);
      assertTrue(log.stream().anyMatch(l -> "Verplicht: Artikel".equals(l.message())));
    }
    exact.verify(
        1,
        postRequestedFor(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader("Prefer", equalTo("return=representation"))
            .withRequestBody(equalToJson("{\"OrderedBy\":\"x\"}")));
  }

  @Test
  void retriesReadsAfterServerErrorsWithBackoff() {
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .inScenario("5xx")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(ExactStubs.json(503, ExactStubs.error("Service unavailable")))
            .willSetStateTo("reset"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .inScenario("5xx")
            .whenScenarioStateIs("reset")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("ok"));
    exact.stubFor(
        get(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .inScenario("5xx")
            .whenScenarioStateIs("ok")
            .willReturn(ExactStubs.json(200, ExactStubs.page("{\"ID\":\"1\"}", null))));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      assertEquals(
          1,
          h.bean("exactApi", ExactApi.class)
              .page("crm/Accounts", OData.select("ID"), Priority.ORDERS)
              .rows()
              .size());
    }
    assertEquals(
        3, exact.findAll(getRequestedFor(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))).size());
  }

  @Test
  void aWriteWhoseResponseIsLostIsNotSentAgain() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      assertThrows(
          ExactOutcomeUnknownException.class,
          () ->
              h.bean("exactApi", ExactApi.class)
                  .post(
                      "salesorder/SalesOrders",
                      new ObjectMapper().readTree("{\"OrderedBy\":\"x\"}"),
                      Priority.ORDERS));
    }
    exact.verify(1, postRequestedFor(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders")));
  }

  @Test
  void parsesExactDates() {
    assertEquals(Instant.ofEpochMilli(1455753600000L), OData.parseDate("/Date(1455753600000)/"));
    assertEquals(
        Instant.ofEpochMilli(1455753600000L), OData.parseDate("/Date(1455753600000+0100)/"));
    assertEquals(null, OData.parseDate(""));
    assertEquals("'o''brien'", OData.quote("o'brien"));
    assertEquals("Code eq 'A' or Code eq 'B''s'", OData.anyOf("Code", List.of("A", "B's")));
  }
}
