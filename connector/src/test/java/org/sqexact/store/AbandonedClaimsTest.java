package org.sqexact.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqexact.store.OrderLedger.State;
import org.sqexact.testing.TestClock;

/**
 * Several nodes on one database: the live nodes are those that check in to Quartz's cluster table,
 * and an order a node that is gone held is released (once untouched for the grace), never one a
 * live node holds.
 */
class AbandonedClaimsTest {

  private final TestClock clock = new TestClock();
  private Database db;
  private OrderLedger ledger;

  @BeforeEach
  void open() {
    db = Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    new ConnectionStore(db, clock).ensure("default", 1, "http://shop", Instant.EPOCH);
    ledger = new OrderLedger(db, "default", clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void liveNodesAreThoseWhoseCheckInIsRecent() {
    long now = System.currentTimeMillis();
    checkIn("alive", now - 1_000, 5_000);
    checkIn("late-but-forgiven", now - 12_000, 5_000); // 5 s + Quartz's 7.5 s grace
    checkIn("dead", now - 60_000, 5_000);
    assertEquals(Set.of("alive", "late-but-forgiven"), new ClusterNodes(db).live());
  }

  @Test
  void anOrderOfANodeThatIsGoneIsReleasedAfterTheGraceAndNoneOfALiveNode() {
    ledger.claim("o1", "1001", null, EnumSet.of(State.FAILED), true, "dead/c1");
    ledger.claim("o2", "1002", null, EnumSet.of(State.FAILED), true, "alive/c2");
    ledger.claim("o3", "1003", null, EnumSet.of(State.FAILED), true, "me/c3");
    Set<String> live = Set.of("alive", "me");

    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), ledger.recoverAbandoned(Duration.ofSeconds(30), live, "me"));

    clock.advance(Duration.ofSeconds(30));
    assertEquals(List.of("o1"), ledger.recoverAbandoned(Duration.ofSeconds(30), live, "me"));
    OrderLedger.Entry o1 = ledger.find("o1").orElseThrow();
    assertEquals(State.FAILED, o1.state());
    assertTrue(o1.outcomeUnknown(), "Exact is asked before the order is sent again");
    assertEquals(OrderLedger.INTERRUPTED, o1.lastError());
    assertEquals(State.IN_PROGRESS, ledger.find("o2").orElseThrow().state());
    assertEquals(State.IN_PROGRESS, ledger.find("o3").orElseThrow().state());
    // released once: a second look finds nothing
    assertEquals(List.of(), ledger.recoverAbandoned(Duration.ofSeconds(30), live, "me"));
  }

  private void checkIn(String instance, long at, long interval) {
    Sql.update(
        db,
        "test",
        "INSERT INTO QRTZ_SCHEDULER_STATE (SCHED_NAME, INSTANCE_NAME, LAST_CHECKIN_TIME,"
            + " CHECKIN_INTERVAL) VALUES ('connector', ?, ?, ?)",
        instance,
        at,
        interval);
  }
}
