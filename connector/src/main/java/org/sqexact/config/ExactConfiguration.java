package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactDivisionCheck;
import org.sqexact.exact.ExactGateway;
import org.sqexact.exact.ExactRateGovernor;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.exact.ExactTokenClient;
import org.sqexact.exact.ExactTokenManager;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.TokenStore;
import org.sqexact.support.Sleeper;

/**
 * Exact Online: the rate governor, the token manager, the gateway every call passes through ({@code
 * routes/exact-gateway.camel.yaml}), the API client, the division check and the reference data.
 * Runs after {@link ConnectorConfiguration}.
 */
@Configuration
public final class ExactConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings = bean(context, "connectorSettings", ConnectorSettings.class);
    Clock clock = bean(context, ConnectorConfiguration.CLOCK, Clock.class);
    Sleeper sleeper = bean(context, ConnectorConfiguration.SLEEPER, Sleeper.class);
    Alerts alerts = bean(context, "alerts", Alerts.class);
    ActivityLog activity = bean(context, "activityLog", ActivityLog.class);
    ProducerTemplate template = context.createProducerTemplate();

    ExactRateGovernor governor =
        new ExactRateGovernor(
            clock,
            sleeper,
            settings.exactOrderSharePercent(),
            settings.exactClientErrorStop(),
            settings.exactRateMaxWait(),
            alerts);
    if (ClusterSchedule.clustered(settings.dbUrl())) {
      // several nodes may call Exact for this division: they count its minute together
      governor.shareWith(
          new org.sqexact.store.SharedRateBudget(
              bean(context, "connectorDatabase", org.sqexact.store.Database.class)));
    }
    ExactTokenManager tokens =
        new ExactTokenManager(
            bean(context, "tokenStore", TokenStore.class),
            new ExactTokenClient(
                template,
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
    ExactDivision division = bean(context, "exactDivision", ExactDivision.class);

    ExactApi exactApi = new ExactApi(template);
    exactApi.useDivision(division);

    Registry registry = context.getRegistry();
    registry.bind("exactRateGovernor", governor);
    registry.bind("exactTokenManager", tokens);
    registry.bind(
        "exactGateway",
        new ExactGateway(tokens, governor, activity, clock, settings.exactRestUrl(), division));
    registry.bind("exactApi", exactApi);
    registry.bind("exactDivisionCheck", new ExactDivisionCheck(exactApi, division, alerts));
    registry.bind("exactReferenceData", new ExactReferenceData(exactApi));
  }
}
