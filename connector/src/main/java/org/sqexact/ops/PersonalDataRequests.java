package org.sqexact.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.sqexact.store.ActivityLog;
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

  private final OrderLedger ledger;
  private final RefundLedger refunds;
  private final ActivityLog activity;
  private final PersonalDataStore store;

  public PersonalDataRequests(
      OrderLedger ledger, RefundLedger refunds, ActivityLog activity, PersonalDataStore store) {
    this.ledger = ledger;
    this.refunds = refunds;
    this.activity = activity;
    this.store = store;
  }

  /** GET: the ledger row, the refund rows, every activity line and the idempotent key. */
  public Map<String, Object> export(Exchange exchange) {
    String key = ApiCalls.orderKey(exchange);
    if (key == null) {
      return ApiCalls.badOrderKey(exchange);
    }
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
    out.put("order", entry.map(ApiCalls::view).orElse(null));
    List<Map<String, Object>> refundRows = new ArrayList<>();
    if (entry.isPresent()) {
      for (RefundLedger.Entry r : refunds.forOrder(entry.get().orderId())) {
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
        entry.isPresent() && store.hasIdempotentKey(entry.get().orderId())
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
    Optional<Entry> entry = ledger.findByIdOrNumber(key);
    String orderId = entry.map(Entry::orderId).orElse(key);
    String number = entry.map(Entry::orderNumber).orElse(key);
    if (entry.isEmpty() && activity.recent(key, 1).isEmpty()) {
      return ApiCalls.error(exchange, 404, "order " + key + " is not known to the connector");
    }
    if (entry.isPresent() && entry.get().state() == OrderLedger.State.IN_PROGRESS) {
      return ApiCalls.error(
          exchange, 409, "order #" + number + " is being booked now; erase it once that is done");
    }
    PersonalDataStore.Erased erased = store.erase(orderId, number, ERASED);
    // the request itself is recorded, without any data of the person
    activity.record(
        orderId,
        number,
        "erase",
        "erased",
        "personal data erased at a data-subject request by " + ApiCalls.operator(exchange));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("order", number);
    out.put("activityLinesDeleted", erased.activityLines());
    out.put("ledgerReasonsErased", erased.ledgerReasons() + erased.refundReasons());
    out.put(
        "kept",
        "the order id and number, its state and its Exact document, so it is never booked twice");
    return out;
  }
}
