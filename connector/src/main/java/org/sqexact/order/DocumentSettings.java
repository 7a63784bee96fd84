package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sqexact.config.MappingSettings.GlRule;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactReferenceData;

/**
 * The codes a document needs, resolved to what Exact wants: the journal, the warehouse id, the
 * shipping method id and, for sales entries, the revenue account id of each line.
 */
public final class DocumentSettings {

  private final DocumentType type;
  private final String journal;
  private final String warehouse;
  private final boolean finaliseInvoices;
  private final List<GlRule> glRules;
  private final String glDefault;
  private final Map<String, String> shippingMethods;
  private final ExactReferenceData reference;
  private final String giftCardAccount;

  public DocumentSettings(
      DocumentType type,
      String journal,
      String warehouse,
      boolean finaliseInvoices,
      List<GlRule> glRules,
      String glDefault,
      Map<String, String> shippingMethods,
      ExactReferenceData reference) {
    this(
        type,
        journal,
        warehouse,
        finaliseInvoices,
        glRules,
        glDefault,
        shippingMethods,
        reference,
        null);
  }

  /**
   * @param giftCardAccount the revenue (or voucher liability) account of gift cards sold in sales
   *     entries ({@code gl-accounts.gift-card}); null: the rules by VAT code
   */
  public DocumentSettings(
      DocumentType type,
      String journal,
      String warehouse,
      boolean finaliseInvoices,
      List<GlRule> glRules,
      String glDefault,
      Map<String, String> shippingMethods,
      ExactReferenceData reference,
      String giftCardAccount) {
    this.giftCardAccount = giftCardAccount;
    this.type = type;
    this.journal = journal;
    this.warehouse = warehouse;
    this.finaliseInvoices = finaliseInvoices;
    this.glRules = List.copyOf(glRules);
    this.glDefault = glDefault;
    this.shippingMethods = new java.util.LinkedHashMap<>();
    shippingMethods.forEach(
        (k, v) -> this.shippingMethods.put(k.trim().toLowerCase(Locale.ROOT), v));
    this.reference = reference;
  }

  public DocumentType type() {
    return type;
  }

  /** The journal code for invoices and entries; null for sales orders. */
  public String journal() {
    return type == DocumentType.SALES_ORDER ? null : journal;
  }

  /** The warehouse id for direct sales invoices (else null). */
  public String warehouseId(String orderNumber) {
    if (type != DocumentType.DIRECT_SALES_INVOICE) {
      return null;
    }
    JsonNode w = reference.warehouse(warehouse);
    if (w == null) {
      throw new OrderRejectedException(
          "Order #"
              + orderNumber
              + ": warehouse '"
              + warehouse
              + "' (mappings/settings.yaml, warehouse) does not exist in Exact Online; a direct"
              + " sales invoice needs one");
    }
    return w.path("ID").asText();
  }

  /** The Exact shipping method id for the Squarespace method name, or null when unmapped. */
  public String shippingMethodId(String squarespaceMethod, String orderNumber) {
    if (squarespaceMethod == null) {
      return null;
    }
    String code = shippingMethods.get(squarespaceMethod.trim().toLowerCase(Locale.ROOT));
    if (code == null || code.isBlank()) {
      return null;
    }
    JsonNode m = reference.shippingMethod(code);
    if (m == null) {
      throw new OrderRejectedException(
          "Order #"
              + orderNumber
              + ": shipping method '"
              + code
              + "' (mappings/settings.yaml,"
              + " shipping-methods, for '"
              + squarespaceMethod
              + "') does not exist in Exact Online");
    }
    return m.path("ID").asText();
  }

  /** The revenue account code for a line of a sales entry. */
  public String glAccountCode(String vatCode, String country) {
    String c = country == null ? null : country.toUpperCase(Locale.ROOT);
    String general = null;
    for (GlRule r : glRules) {
      if (!r.vatCode().equalsIgnoreCase(vatCode.trim())) {
        continue;
      }
      if (r.country() != null && r.country().equals(c)) {
        return r.account();
      }
      if (r.country() == null && general == null) {
        general = r.account();
      }
    }
    return general != null ? general : glDefault;
  }

  /** The account of gift cards sold in sales entries, or null when the VAT code rules decide. */
  public String giftCardAccount() {
    return giftCardAccount;
  }

  /** The revenue account id for a line of a sales entry (a gift card: its own account if set). */
  public String glAccountId(
      DocumentLine.Kind kind, String vatCode, String country, String orderNumber) {
    if (kind == DocumentLine.Kind.GIFT_CARD && giftCardAccount != null) {
      return accountId(giftCardAccount, orderNumber);
    }
    return glAccountId(vatCode, country, orderNumber);
  }

  /** The revenue account id for a line of a sales entry. */
  public String glAccountId(String vatCode, String country, String orderNumber) {
    String code = glAccountCode(vatCode, country);
    if (code == null) {
      throw new OrderRejectedException(
          "Order #"
              + orderNumber
              + ": no revenue account is set for VAT code '"
              + vatCode
              + "' in mappings/settings.yaml (gl-accounts)");
    }
    return accountId(code, orderNumber);
  }

  private String accountId(String code, String orderNumber) {
    JsonNode gl = reference.glAccount(code);
    if (gl == null) {
      throw new OrderRejectedException(
          "Order #"
              + orderNumber
              + ": revenue account '"
              + code
              + "' (mappings/settings.yaml,"
              + " gl-accounts) does not exist in Exact Online");
    }
    return gl.path("ID").asText();
  }

  public boolean finaliseInvoices() {
    return finaliseInvoices
        && (type == DocumentType.SALES_INVOICE || type == DocumentType.DIRECT_SALES_INVOICE);
  }

  public String warehouseCode() {
    return warehouse;
  }

  public List<GlRule> glRules() {
    return glRules;
  }

  public String glDefault() {
    return glDefault;
  }

  public Map<String, String> shippingMethods() {
    return shippingMethods;
  }
}
