package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.TestClock;

/** OAuth refresh-token rules of the fake Exact token endpoint. */
class ExactTokenTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:15:00Z"));
  private DemoSandbox sandbox;
  private SandboxClient client;

  @BeforeEach
  void start() {
    sandbox = DemoSandbox.start(0, clock);
    client = new SandboxClient(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void firstRefreshReturnsRotatedTokenAndExpiresInAsString() {
    SandboxClient.Reply r = client.token(DemoSandbox.FIRST_REFRESH_TOKEN);
    assertEquals(200, r.status());
    assertTrue(r.json().get("expires_in").isTextual(), "expires_in must be a JSON string");
    assertEquals("600", r.json().get("expires_in").asText());
    assertEquals("bearer", r.json().get("token_type").asText().toLowerCase());
    String newRefresh = r.json().get("refresh_token").asText();
    assertNotEquals(DemoSandbox.FIRST_REFRESH_TOKEN, newRefresh);
    assertEquals(newRefresh, sandbox.exact().currentRefreshToken());
    assertEquals(1, sandbox.exact().tokenRefreshCount());
  }

  @Test
  void oldRefreshTokenGives401UnauthorizedClient() {
    assertEquals(200, client.token(DemoSandbox.FIRST_REFRESH_TOKEN).status());
    clock.advance(Duration.ofSeconds(600));
    SandboxClient.Reply r = client.token(DemoSandbox.FIRST_REFRESH_TOKEN);
    assertEquals(401, r.status());
    assertEquals("unauthorized_client", r.json().get("error").asText());
    assertEquals("Old refresh token used.", r.json().get("error_description").asText());
    assertEquals(1, sandbox.exact().tokenRefreshCount());
  }

  @Test
  void refreshBefore570SecondsIsTooEarly() {
    SandboxClient.Reply first = client.token(DemoSandbox.FIRST_REFRESH_TOKEN);
    String rotated = first.json().get("refresh_token").asText();
    clock.advance(Duration.ofSeconds(569));
    SandboxClient.Reply early = client.token(rotated);
    assertEquals(400, early.status());
    assertEquals("access_denied", early.json().get("error").asText());
    assertEquals(
        "Rate limit exceeded: access_token not expired",
        early.json().get("error_description").asText());
    assertEquals("TooEarlyToRefreshTokens", early.header("Reason"));
    // the too-early attempt does not burn the refresh token
    clock.advance(Duration.ofSeconds(1));
    SandboxClient.Reply onTime = client.token(rotated);
    assertEquals(200, onTime.status());
    assertNull(onTime.header("Reason"));
  }

  @Test
  void wrongClientCredentialsGiveInvalidClient() {
    SandboxClient.Reply r =
        client.token(DemoSandbox.FIRST_REFRESH_TOKEN, DemoSandbox.CLIENT_ID, "wrong-secret");
    assertEquals(400, r.status());
    assertEquals("invalid_client", r.json().get("error").asText());
  }

  @Test
  void accessTokenLivesSixHundredSeconds() {
    String token = client.accessToken();
    assertEquals(200, client.exactGet(token, "current/Me").status());
    clock.advance(Duration.ofSeconds(599));
    assertEquals(200, client.exactGet(token, "current/Me").status());
    clock.advance(Duration.ofSeconds(1));
    SandboxClient.Reply expired = client.exactGet(token, "current/Me");
    assertEquals(401, expired.status());
    assertTrue(expired.json().path("error").path("message").path("value").isTextual());
    assertEquals(401, client.exactGet("made-up", "current/Me").status());
  }

  @Test
  void meReturnsTheDivisionWithoutRateHeaders() {
    String token = client.accessToken();
    SandboxClient.Reply me = client.exactGet(token, "current/Me");
    assertEquals(200, me.status());
    assertEquals(DemoSandbox.DIVISION, me.json().at("/d/results/0/CurrentDivision").asInt());
    assertNull(me.header("X-RateLimit-Minutely-Remaining"));
    assertNull(me.header("X-RateLimit-Remaining"));
  }
}
