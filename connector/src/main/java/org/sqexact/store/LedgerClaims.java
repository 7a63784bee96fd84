package org.sqexact.store;

import static org.sqexact.store.OrderLedger.COLUMNS;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sqexact.store.OrderLedger.Claim;
import org.sqexact.store.OrderLedger.Entry;
import org.sqexact.store.OrderLedger.State;

/**
 * The atomic moves of the order ledger: who takes an order (one conditional statement each, so of
 * several callers at once exactly one wins), giving it back, skipping and unskipping it, and
 * releasing what a stopped process held. {@link OrderLedger} is the door to them.
 */
final class LedgerClaims {

  private static final String INTERRUPTED = OrderLedger.INTERRUPTED;

  private final OrderLedger ledger;
  private final Database db;
  private final String connectionId;
  private final Clock clock;

  LedgerClaims(OrderLedger ledger, Database db, String connectionId, Clock clock) {
    this.ledger = ledger;
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  /**
   * Takes an order for handling, atomically: a new order gets its row (the primary key lets only
   * one caller insert it), a known one moves to IN_PROGRESS only from one of {@code from}, in one
   * conditional UPDATE. Of several callers at once (poll, operator retry, a second instance)
   * exactly one wins; the others get the current row and must not call Exact.
   *
   * @param createIfAbsent whether an order without a row may be taken (the flow; not a retry)
   */
  Claim claim(
      String orderId,
      String orderNumber,
      Instant modifiedOn,
      Set<State> from,
      boolean createIfAbsent,
      String owner) {
    Instant now = clock.instant();
    if (createIfAbsent && ledger.find(orderId).isEmpty()) {
      if (Sql.insertUnlessDuplicate(
          db,
          "order ledger",
          "INSERT INTO order_ledger (connection_id, order_id, order_number, state, attempts,"
              + " order_modified_on, claim_owner, created_at, updated_at)"
              + " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)",
          connectionId,
          orderId,
          orderNumber,
          State.IN_PROGRESS.name(),
          Database.ts(modifiedOn),
          owner,
          Database.ts(now),
          Database.ts(now))) {
        return new Claim(true, ledger.find(orderId).orElseThrow());
      }
      // another caller inserted it first: fall through to the conditional update
    }
    int changed =
        transition(
            orderId,
            from,
            "state = ?, claim_owner = ?, updated_at = ?",
            State.IN_PROGRESS.name(),
            owner,
            Database.ts(now));
    Optional<Entry> current = ledger.find(orderId);
    return new Claim(changed == 1 && current.isPresent(), current.orElse(null));
  }

  /** Whether {@code owner} holds the order now (IN_PROGRESS under its claim). */
  boolean holds(String orderId, String owner) {
    return !ledger
        .query(
            "SELECT "
                + COLUMNS
                + " FROM order_ledger WHERE connection_id = ? AND order_id = ? AND state = ? AND"
                + " claim_owner = ?",
            connectionId,
            orderId,
            State.IN_PROGRESS.name(),
            owner)
        .isEmpty();
  }

  /**
   * Gives back an order taken by {@code owner} without handling it (a retry whose order could not
   * be fetched): it returns to {@code back}.
   */
  boolean release(String orderId, String owner, State back, String why) {
    return Sql.update(
            db,
            "order ledger",
            "UPDATE order_ledger SET state = ?, claim_owner = NULL, last_error = COALESCE(?,"
                + " last_error), updated_at = ? WHERE connection_id = ? AND order_id = ? AND state"
                + " = ? AND claim_owner = ?",
            back.name(),
            ActivityLog.truncate(why, 1000),
            Database.ts(clock.instant()),
            connectionId,
            orderId,
            State.IN_PROGRESS.name(),
            owner)
        == 1;
  }

  /**
   * The operator skips an order: atomically from one of {@code from} (never from IN_PROGRESS,
   * BOOKED or SKIPPED); an order without a row gets a SKIPPED row. False when another caller
   * changed it first.
   */
  boolean skip(String orderId, String orderNumber, Set<State> from, String why) {
    Instant now = clock.instant();
    if (ledger.find(orderId).isEmpty()) {
      if (Sql.insertUnlessDuplicate(
          db,
          "order ledger",
          "INSERT INTO order_ledger (connection_id, order_id, order_number, state, attempts,"
              + " last_error, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
          connectionId,
          orderId,
          orderNumber,
          State.SKIPPED.name(),
          ActivityLog.truncate(why, 1000),
          Database.ts(now),
          Database.ts(now))) {
        return true;
      }
    }
    return transition(
            orderId,
            from,
            "state = ?, claim_owner = NULL, outcome_unknown = FALSE, last_error = ?, updated_at = ?",
            State.SKIPPED.name(),
            ActivityLog.truncate(why, 1000),
            Database.ts(now))
        == 1;
  }

  /**
   * Undoes an operator's skip: a SKIPPED order without an Exact document (not one Exact already
   * had) becomes PARKED, to be retried by the operator. False when it is not such an order.
   */
  boolean unskip(String orderId, String why) {
    return Sql.update(
            db,
            "order ledger",
            "UPDATE order_ledger SET state = ?, attempts = 0, last_error = ?, updated_at = ? WHERE"
                + " connection_id = ? AND order_id = ? AND state = ? AND exact_document_id IS"
                + " NULL",
            State.PARKED.name(),
            ActivityLog.truncate(why, 1000),
            Database.ts(clock.instant()),
            connectionId,
            orderId,
            State.SKIPPED.name())
        == 1;
  }

  /**
   * A graceful stop: the rows this process ({@code instance}) still holds become FAILED with an
   * unknown outcome and are due at once, so the next start asks Exact about them first.
   *
   * @return their order ids
   */
  List<String> releaseInstance(String instance) {
    List<String> ids = new ArrayList<>();
    for (Entry e :
        ledger.query(
            "SELECT "
                + COLUMNS
                + " FROM order_ledger WHERE connection_id = ? AND state = ? AND claim_owner LIKE ?",
            connectionId,
            State.IN_PROGRESS.name(),
            instance + "/%")) {
      if (Sql.update(
              db,
              "order ledger",
              "UPDATE order_ledger SET state = ?, outcome_unknown = TRUE, last_error = ?,"
                  + " claim_owner = NULL, updated_at = ? WHERE connection_id = ? AND order_id = ?"
                  + " AND state = ? AND claim_owner LIKE ?",
              State.FAILED.name(),
              INTERRUPTED,
              Database.ts(clock.instant()),
              connectionId,
              e.orderId(),
              State.IN_PROGRESS.name(),
              instance + "/%")
          == 1) {
        ids.add(e.orderId());
      }
    }
    return ids;
  }

  private int transition(String orderId, Set<State> from, String set, Object... setArgs) {
    if (from.isEmpty()) {
      return 0;
    }
    StringBuilder sql =
        new StringBuilder("UPDATE order_ledger SET ")
            .append(set)
            .append(" WHERE connection_id = ? AND order_id = ? AND state IN (");
    Object[] args = new Object[setArgs.length + 2 + from.size()];
    System.arraycopy(setArgs, 0, args, 0, setArgs.length);
    int i = setArgs.length;
    args[i++] = connectionId;
    args[i++] = orderId;
    boolean first = true;
    for (State s : from) {
      sql.append(first ? "?" : ", ?");
      first = false;
      args[i++] = s.name();
    }
    sql.append(')');
    return Sql.update(db, "order ledger", sql.toString(), args);
  }

  /**
   * Rows left IN_PROGRESS by a process that stopped (crash, kill) for longer than {@code stale}:
   * they become FAILED with an unknown outcome, so the next attempt asks Exact first.
   *
   * @return their order ids
   */
  List<String> recoverInterrupted(Duration stale, String ownInstance) {
    Instant before = clock.instant().minus(stale);
    List<String> ids = new ArrayList<>();
    for (Entry e :
        ledger.query(
            "SELECT "
                + COLUMNS
                + " FROM order_ledger WHERE connection_id = ? AND state = ? AND updated_at <= ? AND"
                + " (claim_owner IS NULL OR claim_owner NOT LIKE ?)",
            connectionId,
            State.IN_PROGRESS.name(),
            Database.ts(before),
            ownInstance + "/%")) {
      // one conditional transition per row: only the caller that moves the row releases its key
      if (Sql.update(
              db,
              "order ledger",
              "UPDATE order_ledger SET state = ?, outcome_unknown = TRUE, last_error = ?,"
                  + " claim_owner = NULL, updated_at = ? WHERE connection_id = ? AND order_id = ?"
                  + " AND state = ? AND updated_at = ?",
              State.FAILED.name(),
              INTERRUPTED,
              Database.ts(clock.instant()),
              connectionId,
              e.orderId(),
              State.IN_PROGRESS.name(),
              Database.ts(e.updatedAt()))
          == 1) {
        ids.add(e.orderId());
      }
    }
    return ids;
  }

  /**
   * Orders held by a node that is gone (its claim prefix not among {@code live}, the nodes that
   * still check in) and untouched for {@code grace}: released like interrupted ones, so that the
   * next attempt asks Exact first, without the long wait for a holder that may still be alive.
   */
  List<String> recoverAbandoned(Duration grace, Set<String> live, String ownInstance) {
    List<String> ids = new ArrayList<>();
    List<String[]> rows =
        Sql.query(
            db,
            "order ledger",
            "SELECT order_id, claim_owner, updated_at FROM order_ledger WHERE connection_id = ?"
                + " AND state = ? AND updated_at <= ? AND claim_owner IS NOT NULL"
                + " AND claim_owner NOT LIKE ?",
            rs -> new String[] {rs.getString(1), rs.getString(2), rs.getTimestamp(3).toString()},
            connectionId,
            State.IN_PROGRESS.name(),
            Database.ts(clock.instant().minus(grace)),
            ownInstance + "/%");
    for (String[] r : rows) {
      String owner = r[1].contains("/") ? r[1].substring(0, r[1].indexOf('/')) : r[1];
      if (live.contains(owner)) {
        continue;
      }
      if (Sql.update(
              db,
              "order ledger",
              "UPDATE order_ledger SET state = ?, outcome_unknown = TRUE, last_error = ?,"
                  + " claim_owner = NULL, updated_at = ? WHERE connection_id = ? AND order_id = ?"
                  + " AND state = ? AND claim_owner = ?",
              State.FAILED.name(),
              INTERRUPTED,
              Database.ts(clock.instant()),
              connectionId,
              r[0],
              State.IN_PROGRESS.name(),
              r[1])
          == 1) {
        ids.add(r[0]);
      }
    }
    return ids;
  }
}
