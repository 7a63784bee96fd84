package org.sqexact.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sqexact.order.OrderFlowTestSupport;

/** The operator hears when polling stops working: one alert per stall, through the route. */
class PollWatchTest extends OrderFlowTestSupport {

  @Test
  void noSuccessfulPollForFiveIntervalsRaisesOneAlert() throws Exception {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders")).willReturn(aResponse().withStatus(503)));
    settings.put("sync.poll-interval", "5");
    start();
    clock.advance(Duration.ofSeconds(26)); // five intervals and a bit, without a successful poll
    connector.context().getRouteController().startRoute("poll-watch");

    Alerts alerts = connector.bean("alerts", Alerts.class);
    await().atMost(Duration.ofSeconds(15)).until(() -> stalls(alerts).size() == 1);
    assertTrue(stalls(alerts).get(0).message().contains("No poll of Squarespace has succeeded"));

    // the next checks of the same stall stay quiet
    PollWatch watch = connector.bean("pollWatch", PollWatch.class);
    assertEquals(false, watch.check());
    assertEquals(1, stalls(alerts).size());

    // a poll that succeeds ends the stall
    watch.succeeded();
    clock.advance(Duration.ofSeconds(10));
    assertEquals(false, watch.check());
  }

  @Test
  void aPollThatKeepsMovingIsNotStalled() throws Exception {
    squarespace.stubFor(
        get(urlPathEqualTo("/1.0/commerce/orders")).willReturn(aResponse().withStatus(503)));
    settings.put("sync.poll-interval", "5");
    start();
    Alerts alerts = connector.bean("alerts", Alerts.class);
    PollWatch watch = connector.bean("pollWatch", PollWatch.class);

    // a poll working through a backlog: an order handled every 10 s for a minute
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(10));
      watch.progressed();
      assertEquals(false, watch.check());
    }
    // then it stops moving: after five quiet intervals, one alert in plain seconds
    clock.advance(Duration.ofSeconds(26));
    assertEquals(true, watch.check());
    await().atMost(Duration.ofSeconds(15)).until(() -> stalls(alerts).size() == 1);
    assertTrue(
        stalls(alerts).get(0).message().contains("succeeded for 86 seconds"),
        stalls(alerts).get(0).message());
  }

  private static List<Alerts.Alert> stalls(Alerts alerts) {
    return alerts.recent().stream().filter(a -> a.code().equals("poll-stalled")).toList();
  }
}
