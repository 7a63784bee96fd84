package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.store.OrderLedger;

/**
 * What the order flow knows about the one order it books, in one exchange property ({@link
 * #PROPERTY}) instead of many string-keyed ones: the order as read, then the customer, the items,
 * the priced lines and the document as the steps resolve them. {@link OrderTracker#identify}
 * creates it; the beans take it with {@code @ExchangeProperty(OrderContext.PROPERTY)}; the routes
 * read it as {@code ${exchangeProperty.orderContext.customerKind}}.
 *
 * <p>The order's id and number stay plain properties too ({@link OrderKeys#ORDER_ID}, {@link
 * OrderKeys#ORDER_NUMBER}): the idempotent consumer, the claim and the dead-letter channel need
 * them also for an order that could not be read, which has no context.
 */
public final class OrderContext {

  /** The exchange property holding the context. */
  public static final String PROPERTY = "orderContext";

  private final JsonNode json;
  private final SquarespaceOrder order;
  private final String yourRef;
  private final boolean dryRun;

  private OrderLedger.Entry previous;
  private ExistenceCheck.Found existing;
  private CustomerResolver.Kind customerKind;
  private String company;
  private String vatNumber;
  private String accountId;
  private String contactId;
  private String deliveryAddressId;
  private JsonNode transactions;
  private Map<String, JsonNode> items;
  private BigDecimal goodsRate;
  private List<DocumentLine> lines;
  private ObjectNode document;
  private final List<Map<String, Object>> dryRunWrites = new ArrayList<>();

  /**
   * @param json the order as received, for the datamapper
   * @param order the order, parsed
   * @param yourRef the reference the order carries in Exact
   * @param dryRun nothing is written to Exact (what would be is noted in {@link #dryRunWrites()})
   */
  public OrderContext(JsonNode json, SquarespaceOrder order, String yourRef, boolean dryRun) {
    this.json = json;
    this.order = order;
    this.yourRef = yourRef;
    this.dryRun = dryRun;
  }

  /**
   * The same order with nothing resolved yet: each refund of an order resolves its own customer and
   * lines, as the split would not otherwise keep them apart.
   */
  public OrderContext fresh() {
    return new OrderContext(json, order, yourRef, dryRun);
  }

  public JsonNode getJson() {
    return json;
  }

  public SquarespaceOrder getOrder() {
    return order;
  }

  public String getOrderId() {
    return order.id();
  }

  public String getNumber() {
    return order.orderNumber();
  }

  public String getYourRef() {
    return yourRef;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  /** The ledger entry before this attempt, or null. */
  public OrderLedger.Entry getPrevious() {
    return previous;
  }

  public void setPrevious(OrderLedger.Entry previous) {
    this.previous = previous;
  }

  /** An Exact document found by YourRef, or null. */
  public ExistenceCheck.Found getExisting() {
    return existing;
  }

  public void setExisting(ExistenceCheck.Found existing) {
    this.existing = existing;
  }

  /** The branch of the customer choice, or null before it is made. */
  public CustomerResolver.Kind getCustomerKind() {
    return customerKind;
  }

  public void setCustomerKind(CustomerResolver.Kind customerKind) {
    this.customerKind = customerKind;
  }

  /** The company name from the checkout form, or null. */
  public String getCompany() {
    return company;
  }

  public void setCompany(String company) {
    this.company = company;
  }

  /** The VAT number from the checkout form (no spaces or dots, upper case), or null. */
  public String getVatNumber() {
    return vatNumber;
  }

  public void setVatNumber(String vatNumber) {
    this.vatNumber = vatNumber;
  }

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  public String getContactId() {
    return contactId;
  }

  public void setContactId(String contactId) {
    this.contactId = contactId;
  }

  public String getDeliveryAddressId() {
    return deliveryAddressId;
  }

  public void setDeliveryAddressId(String deliveryAddressId) {
    this.deliveryAddressId = deliveryAddressId;
  }

  /** The order's Transactions API document, a missing node when it has none, null before read. */
  public JsonNode getTransactions() {
    return transactions;
  }

  public void setTransactions(JsonNode transactions) {
    this.transactions = transactions;
  }

  /** The Exact items found for the order's codes. */
  public Map<String, JsonNode> getItems() {
    return items;
  }

  /** The highest VAT rate among the goods (the rate of shipping). */
  public BigDecimal getGoodsRate() {
    return goodsRate;
  }

  public void setItems(Map<String, JsonNode> items, BigDecimal goodsRate) {
    this.items = items;
    this.goodsRate = goodsRate;
  }

  /** The priced document lines, checked against the order's total. */
  public List<DocumentLine> getLines() {
    return lines;
  }

  public void setLines(List<DocumentLine> lines) {
    this.lines = lines;
  }

  /** The document as it is (or would be) posted. */
  public ObjectNode getDocument() {
    return document;
  }

  public void setDocument(ObjectNode document) {
    this.document = document;
  }

  /** On a dry run: what would be written to Exact, in order. */
  public List<Map<String, Object>> dryRunWrites() {
    return dryRunWrites;
  }

  /** On a dry run, notes what would be written instead of writing it. */
  void wouldWrite(String action, String endpoint, ObjectNode body) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("action", action);
    w.put("endpoint", endpoint);
    w.put("payload", body);
    dryRunWrites.add(w);
  }
}
