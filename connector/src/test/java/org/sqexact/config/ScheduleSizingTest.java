package org.sqexact.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqexact.store.Database;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/**
 * Quartz's worker threads and the database pool grow with the connections found at start: each
 * connection's orders poll holds a worker for its whole run, so with Quartz's 10 (6 clustered) the
 * polls of many connections would wait for each other.
 */
class ScheduleSizingTest {

  @TempDir Path connections;

  @Test
  void autoGrowsWithTheConnectionsUpToACap() {
    assertEquals(6, ScheduleSizing.threads("auto", 0));
    assertEquals(6, ScheduleSizing.threads(null, 0));
    assertEquals(15, ScheduleSizing.threads(" auto ", 3));
    assertEquals(156, ScheduleSizing.threads("", 50), "50 connections: a worker for each poll");
    assertEquals(160, ScheduleSizing.threads("auto", 500));
    assertEquals(12, ScheduleSizing.threads("12", 50), "a number is taken as it is");
    SettingsException e =
        assertThrows(SettingsException.class, () -> ScheduleSizing.threads("many", 1));
    assertTrue(e.getMessage().contains("CONNECTOR_SCHEDULE_THREADS"), e.getMessage());
    assertThrows(SettingsException.class, () -> ScheduleSizing.threads("0", 1));

    assertEquals(8, ScheduleSizing.dbPool(0));
    assertEquals(9, ScheduleSizing.dbPool(1));
    assertEquals(18, ScheduleSizing.dbPool(50));
    assertEquals(20, ScheduleSizing.dbPool(500));
  }

  @Test
  void theConnectorStartsWithAWorkerPerConnectionsPoll() throws Exception {
    for (String id : new String[] {"shop-b", "shop-c", "shop-d", "shop-e"}) {
      Files.writeString(
          connections.resolve(id + ".properties"),
          "squarespace.api-key = key\nexact.division = "
              + (100 + id.charAt(5))
              + "\nexact.refresh-token = RT-"
              + id
              + "\nsync.auto-start = false\n");
    }
    Files.writeString(connections.resolve("README.txt"), "not a connection");
    Map<String, String> settings =
        ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    settings.put("connector.connections-dir", connections.toString());
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      assertEquals(
          6 + 3 * 4,
          h.context()
              .getComponent("quartz", QuartzComponent.class)
              .getScheduler()
              .getMetaData()
              .getThreadPoolSize(),
          "Quartz's default of 10 would be too few for 5 connections' polls and syncs");
      assertEquals(
          9,
          ((HikariDataSource) h.bean("connectorDatabase", Database.class).dataSource())
              .getMaximumPoolSize());
    }
    settings.put("connector.schedule-threads", "7");
    try (ConnectorHarness h = ConnectorHarness.start(settings, new TestClock())) {
      assertEquals(
          7,
          h.context()
              .getComponent("quartz", QuartzComponent.class)
              .getScheduler()
              .getMetaData()
              .getThreadPoolSize());
    }
  }
}
