package org.sqexact.stock;

import java.time.Clock;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactRateGovernor.Budget;

/**
 * Orders come before stock and catalogue traffic: besides the share of the daily budget the rate
 * governor keeps for orders, a background run (stock, order status) leaves the rest of the current
 * minute to orders when fewer than {@value #MINUTE_RESERVE} of Exact's 60 calls are left, and runs
 * again at its next interval.
 */
public final class OrdersFirst {

  /** Calls of a minute kept for orders (one page of orders costs a handful of calls). */
  public static final int MINUTE_RESERVE = 10;

  private final ExactRateGovernor governor;
  private final int division;
  private final Clock clock;

  public OrdersFirst(ExactRateGovernor governor, int division, Clock clock) {
    this.governor = governor;
    this.division = division;
    this.clock = clock;
  }

  /** Why a background run should wait, or null when it may go ahead. */
  public String reasonToWait() {
    Budget b = governor.budget(division);
    if (b.minutelyRemaining() >= 0
        && b.minutelyRemaining() < MINUTE_RESERVE
        && b.minutelyReset() != null
        && clock.instant().isBefore(b.minutelyReset())) {
      return "only "
          + b.minutelyRemaining()
          + " of Exact Online's calls are left this minute; they are kept for orders";
    }
    return null;
  }
}
