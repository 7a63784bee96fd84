package org.sqexact.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How many Quartz worker threads and database connections the process needs for the connections it
 * serves, decided once at start (Quartz creates its thread pool when it starts and cannot grow it;
 * Hikari's pool size is fixed when it opens).
 *
 * <p>Why threads grow with connections: each connection's orders poll is a stateful Quartz job that
 * holds its worker thread for the whole poll (it hands the poll to {@code seda:} and waits, so that
 * on several nodes one node polls at a time), and so can its stock, order-status and product syncs;
 * a firing that finds no free thread waits, late, and after Quartz's misfire threshold (60 s)
 * counts as misfired. Short jobs (poll watch, webhook subscriptions, housekeeping) borrow a thread
 * for milliseconds.
 */
public final class ScheduleSizing {

  /** The default connection: its four syncs can each hold one, plus housekeeping and the watch. */
  static final int BASE_THREADS = 6;

  /** Each connection from connections/: its orders poll plus two of its syncs at the same time. */
  static final int THREADS_PER_CONNECTION = 3;

  /** Enough for 50 connections (6 + 3 × 50 = 156); idle Quartz threads cost a stack each. */
  static final int MAX_AUTO_THREADS = 160;

  /** Hikari's pool for the default connection alone (before issue 12). */
  static final int BASE_DB_POOL = 8;

  /**
   * At most this many database connections per process: several nodes share one PostgreSQL whose
   * max_connections is 100 by default. Each statement holds a connection for milliseconds; a poll
   * does not hold one while it waits for Squarespace or Exact.
   */
  static final int MAX_DB_POOL = 20;

  private ScheduleSizing() {}

  /**
   * Quartz worker threads.
   *
   * @param setting {@code connector.schedule-threads}: {@code auto} (or empty) or a number
   * @param connections connection files found in connections/ at start
   */
  public static int threads(String setting, int connections) {
    String s = setting == null ? "" : setting.strip();
    if (s.isEmpty() || s.equalsIgnoreCase("auto")) {
      return Math.min(MAX_AUTO_THREADS, BASE_THREADS + THREADS_PER_CONNECTION * connections);
    }
    int n;
    try {
      n = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 1000) {
      throw new SettingsException(
          "CONNECTOR_SCHEDULE_THREADS (connector.schedule-threads): 'auto' or a number from 1 to"
              + " 1000, not '"
              + s
              + "'");
    }
    return n;
  }

  /** Database connections: one more per five connections, at most {@link #MAX_DB_POOL}. */
  public static int dbPool(int connections) {
    return Math.min(MAX_DB_POOL, BASE_DB_POOL + (connections + 4) / 5);
  }

  /** The connection files ({@code <id>.properties}) in the directory now; 0 when it is missing. */
  public static int connectionFiles(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return (int)
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().endsWith(".properties"))
              .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
