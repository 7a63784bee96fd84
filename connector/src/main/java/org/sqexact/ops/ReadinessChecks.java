package org.sqexact.ops;

import java.sql.Connection;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.sqexact.store.Database;

/**
 * Readiness checks beside {@link ConnectorHealthCheck} (Exact token and division): is the state
 * database reachable, and does the pre-flight check find every setting in Exact. Shown at {@code
 * /observe/health/ready}; {@code /observe/health/live} asks only whether the process and Camel run.
 */
public final class ReadinessChecks {

  private ReadinessChecks() {}

  /** The state database answers within a few seconds. */
  public static final class DatabaseCheck extends AbstractHealthCheck {
    private final Database db;

    public DatabaseCheck(Database db) {
      super("connector", "database");
      this.db = db;
    }

    @Override
    public boolean isLiveness() {
      return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
      try (Connection c = db.connection()) {
        if (c.isValid(5)) {
          builder.up();
        } else {
          builder.message("the state database does not answer").down();
        }
      } catch (Exception e) {
        builder.message("the state database cannot be reached: " + e.getMessage()).down();
      }
    }
  }

  /** The last pre-flight check found every code of the settings in Exact. */
  public static final class PreflightCheck extends AbstractHealthCheck {
    private final Preflight preflight;

    public PreflightCheck(Preflight preflight) {
      super("connector", "preflight");
      this.preflight = preflight;
    }

    @Override
    public boolean isLiveness() {
      return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
      Preflight.Report r = preflight.last();
      if (r == null) {
        // not run yet (it runs shortly after start): not a reason to take the connector out
        builder.detail("preflight", "not run yet").up();
        return;
      }
      if (r.ok()) {
        builder.up();
      } else {
        builder.message(
            "the pre-flight check found settings Exact does not know (GET /api/preflight)");
        builder.down();
      }
    }
  }
}
