package org.sqexact.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Notices when polling has stopped working: the orders-fetch route reports each poll that ran to
 * its end, and the poll-watch route asks once per poll interval whether the last success is more
 * than {@code intervals} intervals ago (Squarespace unreachable, the key revoked, pre-flight
 * blocking). One alert per stall; the next success ends the stall.
 */
public final class PollWatch {

  private final Clock clock;
  private final Duration interval;
  private final int intervals;
  private final Alerts alerts;
  private volatile Instant lastSuccess;
  private volatile boolean stalled;

  public PollWatch(Clock clock, Duration interval, int intervals, Alerts alerts) {
    this.clock = clock;
    this.interval = interval;
    this.intervals = intervals;
    this.alerts = alerts;
    this.lastSuccess = clock.instant(); // the watch starts with the connector
  }

  /** A poll ran to its end. */
  public void succeeded() {
    lastSuccess = clock.instant();
    stalled = false;
  }

  /** Raises the alert once when no poll has succeeded for the configured number of intervals. */
  public boolean check() {
    Duration since = Duration.between(lastSuccess, clock.instant());
    if (since.compareTo(interval.multipliedBy(intervals)) < 0 || stalled) {
      return false;
    }
    stalled = true;
    alerts.raise(
        "poll-stalled",
        "No poll of Squarespace has succeeded for "
            + since.toMinutes()
            + " minutes ("
            + intervals
            + " poll intervals): new orders are not being booked. See /api/status and the"
            + " log for the cause.",
        null,
        null);
    return true;
  }

  public Instant lastSuccess() {
    return lastSuccess;
  }
}
