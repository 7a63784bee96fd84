package org.sqexact.support;

import java.time.Duration;

/**
 * What waiting means for the beans that wait on Exact's or Squarespace's rate limits. The connector
 * sleeps the calling thread; tests bind their own under {@code connectorSleeper}, which moves their
 * clock instead, so a wait for a rate-limit reset takes no real time and cannot race.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps the calling thread (at least a millisecond, so a zero wait still yields). */
  Sleeper THREAD = d -> Thread.sleep(Math.max(1, d.toMillis()));

  void sleep(Duration d) throws InterruptedException;
}
