package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactFunctionalException;
import org.sqexact.exact.ExactOutcomeUnknownException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.squarespace.SquarespaceOrder.FormField;
import org.sqexact.store.ActivityLog;
import org.sqexact.store.OrderLedger;

/**
 * Builds the document from the resolved customer and the priced lines, and books it in one POST.
 * Before the POST the ledger notes that an outcome is pending, so that after a crash or a lost
 * response the order flow asks Exact before it tries again.
 */
public final class DocumentBooker {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentBooker.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DocumentType type;
  private final DocumentSettings documents;
  private final PaymentConditions paymentConditions;
  private final OrderPayloads payloads;
  private final ExactApi api;
  private final OrderLedger ledger;
  private final ExistenceCheck existence;
  private final ActivityLog activity;

  public DocumentBooker(
      DocumentSettings documents,
      PaymentConditions paymentConditions,
      OrderPayloads payloads,
      ExactApi api,
      OrderLedger ledger,
      ExistenceCheck existence,
      ActivityLog activity) {
    this.type = documents.type();
    this.documents = documents;
    this.paymentConditions = paymentConditions;
    this.payloads = payloads;
    this.api = api;
    this.ledger = ledger;
    this.existence = existence;
    this.activity = activity;
  }

  /** The document as it will be sent (also for a dry run). */
  public ObjectNode build(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    ObjectNode doc = docView(context, context.getLines(), type.typeCode(), context.getYourRef());
    ObjectNode document = payloads.document(type, context.getJson(), doc);
    context.setDocument(document);
    return document;
  }

  /** Posts the document and records it in the ledger. */
  public void book(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    String orderId = context.getOrderId();
    String number = context.getNumber();
    String yourRef = context.getYourRef();
    ObjectNode document = context.getDocument();
    ledger.markPosting(orderId, type.setting());
    ExistenceCheck.Found found;
    try {
      found = post(document);
    } catch (ExactOutcomeUnknownException unknown) {
      found = settle(orderId, number, yourRef, document, unknown);
    } catch (ExactFunctionalException e) {
      ledger.markPostRefused(orderId);
      throw e;
    }
    ledger.markBooked(orderId, type.setting(), found.id(), found.number());
    existence.recordBooked(yourRef, found);
    activity.record(
        orderId, number, "book", "booked", "booked in Exact Online as " + found.describe());
    LOG.info("Booked in Exact Online as {}", found.describe());
    if (documents.finaliseInvoices() && found.id() != null) {
      finalise(orderId, number, found);
    }
  }

  private ExistenceCheck.Found post(ObjectNode document) {
    JsonNode created = api.post(type.path(), document, Priority.ORDERS);
    return new ExistenceCheck.Found(
        type,
        created.path(type.idField()).asText(null),
        created.path(type.numberField()).asText(null));
  }

  /**
   * The POST's outcome is unknown (a 5xx, or the response lost after Exact may have committed it):
   * Exact is asked at once whether it has a document with the order's YourRef. A document found is
   * the order's; an absent one is sent once more. Only when the look-up or that second POST fails
   * too does the order wait for a later attempt (which asks Exact first again): never booked twice.
   */
  private ExistenceCheck.Found settle(
      String orderId,
      String number,
      String yourRef,
      ObjectNode document,
      ExactOutcomeUnknownException unknown) {
    ExistenceCheck.Found found;
    try {
      found = existence.askNow(yourRef);
    } catch (RuntimeException lookUpFailed) {
      unknown.addSuppressed(lookUpFailed);
      throw unknown;
    }
    if (found != null) {
      activity.record(
          orderId,
          number,
          "book",
          "ok",
          "no answer to the POST, but Exact Online has the document: " + found.describe());
      return found;
    }
    activity.record(
        orderId,
        number,
        "book",
        "ok",
        "no answer to the POST and no document with YourRef in Exact Online: sent once more");
    try {
      return post(document);
    } catch (ExactFunctionalException e) {
      ledger.markPostRefused(orderId);
      throw e;
    }
  }

