package org.sqexact.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.sqexact.support.Sleeper;

/**
 * The connector's time in tests: it stands still until the test moves it ("ten minutes later"), or
 * until the connector waits (a rate-limit reset, the Squarespace pause): as the connector's {@link
 * Sleeper} it moves itself by the wait instead of sleeping, and remembers each wait. So a test of a
 * wait takes no real time and its result does not depend on how fast the machine is.
 */
public final class TestClock extends Clock implements Sleeper {

  private final AtomicReference<Instant> now;
  private final List<Duration> waits = new ArrayList<>();

  /** Starts at the current time (to the millisecond), then stands still. */
  public TestClock() {
    this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  /** The connector waits: time passes at once. */
  @Override
  public void sleep(Duration d) {
    synchronized (waits) {
      waits.add(d);
    }
    advance(d);
  }

  /** Every wait of the connector so far, in order. */
  public List<Duration> waits() {
    synchronized (waits) {
      return List.copyOf(waits);
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
