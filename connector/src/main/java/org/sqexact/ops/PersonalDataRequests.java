package org.sqexact.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;
import org.sqexact.store.PersonalDataStore;
import org.sqexact.store.RefundLedger;

/**
 * Data-subject requests (GDPR articles 15 and 17) for one order: {@code GET
 * /api/orders/{order}/personal-data} answers everything the connector keeps about the order, {@code
 * DELETE} erases it. What is kept after an erasure is the bare order id and number, its state and
 * the Exact document it became, so the order is never booked twice (none of them names a person;
 * the booking itself lives in Exact Online, under the merchant's own retention duty).
 */
public final class PersonalDataRequests {

  /** The reason the ledgers show after an erasure. */
  public static final String ERASED = "(erased at a data-subject request)";

  private static final int ALL_LINES = 100_000;

  /** What one connection keeps about its orders. */
  public record Scope(
      String connection,
      OrderLedger ledger,
      RefundLedger refunds,
      ActivityLog activity,
      PersonalDataStore store) {

    /** The state of any connection of the database, running or not. */
    public static Scope of(Database db, String connection, Clock clock) {
      return new Scope(
          connection,
          new OrderLedger(db, connection, clock),
          new RefundLedger(db, connection, clock),
          // only read, erased from and written to here: the retention is its housekeeping's
          new ActivityLog(db, connection, clock, Duration.ofDays(3650)),
          new PersonalDataStore(db, connection));
    }

    boolean knows(String key) {
      return ledger.findByIdOrNumber(key).isPresent() || !activity.recent(key, 1).isEmpty();
    }
  }

  private final Scope defaultScope;
  private final Supplier<List<String>> connections;
  private final Function<String, Scope> scope;

  /**
   * Requests for every connection of the database: the default connection's scope (its beans), the
   * ids of all connections (running or not: their orders' data is kept after their file is removed,
   * so a data subject's request must still reach it) and how to open one's scope.
   */
  public PersonalDataRequests(
      Scope defaultScope, Supplier<List<String>> connections, Function<String, Scope> scope) {
    this.defaultScope = defaultScope;
    this.connections = connections;
    this.scope = scope;
  }

  /**
   * The connection the request is about: {@code ?connection=<id>}, else the default connection when
   * it knows the order, else the one other connection that knows it; or the error answer.
   */
  private record Resolved(Scope scope, Map<String, Object> error) {}

  private Resolved resolve(Exchange exchange, String key) {
    Map<String, List<String>> query;
    try {
      query = ApiCalls.query(exchange, Set.of("connection"));
    } catch (IllegalArgumentException e) {
      return new Resolved(null, ApiCalls.error(exchange, 400, e.getMessage()));
    }
    List<String> given = query.getOrDefault("connection", List.of());
    if (given.size() > 1) {
      return new Resolved(null, ApiCalls.error(exchange, 400, "give 'connection' once"));
    }
    if (given.size() == 1) {
      String id = given.get(0).trim();
      if (id.equals(defaultScope.connection())) {
        return new Resolved(defaultScope, null);
      }
      if (!connections.get().contains(id)) {
        return new Resolved(
            null,
            ApiCalls.error(
                exchange, 404, "connection '" + ApiCalls.shortText(id) + "' is not known"));
      }
      return new Resolved(scope.apply(id), null);
    }
    if (defaultScope.knows(key)) {
      return new Resolved(defaultScope, null);
    }
    List<Scope> knowing = new ArrayList<>();
    for (String id : connections.get()) {
      if (!id.equals(defaultScope.connection())) {
        Scope s = scope.apply(id);
        if (s.knows(key)) {
          knowing.add(s);
        }
      }
    }
    if (knowing.size() > 1) {
      return new Resolved(
          null,
          ApiCalls.error(
              exchange,
              409,
              "order "
                  + key
                  + " is known to the connections "
                  + String.join(", ", knowing.stream().map(Scope::connection).toList())
                  + "; add ?connection=<id>"));
    }
    return new Resolved(knowing.isEmpty() ? defaultScope : knowing.get(0), null);
  }

