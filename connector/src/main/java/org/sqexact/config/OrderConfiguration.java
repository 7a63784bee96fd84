package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.mapping.DataMapper;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.Database;

/**
 * The order flow's beans ({@code routes/order-sync.camel.yaml}, {@code
 * routes/order-refunds.camel.yaml}) for the default connection, built by {@link OrderBeans}. Runs
 * after {@link ExactConfiguration} and {@link SquarespaceConfiguration}, whose API clients it uses.
 */
@Configuration
public final class OrderConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) {
    OrderBeans orders =
        OrderBeans.build(
            bean(context, "connectorSettings", ConnectorSettings.class),
            bean(context, ConnectorConfiguration.CLOCK, Clock.class),
            bean(context, "connectorDatabase", Database.class),
            bean(context, ConnectorConfiguration.STATE, ConnectionState.class),
            new OrderBeans.Mapping(
                bean(context, "mappingSettings", MappingSettings.class),
                bean(context, "orderSettings", OrderSettings.class),
                bean(context, "orderDocumentType", DocumentType.class),
                bean(context, "dataMapper", DataMapper.class)),
            bean(context, "exactApi", ExactApi.class),
            bean(context, "exactReferenceData", ExactReferenceData.class),
            bean(context, "squarespaceApi", SquarespaceApi.class));
    Registry registry = context.getRegistry();
    orders.named().forEach(registry::bind);
  }
}
