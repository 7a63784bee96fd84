package org.sqexact.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore;
import org.sqexact.store.Database;
import org.sqexact.testing.TestClock;

/**
 * Which connection a webhook notification reaches (WebhookReceiver over WebhookConnections, with a
 * real database for the notification and activity logs): Squarespace's by the secret that signed
 * it, Exact's by its Division among the connections whose secret verifies it; the default
 * connection keeps what it always got.
 */
class WebhookDispatchTest {

  private static final String APP = "exact-app-secret";
  private static final String SQ_DEFAULT = "00112233445566778899aabbccddeeff";
  private static final String SQ_A = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
  private static final String SQ_SHARED = "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

  private final TestClock clock = new TestClock();
  private final DefaultCamelContext camel = new DefaultCamelContext();
  private Database db;
  private WebhookConnections others;
  private WebhookReceiver receiver;

  @BeforeEach
  void open() {
    db =
        Database.open(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "");
    others = new WebhookConnections();
    receiver = new WebhookReceiver(connection(null, 1, SQ_DEFAULT, APP), others);
    others.add(connection("a", 2, SQ_A, APP));
    others.add(connection("b", 2, null, APP)); // shares a's division (two shops, one division)
    others.add(connection("c", 3, SQ_SHARED, "another-app-secret"));
    others.add(connection("d", 4, SQ_SHARED, APP)); // the same Squarespace secret as c: a mistake
  }

  @AfterEach
  void close() {
    db.close();
  }

  private WebhookConnections.Connection connection(
      String id, int division, String squarespaceSecret, String exactSecret) {
    String key = id == null ? "default" : id;
    new ConnectionStore(db, clock).ensure(key, division, "http://shop-" + key, Instant.EPOCH);
    return new WebhookConnections.Connection(
        id,
        () -> division,
        squarespaceSecret,
        List::of,
        exactSecret,
        new NotificationLog(db, key, clock),
        new ActivityLog(db, key, clock, Duration.ofDays(30)),
        id == null ? WebhookConnections.Endpoints.DEFAULT : WebhookConnections.Endpoints.of(id));
  }

  private Exchange exact(int division, String secret) {
    String content =
        "{\"Topic\":\"StockPositions\",\"ClientId\":\"c1\",\"Division\":"
            + division
            + ",\"Action\":\"Update\",\"Key\":\"8cb6203d-d935-5aeb-b024-cfcabc8e8700\"}";
    String hash =
        HexFormat.of()
            .formatHex(
                WebhookSignatures.hmac(
                    secret.getBytes(StandardCharsets.UTF_8),
                    content.getBytes(StandardCharsets.UTF_8)))
            .toUpperCase();
    Exchange e = new DefaultExchange(camel);
    e.getMessage()
        .setBody(
            ("{\"Content\":" + content + ",\"HashCode\":\"" + hash + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    receiver.exact(e);
    return e;
  }

  private Exchange squarespace(String notificationId, String secretHex) {
    byte[] body =
        ("{\"id\":\""
                + notificationId
                + "\",\"websiteId\":\"5f3c3d55ac435e1a051f77b3\",\"topic\":\"order.create\","
                + "\"data\":{\"orderId\":\"5f3c39ce69e11e796f19990e\"}}")
            .getBytes(StandardCharsets.UTF_8);
    Exchange e = new DefaultExchange(camel);
    e.getMessage().setBody(body);
    e.getMessage()
        .setHeader(
            "Squarespace-Signature",
            HexFormat.of()
                .formatHex(WebhookSignatures.hmac(HexFormat.of().parseHex(secretHex), body)));
    receiver.squarespace(e);
    return e;
  }

  private static Object target(Exchange e) {
    return e.getProperty(WebhookReceiver.TARGET);
  }

  @Test
  void anExactNotificationWakesEveryConnectionOnItsDivision() {
    assertEquals(List.of("seda:stock-sync-a", "seda:stock-sync-b"), target(exact(2, APP)));
    assertEquals(List.of("seda:stock-sync"), target(exact(1, APP)), "the default's division");
    assertEquals(List.of("seda:stock-sync-c"), target(exact(3, "another-app-secret")));
    // a division no connection from connections/ has: the default connection, as before
    assertEquals(List.of("seda:stock-sync"), target(exact(99, APP)));
    // signed by c's app but for a's division: a's app did not sign it, nothing runs
    Exchange foreign = exact(2, "another-app-secret");
    assertNull(target(foreign));
    assertEquals(200, foreign.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    Exchange forged = exact(2, "wrong");
    assertEquals(true, forged.getProperty(WebhookReceiver.REJECTED));
    assertEquals(401, forged.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
  }

  @Test
  void aSquarespaceNotificationGoesToTheConnectionWhoseSecretSignedIt() {
    Exchange toA = squarespace("n1", SQ_A);
    assertEquals("seda:webhook-orders-a", toA.getProperty(WebhookReceiver.ORDERS_URI));
    assertEquals("5f3c39ce69e11e796f19990e", toA.getProperty(WebhookReceiver.ORDER_ID));
    assertTrue(
        new ActivityLog(db, "a", clock, Duration.ofDays(30))
            .recent("5f3c39ce69e11e796f19990e", 5).stream()
                .anyMatch(l -> "order.create received".equals(l.message())));
    assertTrue(
        new ActivityLog(db, "default", clock, Duration.ofDays(30))
            .recent("5f3c39ce69e11e796f19990e", 5)
            .isEmpty());

    Exchange toDefault = squarespace("n2", SQ_DEFAULT);
    assertEquals("seda:webhook-orders", toDefault.getProperty(WebhookReceiver.ORDERS_URI));

    // a repeat is dropped by the connection it belongs to
    Exchange again = squarespace("n1", SQ_A);
    assertNull(again.getProperty(WebhookReceiver.ORDER_ID));
    assertEquals(Map.of("received", true, "duplicate", true), receiver.squarespace(resend(again)));

    // the same secret in two files: booking in either could be the wrong shop
    Exchange ambiguous = squarespace("n3", SQ_SHARED);
    assertEquals(200, ambiguous.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    assertNull(ambiguous.getProperty(WebhookReceiver.ORDER_ID));

    others.remove("a");
    Exchange gone = squarespace("n4", SQ_A);
    assertEquals(401, gone.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
  }

  @Test
  void theDailyHousekeepingForgetsTheIdsOfEveryConnectionAfterAWeek() {
    assertEquals(
        "seda:webhook-orders-a", squarespace("n1", SQ_A).getProperty(WebhookReceiver.ORDERS_URI));
    assertEquals(
        "seda:webhook-orders",
        squarespace("n2", SQ_DEFAULT).getProperty(WebhookReceiver.ORDERS_URI));
    NotificationLog defaults = new NotificationLog(db, "default", clock);
    clock.advance(Duration.ofDays(6));
    assertEquals(0, defaults.purgeExpiredEveryConnection(), "within the week: kept");
    assertNull(squarespace("n1", SQ_A).getProperty(WebhookReceiver.ORDER_ID), "still a repeat");
    clock.advance(Duration.ofDays(2));
    assertEquals(2, defaults.purgeExpiredEveryConnection());
    assertEquals(
        "seda:webhook-orders-a",
        squarespace("n1", SQ_A).getProperty(WebhookReceiver.ORDERS_URI),
        "forgotten: taken as new");
  }

  private Exchange resend(Exchange e) {
    Exchange copy = new DefaultExchange(camel);
    copy.getMessage().setBody(e.getMessage().getBody());
    copy.getMessage()
        .setHeader("Squarespace-Signature", e.getMessage().getHeader("Squarespace-Signature"));
    return copy;
  }
}
