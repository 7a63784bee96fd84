package org.sqexact.ops.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/**
 * Wrong passwords at the dashboard's door, over real HTTP: each is answered later than the one
 * before, counted in the metrics and the activity log (never the password), and after {@link
 * ConsoleDoor#MAX_USER_FAILURES} the user name is locked — even the right password is refused —
 * until the period has passed on the connector's clock.
 */
class ConsoleLoginLockoutTest {

  private static final String PASSWORD = "anna's long password";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final TestClock clock = new TestClock();
  private ConnectorHarness connector;

  @AfterEach
  void stop() {
    if (connector != null) {
      connector.close();
    }
  }

  @Test
  void repeatedWrongPasswordsSlowDownAreCountedAndLockTheUserForAPeriod() throws Exception {
    Map<String, String> settings =
        ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    settings.put("connector.users", "anna:" + ConsoleUsers.hash(PASSWORD));
    connector = ConnectorHarness.start(settings, clock);

    for (int i = 1; i <= ConsoleDoor.MAX_USER_FAILURES; i++) {
      HttpResponse<String> r = login("anna", "guess-" + i + "-secret");
      assertEquals(401, r.statusCode(), "wrong password " + i);
      assertTrue(r.body().contains("Wrong user name or password."));
    }
    // the right password now: refused as well, with the time left
    HttpResponse<String> locked = login("anna", PASSWORD);
    assertEquals(429, locked.statusCode(), locked.body());
    long retryAfter = Long.parseLong(locked.headers().firstValue("Retry-After").orElse("0"));
    assertTrue(
        retryAfter > 0 && retryAfter <= ConsoleDoor.LOCKOUT.toSeconds(),
        "Retry-After " + retryAfter);
    assertFalse(locked.headers().firstValue("Set-Cookie").orElse("").contains("sqexact_session"));

    // the activity log: each failure with its growing delay, the lock; never a password
    List<ActivityLog.Entry> lines =
        connector.bean("activityLog", ActivityLog.class).recent(null, 50);
    List<String> logins =
        lines.stream()
            .filter(e -> "console login".equals(e.step()))
            .map(ActivityLog.Entry::message)
            .toList();
    assertEquals(ConsoleDoor.MAX_USER_FAILURES + 1, logins.size(), logins.toString());
    for (int i = 1; i <= ConsoleDoor.MAX_USER_FAILURES; i++) {
      String expected =
          "wrong password for operator 'anna' from 127.0.0.1 ("
              + i
              + " within 15 minutes; answered after "
              + ConsoleDoor.delay(i).toMillis()
              + " ms";
      assertTrue(logins.stream().anyMatch(m -> m.startsWith(expected)), expected + " in " + logins);
    }
    assertTrue(ConsoleDoor.delay(2).compareTo(ConsoleDoor.delay(1)) > 0, "the delay grows");
    assertTrue(
        logins.stream().anyMatch(m -> m.contains("locked for 15 minutes")), logins.toString());
    assertTrue(logins.stream().anyMatch(m -> m.contains("refused: locked")), logins.toString());
    for (String m : logins) {
      assertFalse(m.contains("guess-") || m.contains(PASSWORD), m);
    }
    // a password typed into the name field is not written down either
    login("secret-typed-as-name", "x");
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent(null, 50).stream()
            .noneMatch(e -> String.valueOf(e.message()).contains("secret-typed-as-name")));

    // the metrics count them
    String metrics = connector.call("GET", "/observe/metrics").body();
    assertTrue(
        metric(metrics, "connector_console_login_failures_total")
            >= ConsoleDoor.MAX_USER_FAILURES + 1,
        metrics);
    assertEquals(1.0, metric(metrics, "connector_console_login_lockouts_total"), 0.0);

    // after the period, the right password works
    clock.advance(ConsoleDoor.LOCKOUT.plus(Duration.ofSeconds(1)));
    HttpResponse<String> ok = login("anna", PASSWORD);
    assertEquals(303, ok.statusCode(), ok.body());
    assertTrue(
        ok.headers().allValues("Set-Cookie").stream()
            .anyMatch(c -> c.startsWith("sqexact_session=")));
  }

  @Test
  void aSessionOutlivesARestartAndEndsWhenIdleTooLong() throws Exception {
    Map<String, String> settings =
        ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    settings.put("connector.users", "anna:" + ConsoleUsers.hash(PASSWORD));
    connector = ConnectorHarness.start(settings, clock);
    HttpResponse<String> ok = login("anna", PASSWORD);
    assertEquals(303, ok.statusCode(), ok.body());
    String cookie =
        ok.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(ConsoleSessions.COOKIE + "="))
            .findFirst()
            .orElseThrow()
            .split(";")[0];
    String id = cookie.substring(cookie.indexOf('=') + 1);
    HttpResponse<String> before = session(cookie);
    assertEquals(200, before.statusCode(), before.body());

    // only the id's hash is in the database
    try (java.sql.Connection c =
            connector.bean("connectorDatabase", org.sqexact.store.Database.class).connection();
        java.sql.ResultSet rs =
            c.createStatement().executeQuery("SELECT id_hash, user_name FROM console_session")) {
      assertTrue(rs.next());
      assertEquals(org.sqexact.store.SecretBox.sha256(id), rs.getString(1));
      assertEquals("anna", rs.getString(2));
    }

    connector.close();
    connector = ConnectorHarness.start(settings, clock);
    HttpResponse<String> after = session(cookie);
    assertEquals(200, after.statusCode(), "still logged in after the restart: " + after.body());
    assertEquals(before.body(), after.body(), "same user and CSRF token");

    clock.advance(ConsoleSessions.IDLE.plus(Duration.ofMinutes(1)));
    assertEquals(401, session(cookie).statusCode(), "idle too long");
  }

  private HttpResponse<String> session(String cookie) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/console/session"))
            .header("Cookie", cookie)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : -1;
  }

  /** The login page (its cookie and CSRF token), then the form, as a browser sends them. */
  private HttpResponse<String> login(String user, String password) throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/console/login"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertTrue(csrf.find(), page.body());
    String cookie =
        page.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(ConsoleDoor.LOGIN_COOKIE + "="))
            .findFirst()
            .orElseThrow()
            .split(";")[0];
    String form =
        "csrf="
            + enc(csrf.group(1))
            + "&next=%2Fconsole%2F&user="
            + enc(user)
            + "&password="
            + enc(password);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/console/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
