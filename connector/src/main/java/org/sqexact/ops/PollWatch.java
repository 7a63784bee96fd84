package org.sqexact.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.sqexact.store.Watermarks;

/**
 * Notices when polling has stopped working: the orders-fetch route reports each poll that ran to
 * its end, and the poll-watch route asks once per poll interval whether the last success is more
 * than {@code intervals} intervals ago (Squarespace unreachable, the key revoked, pre-flight
 * blocking). One alert per stall; the next success ends the stall.
 *
 * <p>A poll that is still moving (a page read, an order handled) is not a stalled one: a poll that
 * books a large backlog at Exact's 60 calls a minute can outlast several intervals, and the
 * operator must not be told that polling stopped while it is working through orders.
 *
 * <p>On several nodes the last success is also kept in the database (the watermark {@value
 * #SHARED}), because the poll runs on whichever node Quartz fires it: a node that has not polled
 * itself must not call the cluster stalled.
 */
public final class PollWatch {

  private final Clock clock;
  private final Duration interval;
  private final int intervals;
  private final Alerts alerts;
  private volatile Instant lastSuccess;
  private volatile boolean stalled;
  private final Watermarks shared;

  /** The watermark that holds the last successful poll of any node. */
  static final String SHARED = "orders-poll-success";

  /** The watermark that holds the last sign of life of a running poll on any node. */
  static final String SHARED_PROGRESS = "orders-poll-progress";

  private volatile Instant lastProgress;
  private volatile Instant progressShared;

  public PollWatch(Clock clock, Duration interval, int intervals, Alerts alerts) {
    this(clock, interval, intervals, alerts, null);
  }

  /**
   * @param shared where every node keeps the time of its last successful poll, or null when this
   *     node is alone
   */
  public PollWatch(
      Clock clock, Duration interval, int intervals, Alerts alerts, Watermarks shared) {
    this.shared = shared;
    this.clock = clock;
    this.interval = interval;
    this.intervals = intervals;
    this.alerts = alerts;
    this.lastSuccess = clock.instant(); // the watch starts with the connector
    this.lastProgress = lastSuccess;
  }

  /**
   * The running poll moved on: a page of orders read or an order handled. Shared with the other
   * nodes at most once per interval (one small write, not one per order).
   */
  public void progressed() {
    Instant now = clock.instant();
    lastProgress = now;
    if (shared != null
        && (progressShared == null || !now.isBefore(progressShared.plus(interval)))) {
      progressShared = now;
      shared.put(SHARED_PROGRESS, now.toString());
    }
  }

  /** A poll ran to its end. */
  public void succeeded() {
    lastSuccess = clock.instant();
    stalled = false;
    if (shared != null) {
      shared.put(SHARED, lastSuccess.toString());
    }
  }

  /** Raises the alert once when no poll has succeeded for the configured number of intervals. */
  public boolean check() {
    if (shared != null) {
      shared
          .get(SHARED)
          .map(Instant::parse)
          .filter(t -> t.isAfter(lastSuccess))
          .ifPresent(
              t -> {
                lastSuccess = t;
                stalled = false;
              });
    }
    if (shared != null) {
      shared
          .get(SHARED_PROGRESS)
          .map(Instant::parse)
          .filter(t -> t.isAfter(lastProgress))
          .ifPresent(t -> lastProgress = t);
    }
    Instant now = clock.instant();
    Duration since = Duration.between(lastSuccess, now);
    Duration quiet =
        Duration.between(lastProgress.isAfter(lastSuccess) ? lastProgress : lastSuccess, now);
    if (quiet.compareTo(interval.multipliedBy(intervals)) < 0 || stalled) {
      return false;
    }
    stalled = true;
    alerts.raise(
        "poll-stalled",
        "No poll of Squarespace has succeeded for "
            + spoken(since)
            + " ("
            + intervals
            + " poll intervals): new orders are not being booked. See /api/status and the"
            + " log for the cause.",
        null,
        null);
    return true;
  }

  /** "45 seconds" below two minutes, else whole minutes: never "0 minutes". */
  static String spoken(Duration d) {
    return d.compareTo(Duration.ofMinutes(2)) < 0
        ? d.toSeconds() + " seconds"
        : d.toMinutes() + " minutes";
  }

  public Instant lastSuccess() {
    return lastSuccess;
  }
}
