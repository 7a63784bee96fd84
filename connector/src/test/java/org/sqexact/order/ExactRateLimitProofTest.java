package org.sqexact.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.ops.Alerts;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.Orders;

/**
 * The proof at Exact's minutely limit: 40 orders in one poll while another program spends part of
 * the same app's 60 calls a minute, so Exact answers 429 now and then. After a 429 the connector
 * makes no call until the minute turns (no retry storm), never breaches the client-error budget,
 * and books every order once.
 */
class ExactRateLimitProofTest extends OrderFlowTestSupport {

  @Test
  void theMinutelyLimitHitCausesNoRetryStormAndNoClientErrors() {
    FAULTY.start(0, 1L, 0);
    FAULTY.limitPerMinute(clock, 60, 1);
    start();
    List<ObjectNode> orders = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      orders.add(
          Orders.order(Integer.toString(4000 + n))
              .set("customerEmail", "buyer" + n + "@example.nl")
              .line("ESPRESSO", "Espresso", 1, "12.10")
              .total("0.00"));
    }
    poll(orders.toArray(ObjectNode[]::new));
    clock.advance(Duration.ofMinutes(1));
    poll();

    List<Long> tooMany = FAULTY.tooManyRequestsAt();
    List<Long> calls = FAULTY.callTimes();
    System.out.printf(
        "%d calls over %d s, %d answered 429%n",
        calls.size(), (calls.get(calls.size() - 1) - calls.get(0)) / 1000, tooMany.size());
    assertFalse(tooMany.isEmpty(), "the test must reach the limit");
    for (long at : tooMany) {
      long windowEnd = (at / 60_000 + 1) * 60_000;
      long after = calls.stream().filter(t -> t > at && t < windowEnd).count();
      assertEquals(0, after, "calls after the 429 at " + at + " in the same minute");
      long sameWindow = tooMany.stream().filter(t -> t / 60_000 == at / 60_000).count();
      assertEquals(1, sameWindow, "429s in one minute");
    }

    ExactRateGovernor governor = connector.bean("exactRateGovernor", ExactRateGovernor.class);
    Map<String, Integer> clientErrors = governor.clientErrors(123456);
    assertTrue(
        clientErrors.values().stream().allMatch(c -> c == 0), "client errors: " + clientErrors);
    Alerts alerts = connector.bean("alerts", Alerts.class);
    assertFalse(
        alerts.recent().stream().anyMatch(a -> a.code().equals("exact-client-error-budget")));

    Map<String, Long> documents = FAULTY.salesOrdersByYourRef();
    for (ObjectNode order : orders) {
      assertEquals(State.BOOKED, ledger(order).state(), ledger(order).lastError());
      assertEquals(1L, documents.get(order.path("orderNumber").asText()));
    }
  }
}
