package org.sqexact.ops;

import java.util.List;
import java.util.function.Supplier;
import org.sqexact.store.ActivityLog;

/**
 * The daily purge of the activity lines of connections that no longer run (their file in {@code
 * connections/} was removed): their rows stay, so no order is booked twice when the file comes
 * back, but without a running connection nobody else purges their lines, and personal data must not
 * be kept for ever (GDPR). They go after the default connection's retention; a running connection
 * purges its own lines after its own retention in its own housekeeping.
 */
public final class StoppedConnectionsActivity {

  private final ActivityLog defaultActivity;
  private final Supplier<List<String>> running;

  public StoppedConnectionsActivity(ActivityLog defaultActivity, Supplier<List<String>> running) {
    this.defaultActivity = defaultActivity;
    this.running = running;
  }

  /** Deletes the stopped connections' expired lines; returns how many. */
  public int purgeExpired() {
    return defaultActivity.purgeExpiredOfStoppedConnections(running.get());
  }
}
