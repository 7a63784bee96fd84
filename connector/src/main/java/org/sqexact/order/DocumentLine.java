package org.sqexact.order;

import java.math.BigDecimal;
import java.util.List;
import org.sqexact.squarespace.SquarespaceOrder.FormField;

/**
 * One priced line of the Exact document. For sales orders and invoices {@code unitPrice} is the
 * gross unit price (with VAT) and {@code vatCode} an inclusive code of the rate Squarespace
 * charged, so that Exact's total equals the order's {@code grandTotal}; for sales entries {@code
 * amountExcl} and the VAT ({@code amountIncl - amountExcl}) are Squarespace's own figures.
 */
public record DocumentLine(
    Kind kind,
    String sku,
    String itemId,
    String itemCode,
    String productName,
    List<FormField> variantOptions,
    List<FormField> customizations,
    BigDecimal quantity,
    BigDecimal unitPrice,
    BigDecimal unitPriceExcl,
    BigDecimal unitPriceIncl,
    BigDecimal amountExcl,
    BigDecimal amountIncl,
    String vatCode,
    BigDecimal vatRate,
    String glAccount,
    String description) {

  /** Where a line comes from. */
  public enum Kind {
    PRODUCT,
    NOSKU,
    SHIPPING,
    DISCOUNT,
    /** A gift card sold (Squarespace line type {@code GIFT_CARD}): a voucher, not revenue yet. */
    GIFT_CARD
  }
}
