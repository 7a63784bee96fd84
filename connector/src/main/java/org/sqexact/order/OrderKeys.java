package org.sqexact.order;

/** Exchange properties that carry one order through the order-sync routes. */
public final class OrderKeys {
  /** The Squarespace order, parsed ({@link org.sqexact.squarespace.SquarespaceOrder}). */
  public static final String ORDER = "order";

  /** The Squarespace order as received (JSON), for the datamapper. */
  public static final String ORDER_JSON = "orderJson";

  public static final String ORDER_ID = "orderId";
  public static final String ORDER_NUMBER = "orderNumber";
  public static final String YOUR_REF = "yourRef";

  /** The ledger entry before this attempt, or null. */
  public static final String PREVIOUS = "ledgerBefore";

  /** An Exact document found by YourRef ({@link ExistenceCheck.Found}). */
  public static final String EXISTING = "existingDocument";

  /** DEFAULT, COMPANY or PERSON. */
  public static final String CUSTOMER_KIND = "customerKind";

  public static final String COMPANY = "companyName";
  public static final String VAT_NUMBER = "vatNumber";
  public static final String ACCOUNT_ID = "accountId";
  public static final String CONTACT_ID = "contactId";
  public static final String DELIVERY_ADDRESS_ID = "deliveryAddressId";

  /** The priced document lines ({@code List<DocumentLine>}). */
  public static final String LINES = "documentLines";

  /** The document about to be posted (JSON). */
  public static final String DOCUMENT = "document";

  /**
   * The order's Transactions API document ({@code JsonNode}, or a missing node when it has none).
   */
  public static final String TRANSACTIONS = "transactionDocument";

  private OrderKeys() {}
}
