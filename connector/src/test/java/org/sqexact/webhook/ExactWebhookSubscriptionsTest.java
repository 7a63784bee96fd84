package org.sqexact.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.ExactStubs;

/**
 * Exact Online webhook subscriptions over HTTP: listed through the operator API (ours marked),
 * removed on request, removed at the next start when the callback URL was emptied, and removed at
 * shutdown when the setting says so; never another app's.
 */
class ExactWebhookSubscriptionsTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String OURS = "https://connector.example.nl/webhooks/exact";
  private static final String OTHER = "https://other-app.example.com/hook";
  private static final String PATH = "webhooks/WebhookSubscriptions";
  private static final String[] IDS = {
    "0a1b2c3d-0000-4000-8000-000000000001",
    "0a1b2c3d-0000-4000-8000-000000000002",
    "0a1b2c3d-0000-4000-8000-000000000003",
    "0a1b2c3d-0000-4000-8000-000000000009"
  };

  private static String row(String id, String url, String topic) {
    return "{\"ID\":\"" + id + "\",\"CallbackURL\":\"" + url + "\",\"Topic\":\"" + topic + "\"}";
  }

  private static void stubSubscriptions() {
    stubGet(
        PATH,
        row(IDS[0], OURS, "StockPositions")
            + ","
            + row(IDS[1], OURS, "Items")
            + ","
            + row(IDS[2], OURS, "GoodsDeliveries")
            + ","
            + row(IDS[3], OTHER, "Accounts"));
    exact.stubFor(delete(anyUrl()).atPriority(5).willReturn(aResponse().withStatus(204)));
  }

  private static List<String> deleted() {
    return exact.findAll(deleteRequestedFor(anyUrl())).stream()
        .map(r -> java.net.URLDecoder.decode(r.getUrl(), java.nio.charset.StandardCharsets.UTF_8))
        .toList();
  }

  private static void assertOursDeleted() {
    List<String> urls = deleted();
    assertEquals(3, urls.size(), urls.toString());
    for (int i = 0; i < 3; i++) {
      assertTrue(urls.contains(ExactStubs.REST + PATH + "(guid'" + IDS[i] + "')"), urls.toString());
    }
    assertFalse(urls.stream().anyMatch(u -> u.contains(IDS[3])), "another app's is left alone");
  }

  @Test
  void listedAndRemovedThroughTheOperatorApi() throws Exception {
    settings.put("exact.webhook-callback-url", OURS);
    stubSubscriptions();
    start();

    HttpResponse<String> list = connector.call("GET", "/api/exact/webhooks");
    assertEquals(200, list.statusCode(), list.body());
    JsonNode subs = MAPPER.readTree(list.body()).path("subscriptions");
    assertEquals(4, subs.size());
    assertTrue(subs.get(0).path("ours").asBoolean());
    assertFalse(subs.get(3).path("ours").asBoolean());

    HttpResponse<String> removed =
        HttpClient.newHttpClient()
            .send(
                connector
                    .request("/api/exact/webhooks")
                    .header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, removed.statusCode(), removed.body());
    assertOursDeleted();
  }

  @Test
  void switchedOffTheSubscriptionsToTheOldUrlAreRemovedAtTheNextStart() {
    settings.put("exact.webhook-callback-url", OURS);
    stubGet(PATH, "");
    exact.stubFor(
        post(urlPathEqualTo(ExactStubs.REST + PATH))
            .willReturn(ExactStubs.json(201, "{\"d\":{\"ID\":\"" + IDS[0] + "\"}}")));
    start();
    connector.template().requestBody("direct:exact-webhook-subscriptions", "");
    assertEquals(3, posts(PATH).size(), "StockPositions, Items, GoodsDeliveries");
    connector.close();
    assertTrue(deleted().isEmpty(), "kept at shutdown by default");

    // the feature switched off: the same database, no callback URL
    settings.remove("exact.webhook-callback-url");
    stubSubscriptions();
    start();
    connector.template().requestBody("direct:exact-webhook-subscriptions", "");
    assertOursDeleted();
    assertEquals(3, posts(PATH).size(), "nothing subscribed again");
  }

  @Test
  void removedAtShutdownWhenTheSettingSaysSo() {
    settings.put("exact.webhook-callback-url", OURS);
    settings.put("exact.webhook-unsubscribe-on-shutdown", "true");
    stubSubscriptions();
    start();
    assertTrue(deleted().isEmpty());
    connector.close();
    assertOursDeleted();
  }
}