  /** GET: the ledger row, the refund rows, every activity line and the idempotent key. */
  public Map<String, Object> export(Exchange exchange) {
    String key = ApiCalls.orderKey(exchange);
    if (key == null) {
      return ApiCalls.badOrderKey(exchange);
    }
    Resolved resolved = resolve(exchange, key);
    if (resolved.error() != null) {
      return resolved.error();
    }
    Scope at = resolved.scope();
    OrderLedger ledger = at.ledger();
    ActivityLog activity = at.activity();
    Optional<Entry> entry = ledger.findByIdOrNumber(key);
    List<ActivityLog.Entry> lines =
        activity.recent(entry.map(Entry::orderId).orElse(key), ALL_LINES);
    if (entry.isPresent() && !entry.get().orderNumber().equals(entry.get().orderId())) {
      // lines written before the ledger row knew the id carry the number only
      for (ActivityLog.Entry a : activity.recent(entry.get().orderNumber(), ALL_LINES)) {
        if (lines.stream().noneMatch(l -> l.id() == a.id())) {
          lines = new ArrayList<>(lines);
          lines.add(a);
        }
      }
    }
    if (entry.isEmpty() && lines.isEmpty()) {
      return ApiCalls.error(exchange, 404, "order " + key + " is not known to the connector");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connection", at.connection());
    out.put("order", entry.map(ApiCalls::view).orElse(null));
    List<Map<String, Object>> refundRows = new ArrayList<>();
    if (entry.isPresent()) {
      for (RefundLedger.Entry r : at.refunds().forOrder(entry.get().orderId())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("refundId", r.refundId());
        m.put("amount", r.amount());
        m.put("yourRef", r.yourRef());
        m.put("state", r.state().name().toLowerCase(Locale.ROOT));
        m.put("exactDocumentId", r.documentId());
        m.put("exactDocumentNumber", r.documentNumber());
        m.put("attempts", r.attempts());
        m.put("reason", r.lastError());
        refundRows.add(m);
      }
    }
    out.put("refunds", refundRows);
    List<Map<String, Object>> activityRows = new ArrayList<>();
    for (ActivityLog.Entry a : lines) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", a.at().toString());
      m.put("step", a.step());
      m.put("outcome", a.outcome());
      m.put("message", a.message());
      m.put("endpoint", a.endpoint());
      m.put("httpStatus", a.httpStatus());
      activityRows.add(m);
    }
    out.put("activity", activityRows);
    out.put(
        "idempotentKey",
        entry.isPresent() && at.store().hasIdempotentKey(entry.get().orderId())
            ? entry.get().orderId()
            : null);
    out.put(
        "notStored",
        "order payloads, customer names, e-mail addresses, addresses and phone numbers are never"
            + " stored by the connector; Squarespace and Exact Online keep their own copies");
    return out;
  }

  /**
   * DELETE: erases the order's activity lines and reasons; keeps what prevents a second booking.
   */
  public Map<String, Object> erase(Exchange exchange) {
    String key = ApiCalls.orderKey(exchange);
    if (key == null) {
      return ApiCalls.badOrderKey(exchange);
    }
    Resolved resolved = resolve(exchange, key);
    if (resolved.error() != null) {
      return resolved.error();
    }
    Scope at = resolved.scope();
    ActivityLog activity = at.activity();
    Optional<Entry> entry = at.ledger().findByIdOrNumber(key);
    String orderId = entry.map(Entry::orderId).orElse(key);
    String number = entry.map(Entry::orderNumber).orElse(key);
    if (entry.isEmpty() && activity.recent(key, 1).isEmpty()) {
      return ApiCalls.error(exchange, 404, "order " + key + " is not known to the connector");
    }
    if (entry.isPresent() && entry.get().state() == OrderLedger.State.IN_PROGRESS) {
      return ApiCalls.error(
          exchange, 409, "order #" + number + " is being booked now; erase it once that is done");
    }
    PersonalDataStore.Erased erased = at.store().erase(orderId, number, ERASED);
    // the request itself is recorded, without any data of the person
    activity.record(
        orderId,
        number,
        "erase",
        "erased",
        "personal data erased at a data-subject request by " + ApiCalls.operator(exchange));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connection", at.connection());
    out.put("order", number);
    out.put("activityLinesDeleted", erased.activityLines());
    out.put("ledgerReasonsErased", erased.ledgerReasons() + erased.refundReasons());
    out.put(
        "kept",
        "the order id and number, its state and its Exact document, so it is never booked twice");
    return out;
  }
}
