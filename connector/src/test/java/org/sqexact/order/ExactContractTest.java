package org.sqexact.order;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqexact.mapping.Edmx;
import org.sqexact.testing.ExactStubs;
import org.sqexact.testing.Orders;

/**
 * The contract with Exact Online: every property the connector posts or puts exists on its
 * EntityType in Exact's own {@code $metadata} (src/main/resources/exact-edmx, verbatim), and every
 * nested collection is a navigation property whose lines carry only their type's properties. Exact
 * rejects a payload with an unknown field.
 */
class ExactContractTest extends OrderFlowTestSupport {

  @BeforeEach
  void referenceData() {
    DocumentTypesTest.stubDocumentReferenceData();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sales-order", "sales-invoice", "direct-sales-invoice", "sales-entry"})
  void everyPostedPropertyExistsOnItsEntityType(String documentType) {
    settings.put("orders.document-type", documentType);
    settings.put("orders.finalise-invoices", "true");
    ObjectNode company =
        Orders.order("3001")
            .form("Company name", "Koffiehuis De Boon B.V.")
            .form("VAT number", "NL123456789B01")
            .shipTo(Orders.address("Els", "Visser", "Hauptstr. 5b", "10115", "Berlin", "DE"))
            .line("ESPRESSO", "Espresso", 2, "12.10")
            .line(null, "Cadeaubon", 1, "25.00")
            .shipping("PostNL", "4.95")
            .discount("WELKOM", "2.00")
            .total("0.00");
    ObjectNode moved =
        Orders.order("3002")
            .set("customerEmail", "piet@example.nl")
            .billing(Orders.address("Piet", "Bakker", "Stationsweg 9", "3511 AB", "Utrecht", "NL"))
            .shipTo(Orders.address("Piet", "Bakker", "Stationsweg 9", "3511 AB", "Utrecht", "NL"))
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    poll(company, moved);

    List<LoggedRequest> writes = new ArrayList<>();
    writes.addAll(exact.findAll(WireMock.postRequestedFor(anyUrl())));
    writes.addAll(exact.findAll(WireMock.putRequestedFor(anyUrl())));
    writes.removeIf(r -> r.getUrl().startsWith("/api/oauth2/"));
    assertTrue(writes.size() >= 5, "accounts, contact, address, documents: " + writes.size());
    for (LoggedRequest r : writes) {
      String path = r.getUrl().replace(ExactStubs.REST, "").replaceAll("\\(.*", "");
      String[] parts = path.split("/");
      Edmx.EntityType type = Edmx.service(parts[0]).entitySet(parts[1]);
      assertNotNull(type, "no entity set " + path + " in the EDMX");
      check(type, body(r), r.getMethod() + " " + path);
    }
  }

  private static void check(Edmx.EntityType type, JsonNode body, String where) {
    assertFalse(body.isEmpty(), where + " sends nothing");
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      String name = field.getKey();
      if (field.getValue().isArray()) {
        Edmx.EntityType lineType = type.navigation().get(name);
        assertNotNull(lineType, where + ": '" + name + "' is not a line collection of " + type);
        for (JsonNode line : field.getValue()) {
          check(lineType, line, where + " " + name);
        }
      } else {
        assertNotNull(
            type.propertyType(name), where + ": '" + name + "' is not a property of " + type);
      }
    }
  }
}
