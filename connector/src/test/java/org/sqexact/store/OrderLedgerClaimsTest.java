package org.sqexact.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.TestClock;

/** The ledger's transitions on a real (H2) database: each is taken by exactly one caller. */
class OrderLedgerClaimsTest {

  private final TestClock clock = new TestClock();
  private Database db;
  private OrderLedger ledger;

  @BeforeEach
  void open() {
    db =
        Database.open(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "");
    new ConnectionStore(db, clock).ensure("default", 1, "http://shop", Instant.EPOCH);
    ledger = new OrderLedger(db, "default", clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aNewOrderIsTakenByOneCallerOnly() {
    assertTrue(ledger.claim("o1", "1", null, EnumSet.of(State.FAILED), true, "a/1").won());
    OrderLedger.Claim second = ledger.claim("o1", "1", null, EnumSet.of(State.FAILED), true, "b/1");
    assertFalse(second.won());
    assertEquals(State.IN_PROGRESS, second.current().state());
    assertTrue(ledger.holds("o1", "a/1"));
    assertFalse(ledger.holds("o1", "b/1"));
  }

  @Test
  void aFailureWithoutTheClaimDoesNotTouchAnOrderSomeoneHolds() {
    ledger.claim("o1", "1", null, EnumSet.of(State.FAILED), true, "a/1");
    assertNull(ledger.markFailed("o1", "late failure", false, 5));
    assertNull(ledger.markFailed("o1", "not mine", false, 5, "b/1"));
    assertEquals(State.IN_PROGRESS, ledger.find("o1").orElseThrow().state());
    assertEquals(State.FAILED, ledger.markFailed("o1", "mine", false, 5, "a/1"));
    assertEquals(State.FAILED, ledger.markFailed("o1", "again, nobody holds it", false, 5));
  }

  @Test
  void skipAndUnskipAreTransitionsToo() {
    ledger.claim("o1", "1", null, EnumSet.of(State.FAILED), true, "a/1");
    assertFalse(
        ledger.skip("o1", "1", EnumSet.of(State.PARKED, State.FAILED), "x"), "not while held");
    ledger.markFailed("o1", "refused", true, 5, "a/1");
    assertTrue(ledger.skip("o1", "1", EnumSet.of(State.PARKED, State.FAILED), "skipped by me"));
    assertFalse(ledger.skip("o1", "1", EnumSet.of(State.PARKED, State.FAILED), "twice"));
    assertTrue(ledger.unskip("o1", "un-skipped"));
    assertEquals(State.PARKED, ledger.find("o1").orElseThrow().state());
    assertFalse(ledger.unskip("o1", "twice"));

    ledger.claim("o2", "2", null, EnumSet.of(State.FAILED), true, "a/2");
    ledger.markSkipped("o2", "sales-order", "doc-id", "12", "already in Exact Online");
    assertFalse(ledger.unskip("o2", "x"), "an order Exact already has stays skipped");
  }

  @Test
  void aStopReleasesOnlyItsOwnOrdersAndAStartTakesTheOthersLeftBehind() {
    ledger.claim("mine", "1", null, EnumSet.of(State.FAILED), true, "me/1");
    ledger.claim("dead", "2", null, EnumSet.of(State.FAILED), true, "gone/1");
    assertEquals(List.of("dead"), ledger.recoverInterrupted(Duration.ZERO, "me"));
    assertEquals(List.of(), ledger.recoverInterrupted(Duration.ZERO, "me"));
    assertEquals(State.IN_PROGRESS, ledger.find("mine").orElseThrow().state());
    assertEquals(List.of("mine"), ledger.releaseInstance("me"));
    OrderLedger.Entry e = ledger.find("mine").orElseThrow();
    assertEquals(State.FAILED, e.state());
    assertTrue(e.outcomeUnknown());
    assertEquals(OrderLedger.INTERRUPTED, e.lastError());

    ledger.claim("other", "3", null, EnumSet.of(State.FAILED), true, "alive/1");
    assertEquals(
        List.of(), ledger.recoverInterrupted(Duration.ofMinutes(10), "me"), "not yet stale");
    clock.advance(Duration.ofMinutes(11));
    assertEquals(List.of("other"), ledger.recoverInterrupted(Duration.ofMinutes(10), "me"));
  }
}
