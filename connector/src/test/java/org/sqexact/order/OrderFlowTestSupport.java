package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.store.OrderLedger;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.FaultyExact;
import org.sqexact.testing.Orders;
import org.sqexact.testing.TestClock;

/**
 * Starts the connector against WireMock stand-ins of Squarespace and Exact Online, with Exact's
 * reference data (VAT codes, items, one returning customer) in place.
 */
public abstract class OrderFlowTestSupport {

  static final String ACCOUNT_EXISTING = "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a01";
  static final String ACCOUNT_NEW = "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a99";
  static final String ACCOUNT_DEFAULT = "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0aff";
  static final String CONTACT_NEW = "1c2d3e4f-0000-4000-8000-00000000c001";
  static final String ADDRESS_NEW = "1c2d3e4f-0000-4000-8000-00000000a001";
  static final String ORDER_GUID = "60ecbe5d-0000-4000-8000-000000000001";
  static final String SHIPPING_POSTNL = "5b3c0000-0000-4000-8000-000000000001";

  /** An Exact division's VAT codes (rows of vat/VATCodes): 21% and 9%, excl. and incl., and 0%. */
  public static final String VAT_CODES =
      "{\"Code\":\"1  \",\"Description\":\"21% excl\",\"Percentage\":0.21,\"Type\":\"E\"},"
          + "{\"Code\":\"2  \",\"Description\":\"21% incl\",\"Percentage\":0.21,\"Type\":\"I\"},"
          + "{\"Code\":\"3\",\"Description\":\"9% excl\",\"Percentage\":0.09,\"Type\":\"E\"},"
          + "{\"Code\":\"4\",\"Description\":\"9% incl\",\"Percentage\":0.09,\"Type\":\"I\"},"
          + "{\"Code\":\"5\",\"Description\":\"0%\",\"Percentage\":0,\"Type\":\"B\"}";

  /** An Exact division's payment conditions (rows of cashflow/PaymentConditions). */
  public static final String PAYMENT_CONDITIONS =
      "{\"ID\":\"p1\",\"Code\":\"00\",\"Description\":\"Direct\"},"
          + "{\"ID\":\"p2\",\"Code\":\"ST\",\"Description\":\"Stripe\"},"
          + "{\"ID\":\"p3\",\"Code\":\"PP\",\"Description\":\"PayPal\"}";

  /** An Exact division's shipping methods (rows of sales/ShippingMethods), PostNL first. */
  public static final String SHIPPING_METHODS =
      "{\"ID\":\""
          + SHIPPING_POSTNL
          + "\",\"Code\":\"POSTNL\",\"Description\":\"PostNL\"},"
          + "{\"ID\":\"5b3c0000-0000-4000-8000-000000000002\",\"Code\":\"DHL\"},"
          + "{\"ID\":\"5b3c0000-0000-4000-8000-000000000003\",\"Code\":\"PICKUP\"}";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setNodeFactory(
              com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** Inactive unless a test starts it: state and faults in front of the Exact stubs. */
  protected static final FaultyExact FAULTY = new FaultyExact();

  @RegisterExtension
  protected static WireMockExtension exact =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(FAULTY))
          .build();

  @RegisterExtension
  protected static WireMockExtension squarespace =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  protected final TestClock clock = new TestClock();
  protected Map<String, String> settings;
  protected ConnectorHarness connector;

