package org.sqexact.order;

import java.math.BigDecimal;
import java.util.List;
import org.sqexact.squarespace.SquarespaceOrder.FormField;

/** A line of the Squarespace order before it is resolved and priced. */
public record LineSource(
    DocumentLine.Kind kind,
    String sku,
    String productName,
    List<FormField> variantOptions,
    List<FormField> customizations,
    BigDecimal quantity,
    BigDecimal unitPricePaid,
    String description) {}