  /** Processes the invoice in Exact (PrintedSalesInvoices) so it gets its final number. */
  private void finalise(String orderId, String number, ExistenceCheck.Found invoice) {
    ObjectNode print = JSON.createObjectNode();
    print.put("InvoiceID", invoice.id());
    print.put("SendEmailToCustomer", false);
    try {
      JsonNode printed = api.post("salesinvoice/PrintedSalesInvoices", print, Priority.ORDERS);
      String error = printed == null ? null : printed.path("DocumentCreationError").asText(null);
      boolean ok = error == null || error.isBlank() || error.equals("null");
      activity.record(
          orderId,
          number,
          "finalise",
          ok ? "ok" : "failed",
          ok ? "invoice processed in Exact Online" : "processing the invoice failed: " + error);
    } catch (RuntimeException e) {
      // the invoice is booked; only its processing failed: it is never booked again for this
      activity.record(
          orderId,
          number,
          "finalise",
          "failed",
          "booked, but processing the invoice failed (process it in Exact): " + e.getMessage());
      LOG.warn(
          "Invoice booked, but processing it failed: {}",
          org.sqexact.support.PersonalValues.mask(e.getMessage()));
    }
  }

  /**
   * The {@code $doc} the datamapper reads: the resolved ids and codes and the priced lines.
   *
   * @param typeCode Exact's document Type (8020, 8021 …), 0 for a sales order
   */
  public ObjectNode docView(
      OrderContext context, List<DocumentLine> documentLines, int typeCode, String yourRef) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("accountId", context.getAccountId());
    doc.put("contactId", context.getContactId());
    doc.put("deliveryAddressId", context.getDeliveryAddressId());
    SquarespaceOrder order = context.getOrder();
    String number = order.orderNumber();
    JsonNode transactions = context.getTransactions();
    doc.put(
        "paymentCondition",
        transactions == null
            ? paymentConditions.forOrder(order.id())
            : paymentConditions.forTransactions(
                transactions.isMissingNode() ? null : JSON.createArrayNode().add(transactions)));
    // every document carries the order's currency (Squarespace: the site's single currency)
    doc.put("currency", order.grandTotal() == null ? null : order.grandTotal().currency());
    String method = order.shippingLines().isEmpty() ? null : order.shippingLines().get(0).method();
    doc.put("shippingMethodId", documents.shippingMethodId(method, number));
    doc.put("journal", documents.journal());
    doc.put("warehouseId", documents.warehouseId(number));
    doc.put("yourRef", yourRef);
    if (typeCode != 0) {
      doc.put("documentType", typeCode);
    } else {
      doc.putNull("documentType");
    }
    String country = OrderLines.destination(order);
    ArrayNode lines = doc.putArray("lines");
    for (DocumentLine l : documentLines) {
      lines.add(
          lineView(
              l,
              type == DocumentType.SALES_ENTRY
                  ? documents.glAccountId(l.kind(), l.vatCode(), country, number)
                  : null));
    }
    return doc;
  }

  /** One line of {@code $doc.lines} (pure; also for the property test and golden files). */
  public static ObjectNode lineView(DocumentLine l, String glAccountId) {
    ObjectNode line = JSON.createObjectNode();
    line.put("kind", l.kind().name().toLowerCase(java.util.Locale.ROOT));
    line.put("sku", l.sku());
    line.put("itemId", l.itemId());
    line.put("itemCode", l.itemCode());
    line.put("productName", l.productName());
    ArrayNode options = line.putArray("variantOptions");
    for (FormField f : l.variantOptions()) {
      options.addObject().put("optionName", f.name()).put("value", f.value());
    }
    ArrayNode custom = line.putArray("customizations");
    for (FormField f : l.customizations()) {
      custom.addObject().put("label", f.name()).put("value", f.value());
    }
    line.put("quantity", l.quantity());
    line.put("unitPrice", l.unitPrice());
    line.put("vatAmount", l.amountIncl().subtract(l.amountExcl()));
    line.put("unitPriceExcl", l.unitPriceExcl());
    line.put("unitPriceIncl", l.unitPriceIncl());
    line.put("amountExcl", l.amountExcl());
    line.put("amountIncl", l.amountIncl());
    line.put("vatCode", l.vatCode());
    line.put("vatRate", l.vatRate());
    line.put("glAccount", glAccountId);
    line.put("description", l.description());
    return line;
  }
}
