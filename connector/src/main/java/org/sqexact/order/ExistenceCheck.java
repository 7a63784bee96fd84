package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;
import org.sqexact.store.OrderLedger;

/**
 * Asks Exact Online whether a document with the order's {@code YourRef} exists, before anything is
 * posted. For a page of orders one call covers up to 40 of them ({@code YourRef eq 'a' or …}); an
 * order whose last attempt ended with an unknown outcome is asked about again on its own.
 */
public final class ExistenceCheck {

  /** A document in Exact Online. */
  public record Found(DocumentType type, String id, String number) {
    public String describe() {
      return type.label() + " " + (number != null && !number.isBlank() ? number : id);
    }
  }

  private record Known(Found found, Instant checkedAt) {}

  private static final Logger LOG = LoggerFactory.getLogger(ExistenceCheck.class);

  /** References per question: a page of Squarespace orders, within Exact's URL length limit. */
  private static final int PER_CALL = 50;

  private static final int MAX_FILTER_CHARS = 3500;

  private final ExactApi api;
  private final DocumentType type;
  private final Clock clock;
  private final Duration freshFor;
  private final Map<String, Known> known = new HashMap<>();

  public ExistenceCheck(ExactApi api, DocumentType type, Clock clock, Duration freshFor) {
    this.api = api;
    this.type = type;
    this.clock = clock;
    this.freshFor = freshFor;
  }

  /** Asks about many references at once; the answers are kept for this poll. */
  public void prefetch(Collection<String> yourRefs) {
    List<String> refs = new ArrayList<>(new LinkedHashSet<>(yourRefs));
    int from = 0;
    while (from < refs.size()) {
      int to = from;
      int chars = 0;
      while (to < refs.size() && to - from < PER_CALL && chars < MAX_FILTER_CHARS) {
        chars += refs.get(to).length() * 3 + 20; // worst case when URL-encoded
        to++;
      }
      List<String> chunk = refs.subList(from, to);
      from = to;
      Map<String, Found> found = query(chunk);
      Instant now = clock.instant();
      synchronized (known) {
        for (String ref : chunk) {
          known.put(ref, new Known(found.get(ref), now));
        }
      }
    }
  }

  /**
   * Notes in the context the document Exact already has for the order, if any. Uses this poll's
   * answer, except after an attempt whose outcome is unknown, when Exact is asked again.
   */
  public void check(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    String ref = context.getYourRef();
    OrderLedger.Entry before = context.getPrevious();
    boolean mustAsk = before != null && before.outcomeUnknown();
    Known k;
    synchronized (known) {
      k = known.get(ref);
    }
    Found found;
    if (!mustAsk && k != null && clock.instant().isBefore(k.checkedAt().plus(freshFor))) {
      found = k.found();
    } else {
      if (mustAsk) {
        LOG.info(
            "The last attempt's outcome is unknown: asking Exact Online about YourRef {}", ref);
      }
      found = query(List.of(ref)).get(ref);
      synchronized (known) {
        known.put(ref, new Known(found, clock.instant()));
      }
    }
    context.setExisting(found);
  }

  /** Asks Exact now (not this poll's answer) whether it has a document with this YourRef. */
  public Found askNow(String yourRef) {
    Found found = query(List.of(yourRef)).get(yourRef);
    synchronized (known) {
      known.put(yourRef, new Known(found, clock.instant()));
    }
    return found;
  }

  /** Remembers a document the connector has just booked. */
  public void recordBooked(String yourRef, Found found) {
    synchronized (known) {
      known.put(yourRef, new Known(found, clock.instant()));
    }
  }

  /** Forgets what is older than the freshness period. */
  public void forgetStale() {
    Instant limit = clock.instant().minus(freshFor);
    synchronized (known) {
      known.values().removeIf(k -> k.checkedAt().isBefore(limit));
    }
  }

  private Map<String, Found> query(List<String> refs) {
    Map<String, Found> out = new HashMap<>();
    List<JsonNode> rows =
        api.all(
            type.path(),
            OData.select(type.idField(), type.numberField(), "YourRef")
                .filter(OData.anyOf("YourRef", refs)),
            Priority.ORDERS);
    for (JsonNode row : rows) {
      String ref = row.path("YourRef").asText(null);
      if (ref != null && !out.containsKey(ref)) {
        out.put(
            ref,
            new Found(
                type,
                row.path(type.idField()).asText(null),
                row.path(type.numberField()).asText(null)));
      }
    }
    return out;
  }

  public DocumentType type() {
    return type;
  }
}
