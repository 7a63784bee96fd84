package org.sqexact.ops.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactDivision;
import org.sqexact.squarespace.SquarespaceGateway;
import org.sqexact.store.TokenStore;

/**
 * Whether both systems are connected: the Squarespace key, Exact Online's tokens and the division —
 * set in the environment or given in the connect wizard. A fresh install starts without them: the
 * dashboard and the wizard work, the order, stock and fulfilment flows wait (their schedules ask
 * {@link #isConnected()}), readiness says what is missing, and the pre-flight check names it. Once
 * the wizard has the last piece, {@link #wizardStep()} starts a poll at once: no restart.
 */
public final class ConnectionSetup {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionSetup.class);

  private final SquarespaceGateway squarespace;
  private final TokenStore tokens;
  private final ExactDivision division;
  private final ProducerTemplate template;
  private volatile Boolean lastConnected;

  public ConnectionSetup(
      SquarespaceGateway squarespace,
      TokenStore tokens,
      ExactDivision division,
      ProducerTemplate template) {
    this.squarespace = squarespace;
    this.tokens = tokens;
    this.division = division;
    this.template = template;
  }

  /** What is still missing, in plain words with where to give it; empty when connected. */
  public List<String> missing() {
    List<String> out = new ArrayList<>();
    if (!squarespace.hasApiKey()) {
      out.add(
          "the Squarespace API key (connect wizard step 1 at /console/connect, or"
              + " SQUARESPACE_API_KEY)");
    }
    TokenStore.Tokens t;
    try {
      t = tokens.read();
    } catch (RuntimeException e) {
      t = null;
    }
    if (t == null || (t.refreshToken() == null && !t.hasAccessToken())) {
      out.add(
          "Exact Online's authorisation (connect wizard step 2, or EXACT_REFRESH_TOKEN on the"
              + " first start)");
    }
    if (!division.chosen()) {
      out.add("the Exact Online division (connect wizard step 3, or EXACT_DIVISION)");
    }
    return out;
  }

  /** For the schedules' filters: true when nothing is missing. Logs each change once. */
  public boolean isConnected() {
    List<String> missing = missing();
    boolean connected = missing.isEmpty();
    Boolean before = lastConnected;
    if (before == null || before != connected) {
      lastConnected = connected;
      if (connected) {
        LOG.info("Squarespace and Exact Online are connected: the flows run");
      } else {
        LOG.warn("{}; the flows wait (connect at /console/connect)", summary(missing));
      }
    }
    return connected;
  }

  /** "not connected: missing …", for readiness and the pre-flight check. */
  public static String summary(List<String> missing) {
    return "not connected: missing " + String.join("; ", missing);
  }

  /** The wizard stored a piece: when it was the last one, the first poll starts now. */
  public void wizardStep() {
    if (isConnected()) {
      try {
        // the poll queue takes one waiting poll at most; more requests are dropped quietly
        template.sendBody(
            "seda:poll-orders?waitForTaskToComplete=Never&discardWhenFull=true", null);
      } catch (RuntimeException e) {
        LOG.warn("Could not start a poll after connecting: {}", e.getMessage());
      }
    }
  }

  /** Readiness: DOWN while a piece is missing, saying which ({@code /observe/health/ready}). */
  public static final class Check extends AbstractHealthCheck {
    private final ConnectionSetup setup;

    public Check(ConnectionSetup setup) {
      super("connector", "connection");
      this.setup = setup;
    }

    @Override
    public boolean isLiveness() {
      return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
      List<String> missing = setup.missing();
      if (missing.isEmpty()) {
        builder.up();
      } else {
        builder.message(summary(missing)).detail("missing", String.join("; ", missing)).down();
      }
    }
  }
}
