package org.sqexact.exact;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The rate alerts of one division that come once per episode, not once per call: a storm of 429s
 * (ends when none came for {@link #STORM_WINDOW}) and the daily budget running low (ends when the
 * day's budget is back). The {@link ExactRateGovernor} feeds it every response, under its lock.
 */
final class RateEpisodes {

  /** 429s within this long make a storm worth an alert (the governor should prevent them). */
  static final Duration STORM_WINDOW = Duration.ofMinutes(10);

  /** This many 429s within {@link #STORM_WINDOW} make a storm. */
  static final int STORM_COUNT = 3;

  /** Below this share of the daily calls left, the operator is told (once a day). */
  static final int BUDGET_LOW_PERCENT = 10;

  private final Deque<Instant> recent429s = new ArrayDeque<>();
  private boolean stormAlerted; // one alert per storm of 429s, not one per 429
  private boolean budgetAlerted; // one alert per day that the daily budget runs low

  /**
   * One response: adds to {@code out} the alerts (code, text) an episode starting now deserves.
   *
   * @param dailyRemaining the daily calls left as Exact last said, or -1 when unknown
   */
  void observe(
      int division,
      int status,
      int dailyRemaining,
      int dailyLimit,
      Instant dailyReset,
      Instant now,
      List<String[]> out) {
    Instant windowStart = now.minus(STORM_WINDOW);
    while (!recent429s.isEmpty() && recent429s.peekFirst().isBefore(windowStart)) {
      recent429s.removeFirst();
    }
    if (status == 429) {
      recent429s.addLast(now);
      if (recent429s.size() >= STORM_COUNT && !stormAlerted) {
        stormAlerted = true;
        out.add(
            new String[] {
              "exact-rate-limit-storm",
              recent429s.size()
                  + " times 'too many requests' (429) from Exact Online for division "
                  + division
                  + " within "
                  + STORM_WINDOW.toMinutes()
                  + " minutes; another program may be using the same app and division, or the"
                  + " limits changed"
            });
      }
    } else if (recent429s.isEmpty()) {
      stormAlerted = false;
    }
    if (dailyRemaining >= 0 && dailyLimit > 0) {
      int low = (int) Math.ceil(dailyLimit * BUDGET_LOW_PERCENT / 100.0);
      if (dailyRemaining <= low && !budgetAlerted) {
        budgetAlerted = true;
        out.add(
            new String[] {
              "exact-daily-budget-low",
              "Exact Online's daily budget for division "
                  + division
                  + " is nearly spent: "
                  + dailyRemaining
                  + " of "
                  + dailyLimit
                  + " calls left until "
                  + (dailyReset == null ? "midnight UTC" : dailyReset)
                  + "; only orders are booked until then"
            });
      } else if (dailyRemaining > low) {
        budgetAlerted = false;
      }
    }
  }
}
