package org.sqexact.exact;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.support.Sleeper;

/**
 * Keeps one division's calls inside Exact Online's limits: 60 a minute, 5,000 a day (both per app
 * and division) and at most 10 client errors (400/401/403/404) per endpoint per hour, after which
 * Exact blocks the API key for an hour.
 *
 * <p>It is fed by the {@code X-RateLimit-*} headers of every response (resets are epoch
 * milliseconds), counts the calls it lets through in between, waits for the minute's reset when the
 * minute is used up (so a 429 is rare), waits for the reset after a 429 instead of retrying
 * blindly, keeps a share of the daily budget for orders, and stops calling an endpoint before its
 * client errors reach Exact's limit, raising an alert instead.
 *
 * <p>On several nodes ({@link #shareWith}) the minute's calls and the client errors are counted in
 * the shared database: every call takes one from the division's minute window there (one atomic
 * UPDATE), Exact's minutely headers lower that figure whenever a response carries them, and an
 * endpoint paused by one node is paused on all within {@link #SHARED_PAUSE_REFRESH}. The daily
 * budget comes from Exact's headers, which every node reads on every response.
 */
public final class ExactRateGovernor {

  private static final Logger LOG = LoggerFactory.getLogger(ExactRateGovernor.class);
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration SKEW = Duration.ofMillis(250);

  /** Whose call it is: orders may use the whole daily budget, background flows only a part. */
  public enum Priority {
    ORDERS,
    BACKGROUND
  }

  /** A snapshot for health checks, metrics and the operator API. */
  public record Budget(
      int minutelyLimit,
      int minutelyRemaining,
      Instant minutelyReset,
      int dailyLimit,
      int dailyRemaining,
      Instant dailyReset,
      Instant blockedUntil) {}

  private final Clock clock;
  private final Sleeper sleeper;
  private final int orderSharePercent;
  private final int clientErrorStop;
  private final Duration maxWait;
  private final BiConsumer<String, String> alert;
  private final Map<Integer, DivisionState> divisions = new HashMap<>();
  private volatile SharedBudget shared;

  /** How often a node reads the endpoints other nodes have paused. */
  static final Duration SHARED_PAUSE_REFRESH = Duration.ofSeconds(5);

  // calls made on a thread marked as background work (a backfill) go in at BACKGROUND priority,
  // whatever their caller asks, and are counted
  private static final ThreadLocal<java.util.concurrent.atomic.AtomicInteger> BACKGROUND_LANE =
      new ThreadLocal<>();

  /**
   * Marks the calling thread's calls to Exact as background work (orders of the live poll go
   * first), counting them in {@code counter}; {@code null} ends the mark.
   */
  public static void backgroundLane(java.util.concurrent.atomic.AtomicInteger counter) {
    if (counter == null) {
      BACKGROUND_LANE.remove();
    } else {
      BACKGROUND_LANE.set(counter);
    }
  }

  /** Whether a background call would be let through today (the order reserve not reached). */
  public synchronized boolean backgroundMayCall(int division) {
    DivisionState s = state(division);
    if (s.dailyRemaining < 0 || s.dailyReset == null || !clock.instant().isBefore(s.dailyReset)) {
      return true;
    }
    int reserve = (int) Math.ceil(s.dailyLimit * orderSharePercent / 100.0);
    return s.dailyRemaining - s.callsSinceHeaders > reserve;
  }

