package org.sqexact.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactGateway;
import org.sqexact.exact.ExactGovernors;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.exact.ExactTokenClient;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.exact.SharedBudget;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.TokenStore;
import org.sqexact.support.Sleeper;

/**
 * One connection's side of Exact Online: its division's rate governor (shared with the other
 * connections on that division), its token manager, the gateway its calls pass through, its API
 * client, division check and reference data. {@link ExactConfiguration} builds them for the default
 * connection; a connection from {@code connections/} gets its own (docs/design/connections.md).
 */
public record ExactBeans(
    ExactRateGovernor governor,
    ExactTokenManager tokens,
    ExactGateway gateway,
    ExactApi api,
    ExactDivisionCheck divisionCheck,
    ExactReferenceData reference) {

  /**
   * The routes a connection's Exact beans call: the default connection's, or those created for a
   * connection from its route templates ({@code -<id>} appended).
   */
  public record Endpoints(String call, String token) {

    public static final Endpoints DEFAULT = new Endpoints(ExactApi.CALL, ExactTokenClient.TOKEN);

    public static Endpoints of(String connection) {
      return new Endpoints(
          ExactApi.CALL + "-" + connection, ExactTokenClient.TOKEN + "-" + connection);
    }
  }

  /**
   * Builds a connection's Exact beans.
   *
   * @param shared the budget several nodes share per division, or null on one node
   */
  public static ExactBeans build(
      ConnectorSettings settings,
      Clock clock,
      Sleeper sleeper,
      Alerts alerts,
      ActivityLog activity,
      TokenStore tokenStore,
      ExactDivision division,
      ExactGovernors governors,
      SharedBudget shared,
      ProducerTemplate template,
      Endpoints endpoints) {
    // keyed by the division at start: a connection from connections/ has a fixed division; the
    // default connection, whose division the wizard may choose later, is then alone in its key
    ExactRateGovernor governor =
        governors.forDivision(
            division.getAsInt(),
            () -> {
              ExactRateGovernor g =
                  new ExactRateGovernor(
                      clock,
                      sleeper,
                      settings.exactOrderSharePercent(),
                      settings.exactClientErrorStop(),
                      settings.exactRateMaxWait(),
                      alerts);
              if (shared != null) {
                // several nodes may call Exact for this division: they count its minute together
                g.shareWith(shared);
              }
              return g;
            });
    ExactTokenManager tokens =
        new ExactTokenManager(
            tokenStore,
            new ExactTokenClient(
                template,
                endpoints.token(),
                settings.exactTokenUrl().toString(),
                settings.exactClientId(),
                settings.exactClientSecret()),
            clock,
            settings.exactMinRefreshInterval(),
            settings.exactRefreshIdleWarning(),
            settings.exactRefreshKeepAlive(),
            alerts,
            sleeper,
            settings.exactRateMaxWait());
    ExactApi api = new ExactApi(template, endpoints.call());
    api.useDivision(division);
    return new ExactBeans(
        governor,
        tokens,
        new ExactGateway(tokens, governor, activity, clock, settings.exactRestUrl(), division),
        api,
        new ExactDivisionCheck(api, division, alerts),
        new ExactReferenceData(api));
  }

  /** The beans under the names the routes refer to. */
  public Map<String, Object> named() {
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("exactRateGovernor", governor);
    beans.put("exactTokenManager", tokens);
    beans.put("exactGateway", gateway);
    beans.put("exactApi", api);
    beans.put("exactDivisionCheck", divisionCheck);
    beans.put("exactReferenceData", reference);
    return beans;
  }
}
