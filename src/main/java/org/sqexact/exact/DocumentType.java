package org.sqexact.exact;

import java.util.Locale;

/** How an order lands in Exact Online, and where such documents live. */
public enum DocumentType {
  SALES_ORDER("sales-order", "salesorder/SalesOrders", "OrderID", "OrderNumber", "sales order"),
  SALES_INVOICE(
      "sales-invoice", "salesinvoice/SalesInvoices", "InvoiceID", "InvoiceNumber", "sales invoice"),
  DIRECT_SALES_INVOICE(
      "direct-sales-invoice",
      "salesinvoice/SalesInvoices",
      "InvoiceID",
      "InvoiceNumber",
      "direct sales invoice"),
  SALES_ENTRY("sales-entry", "salesentry/SalesEntries", "EntryID", "EntryNumber", "sales entry");

  private final String setting;
  private final String path;
  private final String idField;
  private final String numberField;
  private final String label;

  DocumentType(String setting, String path, String idField, String numberField, String label) {
    this.setting = setting;
    this.path = path;
    this.idField = idField;
    this.numberField = numberField;
    this.label = label;
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