  /**
   * @param orderSharePercent share of the daily budget only orders may use
   * @param clientErrorStop client errors per endpoint per hour after which the governor stops
   * @param maxWait longest wait before a call; longer waits raise {@link ExactRateLimitedException}
   *     so the flow can come back later
   * @param alert receives (code, message) when the operator must know at once
   */
  public ExactRateGovernor(
      Clock clock,
      Sleeper sleeper,
      int orderSharePercent,
      int clientErrorStop,
      Duration maxWait,
      BiConsumer<String, String> alert) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.orderSharePercent = orderSharePercent;
    this.clientErrorStop = clientErrorStop;
    this.maxWait = maxWait;
    this.alert = alert;
  }

  /** Counts this division's minute and client errors with every other node, in {@code budget}. */
  public void shareWith(SharedBudget budget) {
    this.shared = budget;
  }

  private static final class DivisionState {
    int minutelyLimit = 60;
    int minutelyRemaining = -1; // unknown until the first response
    Instant minutelyReset;
    int dailyLimit = 5000;
    int dailyRemaining = -1;
    Instant dailyReset;
    Instant blockedUntil; // after a 429
    int callsSinceHeaders; // calls let through since the last rate headers
    final Deque<Instant> recentCalls = new ArrayDeque<>(); // for pacing before headers are known
    final Map<String, Deque<Instant>> clientErrors = new HashMap<>();
    final Map<String, Instant> stoppedUntil = new HashMap<>();
    final RateEpisodes episodes = new RateEpisodes(); // the storm and low-budget alerts
    Instant sharedPausesReadAt; // when the other nodes' paused endpoints were last read
  }

  /** 429s within this long make a storm worth an alert (the governor should prevent them). */
  static final Duration STORM_WINDOW = RateEpisodes.STORM_WINDOW;

  /**
   * Called before every call: waits while the minute's budget is used up, and refuses calls that
   * would breach the daily reserve or the client-error budget.
   */
  public void acquire(int division, String endpoint, Priority requested) {
    java.util.concurrent.atomic.AtomicInteger lane = BACKGROUND_LANE.get();
    Priority priority = lane != null ? Priority.BACKGROUND : requested;
    while (true) {
      Duration wait;
      synchronized (this) {
        DivisionState s = state(division);
        Instant now = clock.instant();
        checkClientErrorBudget(s, division, endpoint, now);
        checkDaily(s, endpoint, priority, now);
        wait = minuteWait(s, division, now);
        if (wait.isZero()) {
          s.callsSinceHeaders++;
          s.recentCalls.addLast(now);
          if (lane != null) {
            lane.incrementAndGet();
          }
          return;
        }
        if (wait.compareTo(maxWait) > 0) {
          throw new ExactRateLimitedException(
              "Exact Online's minute budget for division "
                  + division
                  + " is used up for another "
                  + wait.toSeconds()
                  + " s",
              endpoint,
              0,
              now.plus(wait));
        }
      }
      LOG.info(
          "Exact Online rate limit: waiting {} ms before calling {}", wait.toMillis(), endpoint);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExactRateLimitedException(
            "interrupted while waiting for Exact Online's rate limit", endpoint, 0, null);
      }
    }
  }

  private Duration minuteWait(DivisionState s, int division, Instant now) {
    if (s.blockedUntil != null) {
      if (now.isBefore(s.blockedUntil)) {
        return Duration.between(now, s.blockedUntil);
      }
      s.blockedUntil = null;
    }
    SharedBudget sb = shared;
    if (sb != null) {
      // the last check before the call: a call taken here is spent, whoever makes it
      Optional<Instant> usedUpUntil = sb.take(division, s.minutelyLimit, now);
      if (usedUpUntil.isPresent()) {
        return Duration.between(now, usedUpUntil.get()).plus(SKEW);
      }
      if (s.minutelyReset != null && !now.isBefore(s.minutelyReset)) {
        s.minutelyRemaining = s.minutelyLimit;
        s.minutelyReset = null;
        s.callsSinceHeaders = 0;
      }
      return Duration.ZERO;
    }
    if (s.minutelyRemaining >= 0 && s.minutelyReset != null) {
      if (now.isBefore(s.minutelyReset)) {
        if (s.minutelyRemaining - s.callsSinceHeaders <= 0) {
          return Duration.between(now, s.minutelyReset).plus(SKEW);
        }
        return Duration.ZERO;
      }
      // the minute has turned: the budget is whole again until the next headers say otherwise
      s.minutelyRemaining = s.minutelyLimit;
      s.minutelyReset = null;
      s.callsSinceHeaders = 0;
    }
    // no headers yet (or no reset time): at most the limit within any 60 s
    Instant windowStart = now.minusSeconds(60);
    while (!s.recentCalls.isEmpty() && s.recentCalls.peekFirst().isBefore(windowStart)) {
      s.recentCalls.removeFirst();
    }
    if (s.minutelyRemaining < 0 && s.recentCalls.size() >= s.minutelyLimit) {
      return Duration.between(now, s.recentCalls.peekFirst().plusSeconds(60)).plus(SKEW);
    }
    return Duration.ZERO;
  }

  private void checkDaily(DivisionState s, String endpoint, Priority priority, Instant now) {
    if (s.dailyRemaining < 0 || s.dailyReset == null) {
      return;
    }
    if (!now.isBefore(s.dailyReset)) {
      s.dailyRemaining = s.dailyLimit;
      s.dailyReset = nextUtcMidnight(now);
      return;
    }
    int remaining = s.dailyRemaining - s.callsSinceHeaders;
    if (remaining <= 0) {
      throw new ExactRateLimitedException(
          "Exact Online's daily budget of "
              + s.dailyLimit
              + " calls is used up until "
              + s.dailyReset,
          endpoint,
          0,
          s.dailyReset);
    }
    int reserve = (int) Math.ceil(s.dailyLimit * orderSharePercent / 100.0);
    if (priority == Priority.BACKGROUND && remaining <= reserve) {
      throw new ExactBudgetException(
          "the last "
              + reserve
              + " of Exact Online's "
              + s.dailyLimit
              + " daily calls are kept for orders; "
              + endpoint
              + " waits until "
              + s.dailyReset,
          endpoint,
          s.dailyReset);
    }
  }

  private void checkClientErrorBudget(DivisionState s, int division, String endpoint, Instant now) {
    SharedBudget sb = shared;
    if (sb != null
        && (s.sharedPausesReadAt == null
            || !now.isBefore(s.sharedPausesReadAt.plus(SHARED_PAUSE_REFRESH)))) {
      s.sharedPausesReadAt = now;
      sb.paused(division, now)
          .forEach((e, u) -> s.stoppedUntil.merge(e, u, ExactRateGovernor::max));
    }
    Instant until = s.stoppedUntil.get(endpoint);
    if (until != null) {
      if (now.isBefore(until)) {
        throw new ExactBudgetException(
            "calls to "
                + endpoint
                + " are paused until "
                + until
                + ": Exact Online blocks the API key for an hour after more than 10 client errors"
                + " per endpoint per hour",
            endpoint,
            until);
      }
      s.stoppedUntil.remove(endpoint);
    }
  }

  /**
   * Called after every response: learns the budget from the headers, counts client errors, and
   * after a 429 blocks calls until the reset.
   *
   * @param header reads a response header, or null when absent
   */
  public void record(
      int division,
      String endpoint,
      int status,
      java.util.function.Function<String, String> header) {
    String alertCode = null;
    String alertMessage = null;
    java.util.List<String[]> episodeAlerts = new java.util.ArrayList<>();
    synchronized (this) {
      DivisionState s = state(division);
      Instant now = clock.instant();
      Integer minutelyLimit = intHeader(header, "X-RateLimit-Minutely-Limit");
      Integer minutelyRemaining = intHeader(header, "X-RateLimit-Minutely-Remaining");
      Long minutelyReset = longHeader(header, "X-RateLimit-Minutely-Reset");
      Integer dailyLimit = intHeader(header, "X-RateLimit-Limit");
      Integer dailyRemaining = intHeader(header, "X-RateLimit-Remaining");
      Long dailyReset = longHeader(header, "X-RateLimit-Reset");
      if (minutelyLimit != null) {
        s.minutelyLimit = minutelyLimit;
      }
      if (minutelyRemaining != null) {
        s.minutelyRemaining = minutelyRemaining;
        s.minutelyReset = minutelyReset != null ? Instant.ofEpochMilli(minutelyReset) : null;
        s.callsSinceHeaders = 0;
      }
      if (dailyLimit != null) {
        s.dailyLimit = dailyLimit;
      }
      if (dailyRemaining != null) {
        s.dailyRemaining = dailyRemaining;
        s.dailyReset = dailyReset != null ? Instant.ofEpochMilli(dailyReset) : nextUtcMidnight(now);
      }
      SharedBudget sb = shared;
      if (sb != null && minutelyRemaining != null) {
        sb.observe(division, minutelyRemaining, s.minutelyReset, now);
      }
      s.episodes.observe(
          division, status, s.dailyRemaining, s.dailyLimit, s.dailyReset, now, episodeAlerts);
      if (status == 429) {
        Instant until;
        if (minutelyRemaining != null && minutelyRemaining <= 0 && s.minutelyReset != null) {
          until = s.minutelyReset;
        } else if (dailyRemaining != null && dailyRemaining <= 0 && s.dailyReset != null) {
          until = s.dailyReset;
        } else if (s.minutelyReset != null && s.minutelyReset.isAfter(now)) {
          until = s.minutelyReset;
        } else {
          // no usable header: Exact's minute windows are fixed, so wait for the next full minute
          until = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        }
        s.blockedUntil = until.plus(SKEW);
        s.callsSinceHeaders = 0;
        if (sb != null && until.isAfter(now)) {
          sb.observe(division, 0, until, now); // no node calls before the reset
        }
        LOG.warn(
            "Exact Online answered 429 on {}; no calls to division {} until {}",
            endpoint,
            division,
            until);
      }
      if (status == 400 || status == 401 || status == 403 || status == 404) {
        Deque<Instant> errors = s.clientErrors.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
        errors.addLast(now);
        Instant hourAgo = now.minus(HOUR);
        while (!errors.isEmpty() && errors.peekFirst().isBefore(hourAgo)) {
          errors.removeFirst();
        }
        int count = errors.size();
        Instant oldest = errors.peekFirst();
        if (sb != null) {
          // Exact counts every caller's errors: so does the stop
          SharedBudget.ErrorCount all = sb.clientError(division, endpoint, now);
          count = Math.max(count, all.count());
          oldest = all.count() >= count ? all.oldest() : oldest;
        }
        if (count >= clientErrorStop) {
          Instant until = oldest.plus(HOUR);
          s.stoppedUntil.put(endpoint, until);
          if (sb != null) {
            sb.pause(division, endpoint, until, now);
          }
          alertCode = "exact-client-error-budget";
          alertMessage =
              count
                  + " client errors on Exact Online endpoint "
                  + endpoint
                  + " within an hour; calls to it are paused until "
                  + until
                  + " so that Exact does not block the API key (it does after more than 10)";
        }
      }
    }
    if (alertCode != null) {
      LOG.error(alertMessage);
      alert.accept(alertCode, alertMessage);
    }
    for (String[] a : episodeAlerts) {
      LOG.warn(a[1]);
      alert.accept(a[0], a[1]);
    }
  }

  /** The budget as last seen, for health, metrics and the operator. */
  public synchronized Budget budget(int division) {
    DivisionState s = state(division);
    return new Budget(
        s.minutelyLimit,
        s.minutelyRemaining,
        s.minutelyReset,
        s.dailyLimit,
        s.dailyRemaining,
        s.dailyReset,
        s.blockedUntil);
  }

  /** Client errors per endpoint in the last hour. */
  public synchronized Map<String, Integer> clientErrors(int division) {
    DivisionState s = state(division);
    Instant hourAgo = clock.instant().minus(HOUR);
    Map<String, Integer> out = new HashMap<>();
    s.clientErrors.forEach(
        (k, v) -> out.put(k, (int) v.stream().filter(t -> t.isAfter(hourAgo)).count()));
    return out;
  }

  private DivisionState state(int division) {
    return divisions.computeIfAbsent(division, d -> new DivisionState());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant nextUtcMidnight(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC)
        .plusDays(1)
        .atStartOfDay()
        .toInstant(ZoneOffset.UTC);
  }

  private static Integer intHeader(
      java.util.function.Function<String, String> header, String name) {
    Long v = longHeader(header, name);
    return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
  }

  private static Long longHeader(java.util.function.Function<String, String> header, String name) {
    String v = header.apply(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
