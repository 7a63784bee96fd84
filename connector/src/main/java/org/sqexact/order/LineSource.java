package org.sqexact.order;

import java.math.BigDecimal;
import java.util.List;
import org.sqexact.squarespace.SquarespaceOrder.FormField;

/**
 * A line of the Squarespace order before it is resolved and priced; after the {@code charges} step
 * also what it is booked at: the gross amount (with VAT), the VAT in it and the rate (percent), as
 * Squarespace charged them.
 */
public record LineSource(
    DocumentLine.Kind kind,
    String sku,
    String productName,
    List<FormField> variantOptions,
    List<FormField> customizations,
    BigDecimal quantity,
    BigDecimal unitPricePaid,
    String description,
    String lineId,
    BigDecimal gross,
    BigDecimal vat,
    BigDecimal ratePercent) {

  /** A line as read from the order, not yet priced. */
  public LineSource(
      DocumentLine.Kind kind,
      String sku,
      String productName,
      List<FormField> variantOptions,
      List<FormField> customizations,
      BigDecimal quantity,
      BigDecimal unitPricePaid,
      String description,
      String lineId) {
    this(
        kind,
        sku,
        productName,
        variantOptions,
        customizations,
        quantity,
        unitPricePaid,
        description,
        lineId,
        null,
        null,
        null);
  }

  /** This line booked at these amounts. */
  public LineSource charged(
      BigDecimal quantity, BigDecimal gross, BigDecimal vat, BigDecimal ratePercent) {
    return new LineSource(
        kind,
        sku,
        productName,
        variantOptions,
        customizations,
        quantity,
        unitPricePaid,
        description,
        lineId,
        gross,
        vat,
        ratePercent);
  }
}
