package org.sqexact.ops;

import static org.sqexact.ops.ApiCalls.badOrderKey;
import static org.sqexact.ops.ApiCalls.error;
import static org.sqexact.ops.ApiCalls.orderKey;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.sqexact.order.ExistenceCheck;
import org.sqexact.order.OrderContext;
import org.sqexact.order.OrderEligibility;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;

/**
 * GET /api/orders/{order}/dry-run: runs the order flow's dry run ({@code direct:order-dry-run}) on
 * an order fetched from Squarespace and reports what would be written, with personal data masked.
 */
final class DryRunReport {

  private final OrderLedger ledger;
  private final SquarespaceApi squarespace;
  private final OrderEligibility eligibility;
  private final ProducerTemplate template;
  private final String dryRunUri;

  DryRunReport(
      OrderLedger ledger,
      SquarespaceApi squarespace,
      OrderEligibility eligibility,
      ProducerTemplate template,
      String dryRunUri) {
    this.ledger = ledger;
    this.squarespace = squarespace;
    this.eligibility = eligibility;
    this.template = template;
    this.dryRunUri = dryRunUri;
  }

  /**
   * GET /api/orders/{order}/dry-run — the payloads an order would get (customer and document), the
   * resolved codes and any problem, without writing to Exact.
   */
  Map<String, Object> run(Exchange exchange, Preflight preflight) {
    String key = orderKey(exchange);
    if (key == null) {
      return badOrderKey(exchange);
    }
    String orderId =
        ledger
            .findByIdOrNumber(key)
            .map(Entry::orderId)
            .orElseGet(() -> key.matches("[0-9a-f]{24}") ? key : findByNumber(key));
    if (orderId == null) {
      return error(
          exchange,
          404,
          "order "
              + key
              + " was not found: give its Squarespace order id or a number of the last"
              + " 90 days");
    }
    JsonNode order;
    try {
      order = squarespace.orderJson(orderId);
    } catch (RuntimeException e) {
      return error(
          exchange, 404, "cannot fetch order " + key + " from Squarespace: " + e.getMessage());
    }
    Exchange run = template.request(dryRunUri, e -> e.getMessage().setBody(order));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orderId", orderId);
    out.put("orderNumber", order.path("orderNumber").asText());
    String notEligible = eligibility.reasonNotEligible(order);
    out.put("eligible", notEligible == null);
    if (notEligible != null) {
      out.put("notEligibleBecause", notEligible);
    }
    // what the run resolved (nothing when the order could not be read)
    OrderContext context = run.getProperty(OrderContext.PROPERTY, OrderContext.class);
    if (context == null) {
      context = new OrderContext(null, null, null, true);
    }
    ExistenceCheck.Found existing = context.getExisting();
    if (existing != null) {
      out.put("alreadyInExact", existing.describe());
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    resolved.put(
        "customer", context.getCustomerKind() == null ? null : context.getCustomerKind().name());
    resolved.put("company", context.getCompany() == null ? null : PersonalData.MASK);
    resolved.put("accountId", context.getAccountId());
    resolved.put("contactId", context.getContactId());
    resolved.put("deliveryAddressId", context.getDeliveryAddressId());
    out.put("resolved", resolved);
    // what would be written, with customers' personal data masked: it never leaves the API
    out.put(
        "customerWrites",
        context.dryRunWrites().isEmpty() ? null : PersonalData.mask(context.dryRunWrites()));
    out.put("document", PersonalData.mask(context.getDocument()));
    String problem = run.getProperty("dryRunProblem", String.class);
    if (problem != null) {
      problem = org.sqexact.support.Redact.emails(problem);
    }
    List<String> problems = new ArrayList<>();
    if (problem != null) {
      problems.add(problem);
    }
    if (preflight != null && preflight.last() != null) {
      for (Preflight.Problem p : preflight.last().problems()) {
        problems.add("setting " + p.setting() + ": " + p.message());
      }
    }
    out.put("problems", problems);
    out.put("wouldBook", notEligible == null && existing == null && problems.isEmpty());
    return out;
  }

  /**
   * Finds a Squarespace order id by its number among the orders of the last 90 days (the Orders API
   * cannot filter by number); null when not found.
   */
  private String findByNumber(String number) {
    if (!number.matches("[A-Za-z0-9-]{1,32}")) {
      return null;
    }
    java.time.format.DateTimeFormatter iso =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    Instant now = Instant.now();
    String query =
        "modifiedAfter="
            + iso.format(now.minus(java.time.Duration.ofDays(90)))
            + "&modifiedBefore="
            + iso.format(now)
            + "&paymentStates=NOT_CHARGED,AUTHORIZED,PAID,REFUNDED,PENDING,FAILED,PARTIALLY_PAID";
    for (int page = 0; page < 20 && query != null; page++) {
      JsonNode list = squarespace.get("/1.0/commerce/orders", query);
      for (JsonNode o : list.path("result")) {
        if (number.equals(o.path("orderNumber").asText())) {
          return o.path("id").asText();
        }
      }
      boolean next = list.path("pagination").path("hasNextPage").asBoolean(false);
      String cursor = list.path("pagination").path("nextPageCursor").asText(null);
      query =
          next && cursor != null
              ? "cursor="
                  + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)
              : null;
    }
    return null;
  }
}
