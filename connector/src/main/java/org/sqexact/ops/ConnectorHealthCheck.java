package org.sqexact.ops;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactTokenManager;

/**
 * Health of the Exact Online connection: DOWN when re-authorisation is needed or the configured
 * division cannot be used. Shown at {@code /observe/health}.
 */
public final class ConnectorHealthCheck extends AbstractHealthCheck {

  private final ExactTokenManager tokens;
  private final ExactDivisionCheck division;

  public ConnectorHealthCheck(ExactTokenManager tokens, ExactDivisionCheck division) {
    super("connector", "exact-online");
    this.tokens = tokens;
    this.division = division;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    String problem;
    try {
      problem = tokens.problem();
    } catch (RuntimeException e) {
      problem = "token store unreadable: " + e.getMessage();
    }
    builder.detail("division", division.detail());
    if (problem != null) {
      builder.detail("problem", problem);
      builder.message(problem);
      builder.down();
      return;
    }
    if (division.status() == ExactDivisionCheck.Status.FAILED) {
      builder.message(division.detail());
      builder.down();
      return;
    }
    builder.up();
  }
}
