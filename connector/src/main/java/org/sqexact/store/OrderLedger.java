package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What happened to each Squarespace order in Exact Online: its state, the Exact document, the
 * attempts and the last reason. Only ids, numbers, states and short reasons are stored.
 */
public final class OrderLedger {

  /** The states of an order. */
  public enum State {
    /** Being processed now. */
    IN_PROGRESS,
    /** The last attempt failed; the next poll tries again. */
    FAILED,
    /** Needs the operator: it is not tried again until retried. */
    PARKED,
    /** Booked in Exact Online by the connector. */
    BOOKED,
    /** Not booked: already in Exact Online, or skipped by the operator. */
    SKIPPED;

    /** Booked or skipped: nothing more to do. */
    public boolean isFinal() {
      return this == BOOKED || this == SKIPPED;
    }
  }

  /** One row of the ledger. */
  public record Entry(
      String orderId,
      String orderNumber,
      State state,
      String documentType,
      String documentId,
      String documentNumber,
      int attempts,
      boolean outcomeUnknown,
      String lastError,
      Instant orderModifiedOn,
      Instant createdAt,
      Instant updatedAt) {}

  /** The reason an interrupted order carries; such an order is due again at once. */
  public static final String INTERRUPTED =
      "interrupted (the connector stopped while booking); Exact is asked before a new try";

  /**
   * The outcome of an atomic transition: whether this caller won it, and the row as it is now (the
   * winner's or the state another caller left).
   */
  public record Claim(boolean won, Entry current) {}

  static final String COLUMNS =
      "order_id, order_number, state, document_type, exact_document_id, exact_document_number,"
          + " attempts, outcome_unknown, last_error, order_modified_on, created_at, updated_at";

  private final Database db;
  private final String connectionId;
  private final Clock clock;
  private final LedgerClaims claims;

  public OrderLedger(Database db, String connectionId, Clock clock) {
    this.db = db;
    this.connectionId = connectionId;
    this.clock = clock;
    this.claims = new LedgerClaims(this, db, connectionId, clock);
  }

