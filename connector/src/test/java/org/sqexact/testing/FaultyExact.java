package org.sqexact.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A WireMock front that makes the stubs of Exact Online a small Exact with state and faults: it
 * keeps the accounts and sales orders the connector creates (so a look-up by e-mail through the
 * sync API, or by {@code YourRef}, finds what a lost response hid), and fails a share of the calls
 * the way Exact and the network do: a 503 before anything happened, a 500 after Exact saved the
 * write, the response lost after the commit (connection reset), and a timeout (the answer comes
 * after the connector's HTTP timeout; a write is saved). With a {@link Clock} it also keeps Exact's
 * fixed minute window of {@code minutelyLimit} calls and answers 429 beyond it.
 *
 * <p>Inactive (answers pass unchanged) until {@link #start} is called; the token endpoint is never
 * touched.
 */
public final class FaultyExact implements ResponseDefinitionTransformerV2 {

  /** How a call fails. */
  public enum Kind {
    UNAVAILABLE_BEFORE,
    ERROR_AFTER_COMMIT,
    LOST_AFTER_COMMIT,
    TIMEOUT
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern YOUR_REF = Pattern.compile("YourRef eq '((?:[^']|'')*)'");
  private static final Pattern TIMESTAMP = Pattern.compile("Timestamp gt (\\d+)L");

  private volatile boolean active;
  private double faultRate;
  private Random random;
  private int timeoutDelayMs;
  private Clock clock;
  private int minutelyLimit;
  private int othersPerCall;
  private final List<Long> callTimes = new ArrayList<>();
  private long windowMinute = -1;
  private int windowCalls;
  private final List<ObjectNode> accounts = new ArrayList<>();
  private final List<ObjectNode> salesOrders = new ArrayList<>();
  private final Map<Kind, AtomicInteger> faults = new EnumMap<>(Kind.class);
  private final AtomicInteger calls = new AtomicInteger();
  private final List<Long> tooManyAt = new ArrayList<>();
  private long timestamp = 5000;

  /**
   * Starts failing {@code faultRate} of the REST calls (seeded, so a run can be repeated), and
   * forgets earlier state.
   */
  public synchronized void start(double faultRate, long seed, int timeoutDelayMs) {
    this.faultRate = faultRate;
    this.random = new Random(seed);
    this.timeoutDelayMs = timeoutDelayMs;
    this.clock = null;
    this.minutelyLimit = 0;
    accounts.clear();
    salesOrders.clear();
    faults.clear();
    tooManyAt.clear();
    callTimes.clear();
    othersPerCall = 0;
    calls.set(0);
    windowMinute = -1;
    for (Kind k : Kind.values()) {
      faults.put(k, new AtomicInteger());
    }
    active = true;
  }

  /**
   * Also keeps Exact's minute window on {@code clock}: {@code limit} calls, then 429. Another
   * program on the same app and division makes {@code othersPerCall} calls while each of the
   * connector's is under way (PQ#646), so the headers the connector last saw are always a little
   * optimistic.
   */
  public synchronized void limitPerMinute(Clock clock, int limit, int othersPerCall) {
    this.clock = clock;
    this.minutelyLimit = limit;
    this.othersPerCall = othersPerCall;
  }

  /** The test-clock times (epoch ms) of the connector's REST calls, in order. */
  public synchronized List<Long> callTimes() {
    return List.copyOf(callTimes);
  }

  public void stop() {
    active = false;
  }

  @Override
  public String getName() {
    return "faulty-exact";
  }

  @Override
  public boolean applyGlobally() {
    return true;
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent event) {
    Request r = event.getRequest();
    String path = r.getUrl();
    int q = path.indexOf('?');
    String query = q >= 0 ? URLDecoder.decode(path.substring(q + 1), StandardCharsets.UTF_8) : "";
    path = q >= 0 ? path.substring(0, q) : path;
    if (!active || !path.startsWith("/api/v1/" + ExactStubs.DIVISION + "/")) {
      return event.getResponseDefinition();
    }
    calls.incrementAndGet();
    String entity = path.substring(("/api/v1/" + ExactStubs.DIVISION + "/").length());
    String method = r.getMethod().getName();
    if (minutelyLimit > 0) {
      long minute = clock.millis() / 60_000;
      if (minute != windowMinute) {
        windowMinute = minute;
        windowCalls = othersPerCall; // the other program was first this minute
      }
      callTimes.add(clock.millis());
      windowCalls += othersPerCall;
      windowCalls++;
      if (windowCalls > minutelyLimit) {
        tooManyAt.add(clock.millis());
        return rate(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withBody(ExactStubs.error("Too many requests")),
                0)
            .build();
      }
    }
    Kind fault = null;
    if (faultRate > 0 && random.nextDouble() < faultRate) {
      Kind[] kinds = Kind.values();
      fault = kinds[random.nextInt(kinds.length)];
      if (!"POST".equals(method) && !"PUT".equals(method) && fault == Kind.ERROR_AFTER_COMMIT) {
        fault = Kind.UNAVAILABLE_BEFORE;
      }
      faults.get(fault).incrementAndGet();
    }
    if (fault == Kind.UNAVAILABLE_BEFORE) {
      return json(503, ExactStubs.error("Service Unavailable")).build();
    }
    ResponseDefinitionBuilder answer = answer(entity, method, query, r.getBodyAsString());
    ResponseDefinition base =
        answer == null ? event.getResponseDefinition() : answer.build(); // state changed here
    if (fault == null) {
      return base;
    }
    return switch (fault) {
      case ERROR_AFTER_COMMIT -> json(500, ExactStubs.error("Internal server error")).build();
      case LOST_AFTER_COMMIT -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
      case TIMEOUT -> ResponseDefinitionBuilder.like(base).withFixedDelay(timeoutDelayMs).build();
      default -> base;
    };
  }

  private ResponseDefinitionBuilder answer(
      String entity, String method, String query, String body) {
    if (entity.equals("crm/Accounts") && method.equals("POST")) {
      ObjectNode a = (ObjectNode) parse(body);
      a.put("ID", UUID.randomUUID().toString());
      a.put("Code", String.format("%18d", 1000 + accounts.size()));
      a.put("Timestamp", ++timestamp);
      if (!a.hasNonNull("Status")) {
        a.put("Status", "C");
      }
      accounts.add(a);
      return json(201, "{\"d\":" + a + "}");
    }
    if (entity.equals("sync/CRM/Accounts") && method.equals("GET")) {
      Matcher m = TIMESTAMP.matcher(query);
      long since = m.find() ? Long.parseLong(m.group(1)) : 0;
      String rows =
          accounts.stream()
              .filter(a -> a.path("Timestamp").asLong() > since)
              .map(JsonNode::toString)
              .collect(Collectors.joining(","));
      return json(200, ExactStubs.page(rows, null));
    }
    if (entity.equals("salesorder/SalesOrders") && method.equals("POST")) {
      ObjectNode o = (ObjectNode) parse(body);
      o.put("OrderID", UUID.randomUUID().toString());
      o.put("OrderNumber", 5000 + salesOrders.size());
      salesOrders.add(o);
      return json(
          201,
          "{\"d\":{\"OrderID\":\""
              + o.path("OrderID").asText()
              + "\",\"OrderNumber\":"
              + o.path("OrderNumber").asInt()
              + "}}");
    }
    if (entity.equals("salesorder/SalesOrders") && method.equals("GET")) {
      List<String> refs = new ArrayList<>();
      Matcher m = YOUR_REF.matcher(query);
      while (m.find()) {
        refs.add(m.group(1).replace("''", "'"));
      }
      String rows =
          salesOrders.stream()
              .filter(o -> refs.contains(o.path("YourRef").asText()))
              .map(
                  o ->
                      "{\"OrderID\":\""
                          + o.path("OrderID").asText()
                          + "\",\"OrderNumber\":"
                          + o.path("OrderNumber").asInt()
                          + ",\"YourRef\":"
                          + o.path("YourRef")
                          + "}")
              .collect(Collectors.joining(","));
      return json(200, ExactStubs.page(rows, null));
    }
    return null;
  }

  private ResponseDefinitionBuilder json(int status, String body) {
    return rate(
        aResponse()
            .withStatus(status)
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body),
        -1);
  }

  /** Exact's rate headers; the minute window on the test clock when one is kept. */
  private ResponseDefinitionBuilder rate(ResponseDefinitionBuilder b, int remaining) {
    if (minutelyLimit <= 0) {
      return ExactStubs.withRateHeaders(b, 59, 4999);
    }
    long reset = (clock.millis() / 60_000 + 1) * 60_000;
    int left = remaining >= 0 ? remaining : Math.max(0, minutelyLimit - windowCalls);
    return b.withHeader("X-RateLimit-Minutely-Limit", Integer.toString(minutelyLimit))
        .withHeader("X-RateLimit-Minutely-Remaining", Integer.toString(left))
        .withHeader("X-RateLimit-Minutely-Reset", Long.toString(reset));
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** Sales orders Exact holds per YourRef (more than one is a double booking). */
  public synchronized Map<String, Long> salesOrdersByYourRef() {
    return salesOrders.stream()
        .collect(Collectors.groupingBy(o -> o.path("YourRef").asText(), Collectors.counting()));
  }

  /** Accounts Exact holds per e-mail. */
  public synchronized Map<String, Long> accountsByEmail() {
    return accounts.stream()
        .collect(Collectors.groupingBy(a -> a.path("Email").asText(), Collectors.counting()));
  }

  public synchronized Map<Kind, Integer> faults() {
    Map<Kind, Integer> out = new EnumMap<>(Kind.class);
    faults.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public int calls() {
    return calls.get();
  }

  /** The test-clock times (epoch ms) of the 429s answered. */
  public synchronized List<Long> tooManyRequestsAt() {
    return List.copyOf(tooManyAt);
  }
}
