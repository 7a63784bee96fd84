package org.sqexact.config;

import static org.sqexact.config.ConnectorConfiguration.bean;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.Registry;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.mapping.DataMapper;
import org.sqexact.ops.Alerts;
import org.sqexact.ops.OrderClaims;
import org.sqexact.ops.Preflight;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.CustomerResolver;
import org.sqexact.order.DataMapperPayloads;
import org.sqexact.order.DocumentBooker;
import org.sqexact.order.DocumentLineAggregator;
import org.sqexact.order.DocumentSettings;
import org.sqexact.order.ExistenceCheck;
import org.sqexact.order.ItemCatalog;
import org.sqexact.order.OrderBatch;
import org.sqexact.order.OrderEligibility;
import org.sqexact.order.OrderFailures;
import org.sqexact.order.OrderLines;
import org.sqexact.order.OrderPayloads;
import org.sqexact.order.OrderRetries;
import org.sqexact.order.OrderTracker;
import org.sqexact.order.PaymentConditions;
import org.sqexact.order.RefundBooker;
import org.sqexact.order.VatCodes;
import org.sqexact.order.VatPolicy;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.ConnectionStore.ConnectionInfo;
import org.sqexact.store.Database;
import org.sqexact.store.OrderLedger;
import org.sqexact.store.RefundLedger;

/**
 * The order flow's beans ({@code routes/order-sync.camel.yaml}, {@code
 * routes/order-refunds.camel.yaml}): eligibility, retries, the existence check, customers, items,
 * VAT, lines, payloads, booking, refunds, failures and the pre-flight check. Runs after {@link
 * ExactConfiguration} and {@link SquarespaceConfiguration}, whose API clients it uses.
 */
@Configuration
public final class OrderConfiguration implements CamelConfiguration {

  @Override
  public void configure(CamelContext context) {
    ConnectorSettings settings = bean(context, "connectorSettings", ConnectorSettings.class);
    Clock clock = bean(context, ConnectorConfiguration.CLOCK, Clock.class);
    ConnectionInfo connection = bean(context, "connectorConnection", ConnectionInfo.class);
    MappingSettings mappingSettings = bean(context, "mappingSettings", MappingSettings.class);
    OrderSettings orderSettings = bean(context, "orderSettings", OrderSettings.class);
    DocumentType documentType = bean(context, "orderDocumentType", DocumentType.class);
    OrderLedger ledger = bean(context, "orderLedger", OrderLedger.class);
    JdbcMessageIdRepository idempotent =
        bean(context, "orderIdempotentRepository", JdbcMessageIdRepository.class);
    ActivityLog activity = bean(context, "activityLog", ActivityLog.class);
    Alerts alerts = bean(context, "alerts", Alerts.class);
    ExactApi exactApi = bean(context, "exactApi", ExactApi.class);
    ExactReferenceData reference = bean(context, "exactReferenceData", ExactReferenceData.class);
    SquarespaceApi squarespaceApi = bean(context, "squarespaceApi", SquarespaceApi.class);

    // an embedded database belongs to this process alone: an order it finds in progress at start
    // was left by a dead process and is taken again at once; on a shared database others may hold
    // it
    OrderRetries retries =
        new OrderRetries(
            ledger,
            idempotent,
            clock,
            settings.embeddedDb() ? Duration.ZERO : Duration.ofMinutes(10),
            bean(context, "orderClaims", OrderClaims.class).instance());
    if (ClusterSchedule.clustered(settings.dbUrl())) {
      // several nodes: a dead node's orders come back as soon as Quartz counts it dead
      retries.watchNodes(
          new org.sqexact.store.ClusterNodes(
                  bean(context, "connectorDatabase", org.sqexact.store.Database.class))
              ::live);
    }
    OrderEligibility eligibility =
        new OrderEligibility(orderSettings, connection.ordersSince(), ledger, retries);
    OrderTracker tracker = new OrderTracker(orderSettings, ledger, activity);
    ExistenceCheck existence =
        new ExistenceCheck(exactApi, documentType, clock, Duration.ofMinutes(10));
    OrderPayloads payloads =
        new DataMapperPayloads(
            bean(context, "dataMapper", DataMapper.class), settingsView(mappingSettings));
    CustomerDirectory customers = new CustomerDirectory(exactApi, clock, Duration.ofSeconds(30));
    ItemCatalog items = new ItemCatalog(exactApi, clock, Duration.ofSeconds(30));
    VatCodes vatCodes = new VatCodes(exactApi);
    VatPolicy vatPolicy =
        new VatPolicy(mappingSettings.vatRules(), mappingSettings.standardVatRate(), vatCodes);
    PaymentConditions paymentConditions =
        new PaymentConditions(squarespaceApi, mappingSettings.map("payment-conditions"));
    DocumentSettings documents =
        new DocumentSettings(
            documentType,
            orderSettings.journal(),
            orderSettings.warehouse(),
            orderSettings.finaliseInvoices(),
            mappingSettings.glRules(),
            mappingSettings.text("gl-accounts", "default"),
            mappingSettings.map("shipping-methods"),
            reference,
            mappingSettings.text("gl-accounts", "gift-card"));
    DocumentBooker booker =
        new DocumentBooker(
            documents, paymentConditions, payloads, exactApi, ledger, existence, activity);

    Registry registry = context.getRegistry();
    registry.bind("orderRetries", retries);
    registry.bind("orderEligibility", eligibility);
    registry.bind("orderTracker", tracker);
    registry.bind("existenceCheck", existence);
    registry.bind("orderBatch", new OrderBatch(eligibility, existence, tracker, activity));
    registry.bind("orderPayloads", payloads);
    registry.bind("customerDirectory", customers);
    registry.bind(
        "customerResolver", new CustomerResolver(orderSettings, customers, payloads, activity));
    registry.bind("itemCatalog", items);
    registry.bind("vatCodes", vatCodes);
    registry.bind("vatPolicy", vatPolicy);
    registry.bind(
        "orderLines",
        new OrderLines(
            orderSettings,
            items,
            vatCodes,
            vatPolicy,
            documentType == DocumentType.SALES_ENTRY,
            squarespaceApi,
            activity,
            clock,
            OrderLines.Options.from(mappingSettings)));
    registry.bind("documentLineAggregator", new DocumentLineAggregator());
    registry.bind("documentBooker", booker);
    registry.bind(
        "refundBooker",
        new RefundBooker(
            documents,
            orderSettings,
            squarespaceApi,
            exactApi,
            ledger,
            new RefundLedger(
                bean(context, "connectorDatabase", Database.class), connection.id(), clock),
            booker,
            payloads,
            items,
            activity,
            alerts));
    registry.bind(
        "orderFailures", new OrderFailures(ledger, activity, alerts, orderSettings.maxAttempts()));
    registry.bind(
        "preflight",
        new Preflight(
            orderSettings,
            documents,
            vatPolicy,
            vatCodes,
            reference,
            paymentConditions,
            items,
            customers,
            alerts,
            clock));
  }

  /** The settings file as the datamapper's {@code $settings}. */
  private static Map<String, Object> settingsView(MappingSettings s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("journal", s.text("journal"));
    view.put("warehouse", s.text("warehouse"));
    view.put("documentType", s.text("document-type"));
    view.put("paymentConditions", s.map("payment-conditions"));
    view.put("shippingMethods", s.map("shipping-methods"));
    return view;
  }
}