  @BeforeEach
  void exactReferenceData() {
    settings = ConnectorHarness.settings(squarespace.baseUrl(), exact.baseUrl());
    settings.put("sync.orders-since", "2026-01-01T00:00:00Z");
    ExactStubs.tokenChain(exact, 6);
    stubGet("vat/VATCodes", VAT_CODES);
    stubGet("cashflow/PaymentConditions", PAYMENT_CONDITIONS);
    stubGet("sales/ShippingMethods", SHIPPING_METHODS);
    stubPayment(squarespace, "10.00");
    stubGet(
        "sync/Logistics/Items",
        item("a1", "ESPRESSO")
            + ","
            + item("a2", "GRINDER")
            + ","
            + item("a3", "SHIPPING")
            + ","
            + item("a4", "DISCOUNT")
            + ","
            + item("a5", "NOSKU"));
    stubGet(
        "sync/CRM/Accounts",
        "{\"ID\":\""
            + ACCOUNT_EXISTING
            + "\",\"Code\":\"                42\",\"Name\":\"Piet Bakker\",\"Email\":\"Piet@Example.nl\","
            + "\"Status\":\"C\",\"IsSales\":true,\"Blocked\":false,\"AddressLine1\":\"Dorpsstraat 1\","
            + "\"AddressLine2\":null,\"Postcode\":\"1234 AB\",\"City\":\"Utrecht\",\"Country\":\"NL\","
            + "\"VATNumber\":null,\"Phone\":null,\"Timestamp\":1001}");
    stubGet("sync/CRM/Contacts", "");
    stubGet("sync/CRM/Addresses", "");
    stubGet("salesorder/SalesOrders", "");
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "crm/Accounts"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.Account\"},\"ID\":\""
                        + ACCOUNT_NEW
                        + "\",\"Code\":\"               101\"}}")));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "crm/Contacts"))
            .willReturn(ExactStubs.json(201, "{\"d\":{\"ID\":\"" + CONTACT_NEW + "\"}}")));
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "crm/Addresses"))
            .willReturn(ExactStubs.json(201, "{\"d\":{\"ID\":\"" + ADDRESS_NEW + "\"}}")));
    exact.stubFor(
        put(urlPathMatching(ExactStubs.REST + "crm/Accounts\\(guid'.*'\\)"))
            .willReturn(ExactStubs.withRateHeaders(aResponse().withStatus(204), 55, 4900)));
    acceptSalesOrders();
  }

  @AfterEach
  void stop() {
    FAULTY.stop();
    if (connector != null) {
      connector.close();
    }
  }

  protected static void acceptSalesOrders() {
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + "salesorder/SalesOrders"))
            .willReturn(
                ExactStubs.json(
                    201,
                    "{\"d\":{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.SalesOrder\"},\"OrderID\":\""
                        + ORDER_GUID
                        + "\",\"OrderNumber\":1234}}")));
  }

  /** One row of Exact's sync/Logistics/Items: a sales item whose code is also its description. */
  public static String item(String id, String code) {
    return "{\"ID\":\"00000000-0000-4000-8000-0000000000"
        + id
        + "\",\"Code\":\""
        + code
        + "\",\"Description\":\""
        + code
        + "\",\"IsSalesItem\":true,\"Timestamp\":"
        + (code.hashCode() & 0xffff)
        + "}";
  }

  protected static void stubGet(String path, String rows) {
    stubRows(exact, ExactStubs.REST + path, rows);
  }

  /** This Exact stand-in answers a GET of {@code path} with one page of these rows. */
  public static void stubRows(WireMockExtension wm, String path, String rows) {
    wm.stubFor(
        get(urlPathEqualTo(path)).willReturn(ExactStubs.json(200, ExactStubs.page(rows, null))));
  }

  protected ConnectorHarness start() {
    connector = ConnectorHarness.start(settings, clock);
    return connector;
  }

  /** Squarespace lists these orders; the connector polls once. */
  protected void poll(ObjectNode... orders) {
    listOrders(squarespace, orders);
    if (connector == null) {
      start();
    }
    connector.template().sendBody("direct:poll-orders", null);
  }

  /** This Squarespace stand-in has one payment of {@code amount} EUR by Stripe, for any order. */
  public static void stubPayment(WireMockExtension sq, String amount) {
    sq.stubFor(
        get(urlPathEqualTo("/1.0/commerce/transactions"))
            .willReturn(
                okJson(
                    "{\"documents\":[{\"payments\":[{\"amount\":{\"value\":\""
                        + amount
                        + "\",\"currency\":\"EUR\"},\"provider\":\"STRIPE\",\"creditCardType\":"
                        + "\"VISA\",\"giftCardId\":null,\"refunds\":[]}]}],"
                        + "\"pagination\":{\"hasNextPage\":false}}")));
  }

  /** This Squarespace stand-in lists these orders (one page) and answers each one's details. */
  public static void listOrders(WireMockExtension sq, ObjectNode... orders) {
    sq.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Orders.page(orders))));
    for (ObjectNode o : orders) {
      sq.stubFor(
          get(urlPathEqualTo("/1.0/commerce/orders/" + o.path("id").asText()))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/json")
                      .withBody(o.toString())));
    }
  }

  protected OrderLedger.Entry ledger(ObjectNode order) {
    return connector
        .bean("orderLedger", OrderLedger.class)
        .find(order.path("id").asText())
        .orElseThrow(() -> new AssertionError("order not in the ledger"));
  }

  protected static List<LoggedRequest> posts(String path) {
    return exact.findAll(
        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
            urlPathEqualTo(ExactStubs.REST + path)));
  }

  protected static List<LoggedRequest> puts(String pathRegex) {
    return exact.findAll(
        com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
            urlPathMatching(ExactStubs.REST + pathRegex)));
  }

  protected static List<LoggedRequest> gets(String path) {
    return exact.findAll(
        com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
            urlPathEqualTo(ExactStubs.REST + path)));
  }

  /** Exact's item list now also holds these codes. */
  protected static void itemsInclude(String... codes) {
    StringBuilder rows = new StringBuilder();
    rows.append(item("a1", "ESPRESSO")).append(',').append(item("a3", "SHIPPING"));
    int i = 10;
    for (String c : codes) {
      rows.append(',').append(item(String.format("%02x", 0xb0 + i++), c));
    }
    stubGet("sync/Logistics/Items", rows.toString());
  }

  protected static JsonNode body(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
