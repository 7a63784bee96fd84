package org.sqexact.order;

import java.math.BigDecimal;
import java.util.List;
import org.sqexact.squarespace.SquarespaceOrder.FormField;

/**
 * One priced line of the Exact document. {@code unitPrice} is sent as Squarespace charged it, with
 * a VAT code of the same kind (inclusive or exclusive), so Exact's total equals the order's.
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
    DISCOUNT
  }
}
