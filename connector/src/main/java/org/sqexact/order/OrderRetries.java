package org.sqexact.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.OrderLedger.Entry;
import org.sqexact.store.OrderLedger.State;

/**
 * Failed orders are tried again by later polls, with growing pauses (1, 2, 4, 8 … minutes, at most
 * an hour); orders interrupted by a stop are found and released so they are tried again.
 */
public final class OrderRetries {

  private static final Logger LOG = LoggerFactory.getLogger(OrderRetries.class);

  private final OrderLedger ledger;
  private final IdempotentRepository repository;
  private final Clock clock;
  private final Duration interruptedAfter;
  private final String instance;
  private volatile java.util.function.Supplier<Set<String>> liveNodes;

  /**
   * How long an order a dead node held stays untouched: longer than a node's check-in lapse that
   * Quartz forgives (interval 5 s + 7.5 s), so a node that was only paused is not taken for dead
   * while its POST is on the way.
   */
  static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);

  /**
   * @param interruptedAfter how long a row another process holds stays untouched (zero when the
   *     database belongs to this process alone: what it finds at start was left by a dead one)
   * @param instance this process's claim prefix; its own rows are never taken as interrupted
   */
  public OrderRetries(
      OrderLedger ledger,
      IdempotentRepository repository,
      Clock clock,
      Duration interruptedAfter,
      String instance) {
    this.ledger = ledger;
    this.repository = repository;
    this.clock = clock;
    this.interruptedAfter = interruptedAfter;
    this.instance = instance;
  }

  /**
   * On several nodes: the ids of the nodes alive now (Quartz's cluster), so that orders a dead node
   * held are released within a minute instead of after {@code interruptedAfter}.
   */
  public void watchNodes(java.util.function.Supplier<Set<String>> live) {
    this.liveNodes = live;
  }

  /** The ids of failed orders whose pause is over. */
  public List<String> due() {
    List<String> ids = new ArrayList<>();
    for (Entry e : ledger.list(Set.of(State.FAILED), 500)) {
      if (isDue(e)) {
        ids.add(e.orderId());
      }
    }
    return ids;
  }

  /** Whether a failed order's pause is over. */
  public boolean isDue(Entry e) {
    if (e.state() != State.FAILED) {
      return false;
    }
    if (OrderLedger.INTERRUPTED.equals(e.lastError())) {
      return true; // interrupted by a stop: looked at again at once (Exact is asked first)
    }
    long minutes = Math.min(60, 1L << Math.max(0, Math.min(6, e.attempts() - 1)));
    Instant next = e.updatedAt().plus(Duration.ofMinutes(minutes)).minusSeconds(5);
    return !clock.instant().isBefore(next);
  }

  /**
   * Orders left in progress by a process that stopped are released: their outcome is unknown, so
   * the next attempt asks Exact first.
   */
  public int recoverInterrupted() {
    List<String> ids = new ArrayList<>(ledger.recoverInterrupted(interruptedAfter, instance));
    java.util.function.Supplier<Set<String>> nodes = liveNodes;
    if (nodes != null) {
      Set<String> live = nodes.get();
      // only when this node sees itself: an empty or stale list must not make everyone dead
      if (live.contains(instance)) {
        List<String> abandoned = ledger.recoverAbandoned(ABANDONED_AFTER, live, instance);
        if (!abandoned.isEmpty()) {
          LOG.warn(
              "{} order(s) held by a node that is gone (live nodes: {}) will be checked in Exact"
                  + " and tried again",
              abandoned.size(),
              live);
        }
        ids.addAll(abandoned);
      }
    }
    for (String id : ids) {
      repository.remove(id);
    }
    if (!ids.isEmpty()) {
      LOG.warn(
          "{} order(s) were interrupted by a stop and will be checked and tried again", ids.size());
    }
    return ids.size();
  }
}
