package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.ProducerTemplate;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.support.GatewayCall;

/**
 * What Java beans use to talk to Exact Online. Every call is sent to the {@code exact-call} route
 * ({@code direct:exact-call}), so it shows in route traces and obeys the gateway's rules.
 */
public final class ExactApi {

  /** The gateway route of the default connection. */
  public static final String CALL = "direct:exact-call";

  private final ProducerTemplate template;
  private final String endpoint;
  private volatile ExactDivision division;

  public ExactApi(ProducerTemplate template) {
    this(template, CALL);
  }

  /**
   * @param endpoint the gateway route of this API's connection ({@code direct:exact-call-<id>} for
   *     a connection from {@code connections/}, docs/design/connections.md)
   */
  public ExactApi(ProducerTemplate template, String endpoint) {
    this.template = template;
    this.endpoint = endpoint;
  }

  /** One page of an entity set: the rows and the link to the next page, if any. */
  public record Page(List<JsonNode> rows, String next) {}

  /** GETs one page of {@code path} (e.g. {@code crm/Accounts}) in the division. */
  public Page page(String path, OData.Query query, Priority priority) {
    return toPage(call("GET", path, query.encoded(), null, priority, true));
  }

  /** GETs the page a {@code __next} link points to. */
  public Page next(String nextLink, Priority priority) {
    int q = nextLink.indexOf('?');
    String path = q >= 0 ? nextLink.substring(0, q) : nextLink;
    String query = q >= 0 ? nextLink.substring(q + 1) : null;
    return toPage(call("GET", path, query, null, priority, true));
  }

  /** GETs every page of {@code path}, following {@code __next}. */
  public List<JsonNode> all(String path, OData.Query query, Priority priority) {
    List<JsonNode> rows = new ArrayList<>();
    forEachPage(path, query, priority, page -> rows.addAll(page.rows()));
    return rows;
  }

  /**
   * GETs every row of {@code path} in the given division, not the connector's (the connect wizard
   * lists the divisions before one is chosen, in the user's current division).
   */
  public List<JsonNode> allIn(int division, String path, OData.Query query, Priority priority) {
    List<JsonNode> rows = new ArrayList<>();
    String next = null;
    do {
      Page page =
          toPage(
              next == null
                  ? call("GET", path, query.encoded(), null, priority, true, division)
                  : call("GET", pathOf(next), queryOf(next), null, priority, true, division));
      rows.addAll(page.rows());
      next = page.next();
    } while (next != null);
    return rows;
  }

  /** The division the connector books in, 0 while none is chosen (caches follow it). */
  public int division() {
    ExactDivision d = division;
    return d == null ? 0 : d.getAsInt();
  }

  /** Tells the API which division the connector books in (caches start over when it changes). */
  public void useDivision(ExactDivision division) {
    this.division = division;
  }

  private static String pathOf(String link) {
    int q = link.indexOf('?');
    return q >= 0 ? link.substring(0, q) : link;
  }

  private static String queryOf(String link) {
    int q = link.indexOf('?');
    return q >= 0 ? link.substring(q + 1) : null;
  }

  /** GETs every page of {@code path}, handing each to {@code consumer} as it arrives. */
  public void forEachPage(
      String path, OData.Query query, Priority priority, Consumer<Page> consumer) {
    Page page = page(path, query, priority);
    consumer.accept(page);
    while (page.next() != null) {
      page = next(page.next(), priority);
      consumer.accept(page);
    }
  }

  /** POSTs a new entity; returns the entity Exact created ({@code d}). */
  public JsonNode post(String path, JsonNode body, Priority priority) {
    JsonNode response = call("POST", path, null, body, priority, true);
    return response == null ? null : response.path("d");
  }

  /** PUTs changes to an existing entity, e.g. {@code crm/Accounts(guid'…')}. */
  public void put(String path, JsonNode body, Priority priority) {
    call("PUT", path, null, body, priority, true);
  }

  /** DELETEs an entity, e.g. {@code webhooks/WebhookSubscriptions(guid'…')}. */
  public void delete(String path, Priority priority) {
    call("DELETE", path, null, null, priority, true);
  }

  /** {@code current/Me}: the user, and the division the user last chose. No division in the URL. */
  public JsonNode me() {
    JsonNode response =
        call(
            "GET",
            "current/Me",
            OData.select("CurrentDivision", "UserID", "UserName", "LanguageCode").encoded(),
            null,
            Priority.ORDERS,
            false);
    JsonNode results = response.path("d").path("results");
    return results.isArray() && results.size() > 0 ? results.get(0) : response.path("d");
  }

  private JsonNode call(
      String method,
      String path,
      String query,
      JsonNode body,
      Priority priority,
      boolean divisionScoped) {
    return call(method, path, query, body, priority, divisionScoped, 0);
  }

  private JsonNode call(
      String method,
      String path,
      String query,
      JsonNode body,
      Priority priority,
      boolean divisionScoped,
      int ownDivision) {
    return GatewayCall.request(
        template,
        endpoint,
        e -> {
          e.setProperty(ExactGateway.METHOD, method);
          e.setProperty(ExactGateway.PATH, path);
          e.setProperty(ExactGateway.QUERY, query);
          e.setProperty(ExactGateway.BODY, body);
          e.setProperty(ExactGateway.PRIORITY, priority);
          e.setProperty(ExactGateway.DIVISION_SCOPED, divisionScoped);
          if (ownDivision > 0) {
            e.setProperty(ExactGateway.DIVISION, ownDivision);
          }
        },
        ExactException.class);
  }

  private static Page toPage(JsonNode response) {
    JsonNode d = response == null ? null : response.path("d");
    List<JsonNode> rows = new ArrayList<>();
    if (d == null || d.isMissingNode()) {
      return new Page(rows, null);
    }
    JsonNode results = d.isArray() ? d : d.path("results");
    if (results.isArray()) {
      results.forEach(rows::add);
    }
    JsonNode next = d.path("__next");
    return new Page(rows, next.isTextual() && !next.asText().isBlank() ? next.asText() : null);
  }
}
