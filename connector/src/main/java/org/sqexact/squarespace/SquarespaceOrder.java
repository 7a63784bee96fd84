package org.sqexact.squarespace;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Squarespace order (Orders API 1.0), with the fields the connector uses. Unknown fields are
 * ignored; {@code null} and {@code []} read alike as an empty list.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SquarespaceOrder(
    String id,
    String orderNumber,
    Instant createdOn,
    Instant modifiedOn,
    String channel,
    boolean testmode,
    String customerEmail,
    String customerId,
    Address billingAddress,
    Address shippingAddress,
    String fulfillmentStatus,
    String paymentState,
    List<LineItem> lineItems,
    List<ShippingLine> shippingLines,
    List<DiscountLine> discountLines,
    List<FormField> formSubmission,
    Money subtotal,
    Money shippingTotal,
    Money discountTotal,
    Money taxTotal,
    Money refundedTotal,
    Money grandTotal,
    String priceTaxInterpretation,
    String channelName,
    String externalOrderReference) {

  public SquarespaceOrder {
    lineItems = lineItems == null ? List.of() : List.copyOf(lineItems);
    shippingLines = shippingLines == null ? List.of() : List.copyOf(shippingLines);
    discountLines = discountLines == null ? List.of() : List.copyOf(discountLines);
    formSubmission = formSubmission == null ? List.of() : List.copyOf(formSubmission);
  }

  /** An amount of money: the value is exact ({@link BigDecimal}) whether sent as text or number. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Money(BigDecimal value, String currency) {
    public BigDecimal amount() {
      return value == null ? BigDecimal.ZERO : value;
    }
  }

  /** A billing or shipping address. Squarespace has no company or VAT field. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Address(
      String firstName,
      String lastName,
      String address1,
      String address2,
      String city,
      String state,
      String countryCode,
      String postalCode,
      String phone) {}

  /** One order line. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LineItem(
      String id,
      String variantId,
      String sku,
      String productId,
      String productName,
      BigDecimal quantity,
      Money unitPricePaid,
      List<FormField> variantOptions,
      List<FormField> customizations,
      String lineItemType) {
    public LineItem {
      variantOptions = variantOptions == null ? List.of() : List.copyOf(variantOptions);
      customizations = customizations == null ? List.of() : List.copyOf(customizations);
    }
  }

  /** A shipping line. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ShippingLine(String method, Money amount) {}

  /** A discount line. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DiscountLine(String name, String description, String promoCode, Money amount) {}

  /**
   * A label and a value: checkout form answers, product customisations, and variant options (whose
   * label Squarespace calls {@code optionName}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FormField(String label, String optionName, String value) {
    public String name() {
      return label != null ? label : optionName;
    }
  }

  /**
   * The first checkout-form answer whose label matches one of {@code labels} (case-insensitive).
   */
  public Optional<String> formAnswer(List<String> labels) {
    for (FormField f : formSubmission) {
      if (f.name() == null || f.value() == null || f.value().isBlank()) {
        continue;
      }
      String name = f.name().trim();
      for (String label : labels) {
        if (name.equalsIgnoreCase(label.trim())) {
          return Optional.of(f.value().trim());
        }
      }
    }
    return Optional.empty();
  }
}