  public Optional<Entry> find(String orderId) {
    List<Entry> found =
        query(
            "SELECT " + COLUMNS + " FROM order_ledger WHERE connection_id = ? AND order_id = ?",
            connectionId,
            orderId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** By order id or by order number. */
  public Optional<Entry> findByIdOrNumber(String order) {
    List<Entry> found =
        query(
            "SELECT "
                + COLUMNS
                + " FROM order_ledger WHERE connection_id = ? AND (order_id = ? OR order_number = ?)",
            connectionId,
            order,
            order);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The entries of many orders at once (one query per page of orders). */
  public Map<String, Entry> findAll(Collection<String> orderIds) {
    Map<String, Entry> out = new HashMap<>();
    List<String> ids = new ArrayList<>(orderIds);
    for (int from = 0; from < ids.size(); from += 100) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 100));
      StringBuilder sql =
          new StringBuilder(
              "SELECT " + COLUMNS + " FROM order_ledger WHERE connection_id = ? AND order_id IN (");
      Object[] args = new Object[chunk.size() + 1];
      args[0] = connectionId;
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
        args[i + 1] = chunk.get(i);
      }
      sql.append(')');
      for (Entry e : query(sql.toString(), args)) {
        out.put(e.orderId(), e);
      }
    }
    return out;
  }

  /** Orders in the given states, newest first. */
  public List<Entry> list(Collection<State> states, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM order_ledger WHERE connection_id = ?");
    Object[] args = new Object[states.size() + 1];
    args[0] = connectionId;
    if (!states.isEmpty()) {
      sql.append(" AND state IN (");
      int i = 1;
      for (State s : states) {
        sql.append(i == 1 ? "?" : ", ?");
        args[i++] = s.name();
      }
      sql.append(')');
    }
    sql.append(" ORDER BY updated_at DESC");
    List<Entry> all = query(sql.toString(), args);
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  /** Counts per state. */
  public Map<State, Integer> counts() {
    Map<State, Integer> out = new java.util.EnumMap<>(State.class);
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT state, COUNT(*) FROM order_ledger WHERE connection_id = ? GROUP BY state")) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(State.valueOf(rs.getString(1)), rs.getInt(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot count the order ledger", e);
    }
  }

  /**
   * Starts an attempt: creates the row or moves it to IN_PROGRESS and counts the attempt.
   *
   * @return the entry as it was before this attempt (null when new)
   */
  public Entry begin(String orderId, String orderNumber, Instant modifiedOn) {
    Entry before = find(orderId).orElse(null);
    Instant now = clock.instant();
    if (before == null) {
      update(
          "INSERT INTO order_ledger (connection_id, order_id, order_number, state, attempts,"
              + " order_modified_on, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
          connectionId,
          orderId,
          orderNumber,
          State.IN_PROGRESS.name(),
          Database.ts(modifiedOn),
          Database.ts(now),
          Database.ts(now));
    } else {
      update(
          "UPDATE order_ledger SET state = ?, attempts = attempts + 1, order_number = ?,"
              + " order_modified_on = ?, updated_at = ? WHERE connection_id = ? AND order_id = ?",
          State.IN_PROGRESS.name(),
          orderNumber,
          Database.ts(modifiedOn),
          Database.ts(now),
          connectionId,
          orderId);
    }
    return before;
  }

  /** The document is about to be posted: until it is recorded, its outcome is unknown. */
  public void markPosting(String orderId, String documentType) {
    update(
        "UPDATE order_ledger SET outcome_unknown = TRUE, document_type = ?, updated_at = ? WHERE"
            + " connection_id = ? AND order_id = ?",
        documentType,
        Database.ts(clock.instant()),
        connectionId,
        orderId);
  }

  /** The post certainly failed (Exact answered with an error): nothing was booked. */
  public void markPostRefused(String orderId) {
    update(
        "UPDATE order_ledger SET outcome_unknown = FALSE, updated_at = ? WHERE connection_id = ?"
            + " AND order_id = ?",
        Database.ts(clock.instant()),
        connectionId,
        orderId);
  }

  public void markBooked(
      String orderId, String documentType, String documentId, String documentNumber) {
    finish(orderId, State.BOOKED, documentType, documentId, documentNumber, null);
  }

  /** Already in Exact (found by YourRef), or skipped by the operator. */
  public void markSkipped(
      String orderId, String documentType, String documentId, String documentNumber, String why) {
    finish(orderId, State.SKIPPED, documentType, documentId, documentNumber, why);
  }

  private void finish(
      String orderId,
      State state,
      String documentType,
      String documentId,
      String documentNumber,
      String why) {
    update(
        "UPDATE order_ledger SET state = ?, document_type = COALESCE(?, document_type),"
            + " exact_document_id = COALESCE(?, exact_document_id), exact_document_number ="
            + " COALESCE(?, exact_document_number), outcome_unknown = FALSE, last_error = ?,"
            + " claim_owner = NULL, updated_at = ? WHERE connection_id = ? AND order_id = ?",
        state.name(),
        documentType,
        documentId,
        documentNumber,
        ActivityLog.truncate(why, 1000),
        Database.ts(clock.instant()),
        connectionId,
        orderId);
  }

  /**
   * Records a failed attempt: FAILED while attempts are left, PARKED after the last one or when
   * {@code park} is set (the reason needs a person). Without a claim (a failure before the order
   * was taken) only a row that nobody holds is changed.
   *
   * @return the new state, or null when another caller holds the order (nothing was changed)
   */
  public State markFailed(String orderId, String reason, boolean park, int maxAttempts) {
    return markFailed(orderId, reason, park, maxAttempts, null);
  }

  /** As {@link #markFailed(String, String, boolean, int)}, by the holder of {@code claim}. */
  public State markFailed(
      String orderId, String reason, boolean park, int maxAttempts, String claim) {
    Entry e = find(orderId).orElseThrow();
    State state = park || e.attempts() >= maxAttempts ? State.PARKED : State.FAILED;
    int changed =
        claim != null
            ? Sql.update(
                db,
                "order ledger",
                "UPDATE order_ledger SET state = ?, last_error = ?, claim_owner = NULL, updated_at"
                    + " = ? WHERE connection_id = ? AND order_id = ? AND state = ? AND claim_owner"
                    + " = ?",
                state.name(),
                ActivityLog.truncate(reason, 1000),
                Database.ts(clock.instant()),
                connectionId,
                orderId,
                State.IN_PROGRESS.name(),
                claim)
            : Sql.update(
                db,
                "order ledger",
                "UPDATE order_ledger SET state = ?, last_error = ?, updated_at = ? WHERE"
                    + " connection_id = ? AND order_id = ? AND (state IN (?, ?) OR (state = ? AND"
                    + " claim_owner IS NULL))",
                state.name(),
                ActivityLog.truncate(reason, 1000),
                Database.ts(clock.instant()),
                connectionId,
                orderId,
                State.FAILED.name(),
                State.PARKED.name(),
                State.IN_PROGRESS.name());
    return changed == 1 ? state : null;
  }

  /** The operator asks for another try of an order it holds: the attempts start again. */
  public void resetForRetry(String orderId, String owner) {
    update(
        "UPDATE order_ledger SET attempts = 0, updated_at = ? WHERE connection_id = ? AND order_id"
            + " = ? AND claim_owner = ?",
        Database.ts(clock.instant()),
        connectionId,
        orderId,
        owner);
  }

  /**
   * Takes an order for handling, atomically: a new order gets its row (the primary key lets only
   * one caller insert it), a known one moves to IN_PROGRESS only from one of {@code from}, in one
   * conditional UPDATE. Of several callers at once (poll, operator retry, a second instance)
   * exactly one wins; the others get the current row and must not call Exact.
   *
   * @param createIfAbsent whether an order without a row may be taken (the flow; not a retry)
   */
  public Claim claim(
      String orderId,
      String orderNumber,
      Instant modifiedOn,
      Set<State> from,
      boolean createIfAbsent,
      String owner) {
    return claims.claim(orderId, orderNumber, modifiedOn, from, createIfAbsent, owner);
  }

  /** Whether {@code owner} holds the order now (IN_PROGRESS under its claim). */
  public boolean holds(String orderId, String owner) {
    return claims.holds(orderId, owner);
  }

  /**
   * Gives back an order taken by {@code owner} without handling it (a retry whose order could not
   * be fetched): it returns to {@code back}.
   */
  public boolean release(String orderId, String owner, State back, String why) {
    return claims.release(orderId, owner, back, why);
  }

  /**
   * The operator skips an order: atomically from one of {@code from} (never from IN_PROGRESS,
   * BOOKED or SKIPPED); an order without a row gets a SKIPPED row. False when another caller
   * changed it first.
   */
  public boolean skip(String orderId, String orderNumber, Set<State> from, String why) {
    return claims.skip(orderId, orderNumber, from, why);
  }

  /**
   * Undoes an operator's skip: a SKIPPED order without an Exact document (not one Exact already
   * had) becomes PARKED, to be retried by the operator. False when it is not such an order.
   */
  public boolean unskip(String orderId, String why) {
    return claims.unskip(orderId, why);
  }

  /**
   * A graceful stop: the rows this process ({@code instance}) still holds become FAILED with an
   * unknown outcome and are due at once, so the next start asks Exact about them first.
   *
   * @return their order ids
   */
  public List<String> releaseInstance(String instance) {
    return claims.releaseInstance(instance);
  }

  /**
   * Rows left IN_PROGRESS by a process that stopped (crash, kill) for longer than {@code stale}:
   * they become FAILED with an unknown outcome, so the next attempt asks Exact first.
   *
   * @return their order ids
   */
  public List<String> recoverInterrupted(Duration stale, String ownInstance) {
    return claims.recoverInterrupted(stale, ownInstance);
  }

  /**
   * Orders held by a node that is gone (its claim prefix not among {@code live}, the nodes that
   * still check in) and untouched for {@code grace}: released like interrupted ones, so that the
   * next attempt asks Exact first, without the long wait for a holder that may still be alive.
   *
   * @return their order ids
   */
  public List<String> recoverAbandoned(Duration grace, Set<String> live, String ownInstance) {
    return claims.recoverAbandoned(grace, live, ownInstance);
  }

  List<Entry> query(String sql, Object... args) {
    return Sql.query(db, "order ledger", sql, OrderLedger::row, args);
  }

  private static Entry row(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getString(1),
        rs.getString(2),
        State.valueOf(rs.getString(3)),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getInt(7),
        rs.getBoolean(8),
        rs.getString(9),
        Database.instant(rs.getTimestamp(10)),
        Database.instant(rs.getTimestamp(11)),
        Database.instant(rs.getTimestamp(12)));
  }

  private void update(String sql, Object... args) {
    Sql.update(db, "order ledger", sql, args);
  }
}
