package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.ExactDivision;
import org.sqexact.exact.ExactGovernors;
import org.sqexact.ops.Alerts;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.Database;
import org.sqexact.store.SharedRateBudget;
import org.sqexact.store.TokenStore;
import org.sqexact.support.Sleeper;

/**
 * Exact Online: the rate governor, the token manager, the gateway every call passes through ({@code
 * routes/exact-gateway.camel.yaml}), the API client, the division check and the reference data.
 * Runs after {@link ConnectorConfiguration}.
 */
@Configuration
public final class ExactConfiguration implements CamelConfiguration {

  /** Registry name of the minute budget shared by the nodes (bound only when clustered). */
  public static final String SHARED_BUDGET = "exactSharedBudget";

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings = bean(context, "connectorSettings", ConnectorSettings.class);
    Clock clock = bean(context, ConnectorConfiguration.CLOCK, Clock.class);
    Sleeper sleeper = bean(context, ConnectorConfiguration.SLEEPER, Sleeper.class);
    Alerts alerts = bean(context, "alerts", Alerts.class);
    ActivityLog activity = bean(context, "activityLog", ActivityLog.class);
    ProducerTemplate template = context.createProducerTemplate();

    ExactGovernors governors = new ExactGovernors();
    // several nodes may call Exact for this division: they count its minute together
    SharedRateBudget budget =
        ClusterSchedule.clustered(settings.dbUrl())
            ? new SharedRateBudget(bean(context, "connectorDatabase", Database.class))
            : null;
    ExactBeans exact =
        ExactBeans.build(
            settings,
            clock,
            sleeper,
            alerts,
            activity,
            bean(context, "tokenStore", TokenStore.class),
            bean(context, "exactDivision", ExactDivision.class),
            governors,
            budget,
            template,
            ExactBeans.Endpoints.DEFAULT);

    Registry registry = context.getRegistry();
    // the connections from connections/ share these governors per division
    registry.bind("exactGovernors", governors);
    if (budget != null) {
      registry.bind(SHARED_BUDGET, budget);
    }
    exact.named().forEach(registry::bind);
  }
}
