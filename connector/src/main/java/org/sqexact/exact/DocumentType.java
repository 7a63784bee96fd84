package org.sqexact.exact;

import java.util.Locale;

/** How an order lands in Exact Online, and where such documents live. */
public enum DocumentType {
  SALES_ORDER(
      "sales-order",
      "salesorder/SalesOrders",
      "OrderID",
      "OrderNumber",
      "sales order",
      "salesOrder",
      0,
      0),
  SALES_INVOICE(
      "sales-invoice",
      "salesinvoice/SalesInvoices",
      "InvoiceID",
      "InvoiceNumber",
      "sales invoice",
      "salesInvoice",
      8020,
      8021),
  DIRECT_SALES_INVOICE(
      "direct-sales-invoice",
      "salesinvoice/SalesInvoices",
      "InvoiceID",
      "InvoiceNumber",
      "direct sales invoice",
      "salesInvoice",
      8023,
      8024),
  SALES_ENTRY(
      "sales-entry",
      "salesentry/SalesEntries",
      "EntryID",
      "EntryNumber",
      "sales entry",
      "salesEntry",
      20,
      21);

  private final String setting;
  private final String path;
  private final String idField;
  private final String numberField;
  private final String label;
  private final String target;
  private final int typeCode;
  private final int creditTypeCode;

  DocumentType(
      String setting,
      String path,
      String idField,
      String numberField,
      String label,
      String target,
      int typeCode,
      int creditTypeCode) {
    this.setting = setting;
    this.path = path;
    this.idField = idField;
    this.numberField = numberField;
    this.label = label;
    this.target = target;
    this.typeCode = typeCode;
    this.creditTypeCode = creditTypeCode;
  }

  /** The datamapper target that builds this document. */
  public String target() {
    return target;
  }

  /** Exact's Type of the document (8020, 8023, 20), or 0 for sales orders. */
  public int typeCode() {
    return typeCode;
  }

  /** Exact's Type of the matching credit document (8021, 8024, 21), or 0 for sales orders. */
  public int creditTypeCode() {
    return creditTypeCode;
  }

  /** From the setting: {@code sales-order}, {@code sales-invoice}, … */
  public static DocumentType fromSetting(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (DocumentType t : values()) {
      if (t.setting.equals(v)) {
        return t;
      }
    }
    throw new IllegalArgumentException(value);
  }

  public String setting() {
    return setting;
  }

  /** The entity set, e.g. {@code salesorder/SalesOrders}. */
  public String path() {
    return path;
  }

  public String idField() {
    return idField;
  }

  public String numberField() {
    return numberField;
  }

  /** For people: "sales order". */
  public String label() {
    return label;
  }
}
