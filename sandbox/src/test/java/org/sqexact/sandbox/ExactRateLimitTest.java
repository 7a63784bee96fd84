package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.TestClock;

/** X-RateLimit-* headers and the 60/minute, 5000/day limits. */
class ExactRateLimitTest {

  private static final String VAT_CODES = "vat/VATCodes?$select=Code,Percentage";
  private final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:15:20Z"));
  private DemoSandbox sandbox;
  private SandboxClient client;
  private String token;

  @BeforeEach
  void start() {
    sandbox = DemoSandbox.start(0, clock);
    client = new SandboxClient(sandbox);
    token = client.accessToken();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void everyDivisionCallCarriesRateHeadersInEpochMillis() {
    SandboxClient.Reply r = client.division(token, VAT_CODES);
    assertEquals(200, r.status());
    assertEquals("5000", r.header("X-RateLimit-Limit"));
    assertEquals("4999", r.header("X-RateLimit-Remaining"));
    assertEquals("60", r.header("X-RateLimit-Minutely-Limit"));
    assertEquals("59", r.header("X-RateLimit-Minutely-Remaining"));
    // daily reset: next UTC midnight; minutely reset: end of the fixed minute — both epoch ms
    assertEquals(
        Instant.parse("2026-12-01T00:00:00Z").toEpochMilli(),
        Long.parseLong(r.header("X-RateLimit-Reset")));
    assertEquals(
        Instant.parse("2026-11-30T10:16:00Z").toEpochMilli(),
        Long.parseLong(r.header("X-RateLimit-Minutely-Reset")));
    // errors carry them too
    SandboxClient.Reply bad = client.division(token, "vat/VATCodes");
    assertEquals(400, bad.status());
    assertEquals("58", bad.header("X-RateLimit-Minutely-Remaining"));
  }

  @Test
  void sixtyFirstCallInAMinuteIs429WithOnlyMinutelyHeaders() {
    for (int i = 1; i <= 60; i++) {
      SandboxClient.Reply ok = client.division(token, VAT_CODES);
      assertEquals(200, ok.status(), "call " + i);
      assertEquals(Integer.toString(60 - i), ok.header("X-RateLimit-Minutely-Remaining"));
    }
    SandboxClient.Reply limited = client.division(token, VAT_CODES);
    assertEquals(429, limited.status());
    assertEquals("0", limited.header("X-RateLimit-Minutely-Remaining"));
    assertEquals("60", limited.header("X-RateLimit-Minutely-Limit"));
    assertNotNull(limited.header("X-RateLimit-Minutely-Reset"));
    assertNull(limited.header("X-RateLimit-Limit"));
    assertNull(limited.header("X-RateLimit-Remaining"));
    assertNull(limited.header("X-RateLimit-Reset"));
    assertNotNull(limited.json().at("/error/message/value").asText(null));
    // a new fixed minute starts at 10:16:00
    clock.set(Instant.parse("2026-11-30T10:16:00Z"));
    SandboxClient.Reply again = client.division(token, VAT_CODES);
    assertEquals(200, again.status());
    assertEquals("59", again.header("X-RateLimit-Minutely-Remaining"));
    assertEquals("4939", again.header("X-RateLimit-Remaining"));
  }

  @Test
  void dailyLimitIs429WithOnlyDailyHeaders() {
    sandbox.exact().rateLimits(60, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, client.division(token, VAT_CODES).status());
      clock.advance(Duration.ofSeconds(61));
    }
    SandboxClient.Reply limited = client.division(token, VAT_CODES);
    assertEquals(429, limited.status());
    assertEquals("0", limited.header("X-RateLimit-Remaining"));
    assertNotNull(limited.header("X-RateLimit-Reset"));
    assertNull(limited.header("X-RateLimit-Minutely-Remaining"));
    assertNull(limited.header("X-RateLimit-Minutely-Reset"));
  }

  @Test
  void forcedFailureAndForced429() {
    sandbox.exact().failNext("crm/Accounts", 503, "Service unavailable (demo)");
    SandboxClient.Reply failed =
        client.division(token, "crm/Accounts?$select=ID&$filter=Status%20eq%20'C'");
    assertEquals(503, failed.status());
    assertEquals("Service unavailable (demo)", failed.json().at("/error/message/value").asText());
    sandbox.exact().failNext("vat/VATCodes", 429, "Too many");
    SandboxClient.Reply limited = client.division(token, VAT_CODES);
    assertEquals(429, limited.status());
    assertEquals("0", limited.header("X-RateLimit-Minutely-Remaining"));
    assertNull(limited.header("X-RateLimit-Remaining"));
    assertEquals(200, client.division(token, VAT_CODES).status());
  }
}
