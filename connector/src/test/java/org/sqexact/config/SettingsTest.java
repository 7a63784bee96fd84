package org.sqexact.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;

/** A missing or malformed setting stops start-up with one line that names it. */
class SettingsTest {

  private static Map<String, String> valid() {
    return ConnectorHarness.settings("https://api.squarespace.com", "https://start.exactonline.nl");
  }

  private static String startupProblem(Map<String, String> settings) {
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> ConnectorHarness.start(settings, null).close());
    SettingsException s = SettingsException.find(e);
    assertNotNull(s, "expected a settings problem, got " + e);
    assertFalse(s.getMessage().contains("\n"), "one line");
    return s.getMessage();
  }

  @Test
  void namesTheMissingSetting() {
    Map<String, String> s = valid();
    s.put("exact.client-id", "");
    assertEquals("EXACT_CLIENT_ID (exact.client-id) is required but not set", startupProblem(s));
  }

  @Test
  void namesTheMalformedSetting() {
    Map<String, String> s = valid();
    s.put("exact.division", "12a");
    assertTrue(
        startupProblem(s).startsWith("EXACT_DIVISION (exact.division) must be a whole number"));
    s = valid();
    s.put("sync.orders-since", "yesterday");
    assertTrue(
        startupProblem(s).startsWith("SYNC_ORDERS_SINCE (sync.orders-since) must be an ISO"));
    s = valid();
    s.put("sync.poll-interval", "1");
    assertTrue(
        startupProblem(s).startsWith("SYNC_POLL_INTERVAL (sync.poll-interval) must be between"));
    s = valid();
    s.put("exact.base-url", "start.exactonline.nl");
    assertTrue(
        startupProblem(s).startsWith("EXACT_BASE_URL (exact.base-url) must be an http(s) URL"));
    s = valid();
    s.put("connector.secret-key", "too-short");
    assertTrue(startupProblem(s).startsWith("CONNECTOR_SECRET_KEY"));
    s = valid();
    s.put("connector.connections-scan-interval", "0");
    assertTrue(
        startupProblem(s)
            .startsWith(
                "CONNECTOR_CONNECTIONS_SCAN_INTERVAL (connector.connections-scan-interval) must be"
                    + " between"));
    s = valid();
    s.put("connector.db-url", "postgres://db/x");
    assertTrue(
        startupProblem(s).startsWith("CONNECTOR_DB_URL (connector.db-url) must be a JDBC URL"));
  }

  @Test
  void refusesTheDemoWithRealCredentials() {
    Map<String, String> s = valid();
    s.put("connector.demo", "on");
    assertTrue(startupProblem(s).contains("real credentials"));
  }

  @Test
  void readsDatesLenientlyAndDerivesExactUrls() {
    Map<String, String> p = new HashMap<>(valid());
    p.put("sync.orders-since", "2026-11-01");
    p.put("exact.base-url", "https://start.exactonline.be/");
    ConnectorSettings s = ConnectorSettings.load(p::get);
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), s.ordersSince());
    assertEquals("https://start.exactonline.be/api/oauth2/token", s.exactTokenUrl().toString());
    assertEquals("https://start.exactonline.be/api/v1", s.exactRestUrl().toString());
    p.put("sync.orders-since", "2026-11-01T10:00:00+01:00");
    assertEquals(
        Instant.parse("2026-11-01T09:00:00Z"), ConnectorSettings.load(p::get).ordersSince());
    assertEquals(
        "EXACT_RATE_ORDER_SHARE_PERCENT",
        ConnectorSettings.envName("exact.rate.order-share-percent"));
  }

  @Test
  void runsTheDemoOnlyWithoutAnyCredential() {
    Map<String, String> p = new HashMap<>();
    assertTrue(ConnectorSettings.load(p::get).demo());
    p.put("squarespace.api-key", "k");
    SettingsException e =
        assertThrows(SettingsException.class, () -> ConnectorSettings.load(p::get));
    assertTrue(e.getMessage().startsWith("EXACT_CLIENT_ID"));
  }
}
