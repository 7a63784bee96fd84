package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.ops.Alerts;

/**
 * Checks at start that the configured division ({@code EXACT_DIVISION}) is one the authorised user
 * may use. {@code current/Me} names the division the user last chose in Exact's screens; when it
 * differs, the configured one is looked up among the user's divisions. The connector always works
 * in the configured division, never implicitly in {@code CurrentDivision}.
 */
public final class ExactDivisionCheck {

  private static final Logger LOG = LoggerFactory.getLogger(ExactDivisionCheck.class);

  /** The outcome, for health checks and the operator. */
  public enum Status {
    UNKNOWN,
    OK,
    FAILED
  }

  private final ExactApi api;
  private final IntSupplier divisions;
  private final Alerts alerts;
  private volatile Status status = Status.UNKNOWN;
  private volatile String detail = "not checked yet";

  public ExactDivisionCheck(ExactApi api, IntSupplier division, Alerts alerts) {
    this.api = api;
    this.divisions = division;
    this.alerts = alerts;
  }

  /** Runs the check; transient failures leave the status UNKNOWN so it is tried again. */
  public Status check() {
    int division = divisions.getAsInt();
    if (division <= 0) {
      // a fresh install: the connect wizard (or EXACT_DIVISION) has not chosen one yet
      status = Status.UNKNOWN;
      detail =
          "no division chosen yet: choose one in the connect wizard (/console/connect) or set"
              + " EXACT_DIVISION";
      return status;
    }
    try {
      JsonNode me = api.me();
      int current = me.path("CurrentDivision").asInt(0);
      if (current == division) {
        ok("division " + division + " is the user's current division");
        return status;
      }
      List<JsonNode> found =
          api.all(
              "system/Divisions",
              OData.select("Code", "Description").filter("Code eq " + division),
              Priority.ORDERS);
      if (found.isEmpty()) {
        fail(
            "EXACT_DIVISION "
                + division
                + " is not among the divisions the authorised Exact Online user may use (the user's"
                + " current division is "
                + current
                + ")");
      } else {
        ok(
            "division "
                + division
                + " ("
                + found.get(0).path("Description").asText("")
                + ") is available; the user's current division in Exact's screens is "
                + current);
      }
    } catch (ExactReauthorizationRequiredException e) {
      fail(e.getMessage());
    } catch (ExactFunctionalException e) {
      fail("Exact Online refused access to division " + division + ": " + e.getMessage());
    } catch (ExactException e) {
      status = Status.UNKNOWN;
      detail = "could not check the division yet: " + e.getMessage();
      LOG.warn(detail);
    }
    return status;
  }

  private void ok(String message) {
    status = Status.OK;
    detail = message;
    LOG.info("Exact Online: {}", message);
  }

  private void fail(String message) {
    status = Status.FAILED;
    detail = message;
    alerts.accept("exact-division", message);
  }

  public Status status() {
    return status;
  }

  public String detail() {
    return detail;
  }
}
