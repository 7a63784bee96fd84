package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqexact.order.OrderFlowTestSupport;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.Orders;

/**
 * Alerts reach a person: a parked order becomes an e-mail (sent over SMTP to a real mail server,
 * GreenMail) and a webhook post, with the order number, the plain reason and a link; a storm of
 * identical alerts becomes one message with a count; a receiver that fails loses nothing else.
 */
class AlertDeliveryTest extends OrderFlowTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @RegisterExtension
  static GreenMailExtension mail =
      new GreenMailExtension(new ServerSetup(ConnectorHarness.freePort(), "127.0.0.1", "smtp"));

  @BeforeEach
  void alertChannels() {
    settings.put("alerts.email.to", "ops@shop.example, agency@shop.example");
    settings.put("alerts.email.from", "connector@shop.example");
    settings.put("alerts.smtp.host", "127.0.0.1");
    settings.put("alerts.smtp.port", Integer.toString(mail.getSmtp().getPort()));
    settings.put("alerts.smtp.starttls", "false");
    settings.put("alerts.webhook.url", squarespace.baseUrl() + "/hooks/alerts");
    settings.put("alerts.group-seconds", "2");
    settings.put("connector.public-url", "https://connector.shop.example");
    squarespace.stubFor(
        post(urlPathEqualTo("/hooks/alerts")).willReturn(aResponse().withStatus(200)));
  }

  @Test
  void aParkedOrderReachesTheOperatorByEmailAndWebhookWithItsReasonAndALink() throws Exception {
    ObjectNode order =
        Orders.order("1053").line("POSTER-A2", "Poster A2", 1, "19.95").total("3.46");
    poll(order);

    await().atMost(Duration.ofSeconds(20)).until(() -> mail.getReceivedMessages().length >= 2);
    MimeMessage[] received = mail.getReceivedMessages();
    assertEquals(2, received.length, "one message to each of the two recipients");
    MimeMessage message = received[0];
    assertEquals("connector@shop.example", message.getFrom()[0].toString());
    assertTrue(message.getSubject().contains("Order #1053 is parked"), message.getSubject());
    String text = GreenMailUtil.getBody(message);
    assertTrue(text.contains("SKU 'POSTER-A2'"), text);
    assertTrue(text.contains("https://connector.shop.example/console/order?n=1053"), text);
    assertFalse(text.contains("@"), "no e-mail address of the customer: " + text);

    await().atMost(Duration.ofSeconds(20)).until(() -> webhookPosts().size() >= 1);
    JsonNode slack = MAPPER.readTree(webhookPosts().get(0).getBodyAsString());
    assertTrue(slack.path("text").asText().contains("Order #1053 is parked"), slack.toString());
    assertTrue(slack.path("text").asText().contains("/console/order?n=1053"), slack.toString());
  }

  @Test
  void identicalAlertsAreGroupedIntoOneMessageWithACount() throws Exception {
    settings.put("alerts.email.to", "ops@shop.example");
    start();
    Alerts alerts = connector.bean("alerts", Alerts.class);
    for (int i = 0; i < 5; i++) {
      alerts.raise("budget-low", "Exact's daily budget is nearly spent", null, null);
    }
    alerts.raise("reauthorise", "Exact refused the refresh token: authorise again", null, null);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> countIn(subjects(), "budget-low") >= 5 && subjects().size() >= 2);
    List<String> subjects = subjects();
    // the five alerts of one cause arrive as one message with a count (two, should the
    // group's interval end between them), never as five messages
    long budgetMessages = subjects.stream().filter(s -> s.contains("budget")).count();
    assertTrue(budgetMessages <= 2, subjects.toString());
    assertEquals(5, countIn(subjects, "budget-low"), subjects.toString());
    assertEquals(1, subjects.stream().filter(s -> s.contains("authorise again")).count());
  }

  @Test
  void aFailingWebhookDoesNotStopTheEmailAndTeamsGetsAnAdaptiveCard() throws Exception {
    settings.put("alerts.webhook.format", "teams");
    squarespace.stubFor(
        post(urlPathEqualTo("/hooks/alerts")).willReturn(aResponse().withStatus(500)));
    start();
    connector
        .bean("alerts", Alerts.class)
        .raise("division", "Division 123456 cannot be used by this user", null, null);

    await().atMost(Duration.ofSeconds(20)).until(() -> mail.getReceivedMessages().length >= 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> webhookPosts().size() >= 1);
    JsonNode teams = MAPPER.readTree(webhookPosts().get(0).getBodyAsString());
    assertEquals("message", teams.path("type").asText());
    JsonNode card = teams.path("attachments").get(0);
    assertEquals("application/vnd.microsoft.card.adaptive", card.path("contentType").asText());
    assertTrue(card.path("content").toString().contains("cannot be used"), teams.toString());
    assertEquals(
        "application/json; charset=UTF-8",
        webhookPosts().get(0).getHeader("Content-Type"),
        "JSON, and no internal headers sent along");
    assertTrue(
        webhookPosts().get(0).getHeaders().keys().stream().noneMatch(h -> h.startsWith("Camel")));
  }

  @Test
  void aBrokenAlertSettingStopsStartUpNamingIt() {
    settings.put("alerts.email.to", "ops-at-shop.example");
    IllegalStateException e = null;
    try {
      start();
    } catch (RuntimeException failure) {
      Throwable t = failure;
      while (t.getCause() != null && !t.getMessage().contains("ALERTS_EMAIL_TO")) {
        t = t.getCause();
      }
      assertTrue(t.getMessage().contains("ALERTS_EMAIL_TO (alerts.email.to)"), t.getMessage());
      return;
    }
    throw new AssertionError("start-up should have failed", e);
  }

  private List<LoggedRequest> webhookPosts() {
    return squarespace.findAll(postRequestedFor(urlPathEqualTo("/hooks/alerts")));
  }

  private List<String> subjects() throws Exception {
    List<String> subjects = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      subjects.add(m.getSubject());
    }
    return subjects;
  }

  /** Alerts of a cause counted over the subjects: "5× budget-low: …" counts 5, a lone one 1. */
  private static int countIn(List<String> subjects, String code) {
    Pattern counted = Pattern.compile("(\\d+)× " + Pattern.quote(code) + ":");
    int total = 0;
    for (String s : subjects) {
      Matcher m = counted.matcher(s);
      if (m.find()) {
        total += Integer.parseInt(m.group(1));
      } else if (s.contains("budget is nearly spent") && code.equals("budget-low")) {
        total += 1;
      }
    }
    return total;
  }
}
