package org.sqexact.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.sqexact.ops.console.ConsoleUsers;
import org.sqexact.store.ActivityLog;
import org.sqexact.testing.ConnectorHarness;

/**
 * The dashboard end to end in a real headless Chromium (Debian's chromium and chromium-driver,
 * installed by .ci/run), against the connector running the demo sandbox over real HTTP: log in, see
 * a booked and a parked order, open a trace, retry the parked one (after creating its missing item
 * in the sandbox's Exact) and see it booked; connect Exact Online in the wizard; a wrong password
 * and a missing CSRF token are refused; every dashboard page is refused without a session.
 * Screenshots go to target/screenshots/. Without the browser this test fails: it never skips.
 */
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target/screenshots");
  private static final String USER = "anna";
  private static final String PASSWORD = "correct horse battery staple";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private ConnectorHarness connector;
  private WebDriver browser;
  private WebDriverWait wait;
  private Path connectionsDir;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("connector.data-dir", "target/test-data/" + UUID.randomUUID());
    settings.put("connector.http-port", Integer.toString(ConnectorHarness.freePort()));
    settings.put("connector.demo-new-order-seconds", "0");
    settings.put("connector.users", USER + ":" + ConsoleUsers.hash(PASSWORD));
    // empty at first: the demo serves one connection (no picker); a test may add a file
    connectionsDir = Files.createTempDirectory("connections");
    settings.put("connector.connections-dir", connectionsDir.toString());
    settings.put("connector.connections-scan-interval", "1");
    connector = ConnectorHarness.start(settings, null);
    // the demo polls on its own schedule (real time): wait until its sample orders are booked
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> api("GET", "/api/orders").path("counts"),
            c -> c.path("booked").asInt() >= 10 && c.path("parked").asInt() >= 1);

    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the dashboard test needs Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "): apt-get install -y chromium chromium-driver (.ci/run does)");
    Path profile = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1366,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (connector != null) {
      connector.close();
    }
  }

  @Test
  void anOperatorFindsWhyAnOrderWasParkedRetriesItAndConnectsExact() throws Exception {
    // every dashboard page and its JSON refused without a session
    for (String path :
        List.of(
            "/console/",
            "/console/orders",
            "/console/order?n=1053",
            "/console/charts",
            "/console/health",
            "/console/connect",
            "/console/app.js",
            "/console/connect/exact",
            "/console/connect/exact/callback?code=x&state=y",
            "/api/console/health",
            "/api/console/charts",
            "/api/console/orders/1053/trace",
            "/api/console/connect/divisions",
            "/api/orders")) {
      for (String accept : List.of("text/html", "application/json")) {
        HttpResponse<String> r =
            send(
                anonymous(path)
                    .header("Accept", accept)
                    .header("Cookie", "sqexact_session=forged"));
        assertEquals(401, r.statusCode(), path + " without a session: " + r.body());
        assertFalse(
            r.body().contains("POSTER") || r.body().contains("parked"),
            path + " tells nothing without a session: " + r.body());
      }
    }

    // a browser without a session lands on the login page
    browser.get(connector.baseUrl() + "/console/");
    wait.until(ExpectedConditions.urlContains("/console/login"));

    // a wrong password: refused, counted
    logIn(USER, "not the password");
    WebElement problem =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-problem")));
    assertEquals("Wrong user name or password.", problem.getText());
    assertTrue(browser.manage().getCookieNamed("sqexact_session") == null, "no session");
    String metrics = connector.call("GET", "/observe/metrics").body();
    assertTrue(
        metrics.contains("connector_console_login_failures_total 1.0"),
        "the refused login is counted");

    // a login form posted without its CSRF token: refused
    HttpResponse<String> noCsrf =
        send(
            anonymous("/console/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "user=" + USER + "&password=" + PASSWORD.replace(' ', '+'))));
    assertEquals(403, noCsrf.statusCode());
    assertTrue(
        noCsrf.headers().allValues("set-cookie").stream()
            .noneMatch(c -> c.startsWith("sqexact_session=")));

    // the right password: the orders, a booked one and the parked one with its reason
    logIn(USER, PASSWORD);
    wait.until(ExpectedConditions.urlMatches(".*/console/(\\?.*)?$"));
    ready();
    WebElement booked =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-order='1047']")));
    assertEquals("booked", booked.getAttribute("data-state"));
    WebElement parked = browser.findElement(By.cssSelector("tr[data-order='1053']"));
    assertEquals("parked", parked.getAttribute("data-state"));
    assertTrue(
        parked.getText().contains("SKU 'POSTER-A2' does not exist as an item"), parked.getText());
    Cookie session = browser.manage().getCookieNamed("sqexact_session");
    assertTrue(session.isHttpOnly(), "the session cookie is HttpOnly");
    assertEquals("Lax", session.getSameSite());
    screenshot("orders");
    // one connection: no connection picker
    assertFalse(browser.findElement(By.id("connection-picker")).isDisplayed());

    // search by number and filter by state
    WebElement search = browser.findElement(By.id("search"));
    search.sendKeys("1053");
    search.submit();
    wait.until(
        ExpectedConditions.numberOfElementsToBe(By.cssSelector("#orders tbody tr[data-order]"), 1));

    // a POST with the session but without the CSRF token: refused, nothing retried
    HttpResponse<String> forged =
        send(
            anonymous("/api/orders/1053/retry")
                .header("Cookie", "sqexact_session=" + session.getValue())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(403, forged.statusCode(), forged.body());
    assertTrue(forged.body().contains("CSRF"), forged.body());
    assertEquals("parked", api("GET", "/api/orders/1053").path("order").path("state").asText());

    // the trace: what came from Squarespace, each step, each Exact call with its status
    browser.findElement(By.cssSelector("tr[data-order='1053'] a.order-link")).click();
    wait.until(ExpectedConditions.urlContains("/console/order?n=1053"));
    ready();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("order-state"), "parked"));
    String trace = browser.findElement(By.id("trace")).getText();
    assertTrue(trace.contains("squarespace GET /1.0/commerce/transactions ok"), trace);
    assertTrue(trace.contains("SKU 'POSTER-A2' does not exist"), trace);
    String facts = browser.findElement(By.id("squarespace")).getText();
    assertTrue(facts.contains("POSTER-A2") && facts.contains("grandTotal"), facts);
    assertFalse(facts.contains("@"), "no e-mail address on the page: " + facts);
    assertFalse(browser.getPageSource().contains("billingAddress"), "no address on the page");
    screenshot("order-parked");

    // the operator fixes the cause (the item, in the sandbox's Exact) and retries in the browser
    assertEquals(200, connector.call("POST", "/demo/exact/items/POSTER-A2").statusCode());
    browser.findElement(By.cssSelector("#order-actions button.retry")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("order-state"), "booked"));
    String document = browser.findElement(By.id("order-document")).getText();
    assertTrue(document.matches("sales-order \\d+"), document);
    String booking = browser.findElement(By.id("trace")).getText();
    // each Exact call with its status, duration and the minute budget Exact reported
    assertTrue(
        booking.matches(
            "(?s).*exact POST salesorder/SalesOrders ok salesorder/SalesOrders 201 \\d+ \\d+.*"),
        booking);
    String retryLine = api("GET", "/api/orders/1053").path("activity").toString();
    assertTrue(retryLine.contains("retry asked by the operator (user " + USER), retryLine);
    screenshot("order-booked");

    // charts and health
    browser.get(connector.baseUrl() + "/console/charts");
    ready();
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#orders-chart rect.booked")));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#minute-chart polyline")));
    screenshot("charts");
    browser.get(connector.baseUrl() + "/console/health");
    ready();
    String health = browser.findElement(By.id("connections")).getText();
    assertTrue(health.contains("123456 (OK"), health);
    browser.findElement(By.id("run-preflight")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("preflight-result")));
    String settingsTable = browser.findElement(By.id("settings")).getText();
    assertTrue(settingsTable.contains("connector.users (set)"), settingsTable);
    assertFalse(settingsTable.contains("$2a$"), "no password hash on the page");
    screenshot("health");

    // the connect wizard: Exact's consent (the sandbox consents at once) and back, then the
    // division
    long renewedBefore =
        api("GET", "/api/console/health").path("exact").path("refreshCount").asLong();
    browser.get(connector.baseUrl() + "/console/connect");
    ready();
    browser.findElement(By.id("exact-connect")).click();
    wait.until(ExpectedConditions.urlContains("/console/connect?exact=connected"));
    ready();
    wait.until(ExpectedConditions.elementToBeClickable(By.id("division-save"))).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("division-result"), "Division 123456: OK"));
    // the Squarespace key: a wrong one refused by Squarespace, the right one checked and used
    WebElement key = browser.findElement(By.id("squarespace-key"));
    key.sendKeys("not-a-key");
    browser.findElement(By.id("squarespace-save")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("squarespace-state"), "Squarespace refused this key"));
    key.sendKeys("demo-squarespace-key");
    browser.findElement(By.id("squarespace-save")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("squarespace-state"), "Connected to Demo Koffiebranderij"));
    screenshot("connect");
    // the new tokens are stored (encrypted) and the connector books with them, without a restart
    JsonNode exact = api("GET", "/api/console/health").path("exact");
    assertEquals(renewedBefore + 1, exact.path("refreshCount").asLong(), exact.toString());
    assertTrue(exact.path("connected").asBoolean(), exact.toString());
    // who connected is in the activity log
    assertTrue(
        connector.bean("activityLog", ActivityLog.class).recent(null, 100).stream()
            .anyMatch(
                a ->
                    a.step().equals("connect exact")
                        && a.outcome().equals("ok")
                        && a.message().contains("authorised by the operator (user " + USER)),
        "the consent is recorded with who gave it");
    assertEquals(200, connector.call("POST", "/demo/squarespace/orders/1052/pay").statusCode());
    assertEquals(202, connector.call("POST", "/api/poll").statusCode());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> api("GET", "/api/orders/1052").path("order").path("state").asText(),
            "booked"::equals);
    JsonNode status = api("GET", "/api/status");
    assertEquals("ok", status.path("exactToken").asText(), status.toString());

    // a forged callback (a state this connector never handed out) is refused
    browser.get(connector.baseUrl() + "/console/connect/exact/callback?code=stolen&state=forged");
    wait.until(ExpectedConditions.urlContains("exact=bad-state"));

    // log out: the session is gone
    browser.get(connector.baseUrl() + "/console/");
    ready();
    browser.findElement(By.id("logout")).click();
    wait.until(ExpectedConditions.urlContains("/console/login"));
    HttpResponse<String> after =
        send(
            anonymous("/api/console/health")
                .header("Cookie", "sqexact_session=" + session.getValue()));
    assertEquals(401, after.statusCode());
  }

  /**
   * Two shops in one connector: the demo's shop (the default connection) and shop B, a second
   * sandbox added by a file in connections/. The orders pages show a picker; with shop B chosen the
   * list, the trace and Retry are shop B's (its #1053 is parked while the default's is booked) and
   * the retry books in shop B's Exact.
   */
  @Test
  void anOperatorServingTwoShopsPicksTheShopAndRetriesItsOrder() throws Exception {
    try (DemoSandbox shopB = DemoSandbox.start(0)) {
      Files.writeString(
          connectionsDir.resolve(".shop-b.tmp"),
          "squarespace.api-key = "
              + DemoSandbox.API_KEY
              + "\nsquarespace.api-url = "
              + shopB.squarespaceBaseUrl()
              + "\nexact.base-url = "
              + shopB.exactBaseUrl()
              + "\nexact.client-id = "
              + DemoSandbox.CLIENT_ID
              + "\nexact.client-secret = "
              + DemoSandbox.CLIENT_SECRET
              + "\nexact.division = "
              + DemoSandbox.DIVISION
              + "\nexact.refresh-token = "
              + DemoSandbox.FIRST_REFRESH_TOKEN
              + "\nsync.orders-since = "
              + java.time.Instant.now().minus(Duration.ofDays(30))
              + "\nsync.auto-start = true\nsync.poll-interval = 5\n");
      Files.move(
          connectionsDir.resolve(".shop-b.tmp"), connectionsDir.resolve("shop-b.properties"));
      // shop B's sample orders: #1053 parked there too (its SKU is not in shop B's Exact)
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  api("GET", "/api/orders/1053?connection=shop-b")
                      .path("order")
                      .path("state")
                      .asText(),
              "parked"::equals);
      // the default's #1053 is fixed and booked (through the API)
      assertEquals(200, connector.call("POST", "/demo/exact/items/POSTER-A2").statusCode());
      assertEquals(200, connector.call("POST", "/api/orders/1053/retry").statusCode());

      logIn(USER, PASSWORD);
      wait.until(ExpectedConditions.urlMatches(".*/console/(\\?.*)?$"));
      ready();
      WebElement picker = browser.findElement(By.id("connection-picker"));
      assertTrue(picker.isDisplayed(), "two connections: the picker shows");
      String options = browser.findElement(By.id("connection")).getText();
      assertTrue(options.contains("(default)") && options.contains("shop-b"), options);
      assertEquals(
          "booked",
          wait.until(
                  ExpectedConditions.presenceOfElementLocated(
                      By.cssSelector("tr[data-order='1053']")))
              .getAttribute("data-state"),
          "the default connection's #1053");

      // shop B chosen: its orders, its #1053 parked
      new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("connection")))
          .selectByValue("shop-b");
      wait.until(ExpectedConditions.urlContains("/console/?connection=shop-b"));
      ready();
      assertEquals(
          "parked",
          wait.until(
                  ExpectedConditions.presenceOfElementLocated(
                      By.cssSelector("tr[data-order='1053']")))
              .getAttribute("data-state"));
      screenshot("orders-shop-b");

      // its trace and Retry, after the item is made in shop B's Exact
      browser.findElement(By.cssSelector("tr[data-order='1053'] a.order-link")).click();
      wait.until(ExpectedConditions.urlContains("/console/order?n=1053&connection=shop-b"));
      ready();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("order-state"), "parked"));
      assertTrue(browser.findElement(By.id("connection-picker")).isDisplayed());
      shopB.exact().addItem("POSTER-A2", "Poster A2", "2", 19.95, 10);
      browser.findElement(By.cssSelector("#order-actions button.retry")).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("order-state"), "booked"));
      JsonNode booked = api("GET", "/api/orders/1053?connection=shop-b");
      assertEquals("booked", booked.path("order").path("state").asText());
      assertTrue(
          booked.path("activity").toString().contains("retry asked by the operator (user " + USER),
          booked.toString());
      screenshot("order-booked-shop-b");
      Files.delete(connectionsDir.resolve("shop-b.properties"));
    }
  }

  private void logIn(String user, String password) {
    if (!browser.getCurrentUrl().contains("/console/login")) {
      browser.get(connector.baseUrl() + "/console/login");
    }
    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user")));
    name.clear();
    name.sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("login-button")).click();
  }

  /** Waits until the page's script has loaded its data. */
  private void ready() {
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
  }

  private void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  private HttpRequest.Builder anonymous(String path) {
    return HttpRequest.newBuilder(URI.create(connector.baseUrl() + path));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode api(String method, String path) throws IOException {
    return JSON.readTree(connector.call(method, path).body());
  }
}
