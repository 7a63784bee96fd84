package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.order.VatCodes.VatCode;
import org.sqexact.squarespace.SquarespaceOrder;

/**
 * Prices a charged line: the VAT code of its rate and destination (from the VAT rules of {@code
 * mappings/settings.yaml}), and the unit price and amounts the Exact document carries.
 */
final class LinePricer {

  private static final BigDecimal HUNDRED = new BigDecimal("100");

  private final VatCodes vatCodes;
  private final VatPolicy vat;
  private final boolean amountsExclusive;
  private final OrderLines.Options options;

  LinePricer(
      VatCodes vatCodes, VatPolicy vat, boolean amountsExclusive, OrderLines.Options options) {
    this.vatCodes = vatCodes;
    this.vat = vat;
    this.amountsExclusive = amountsExclusive;
    this.options = options;
  }

  /**
   * The document line of one charged line.
   *
   * @param item the Exact item the line is booked on
   * @param itemCode the code it was resolved by (used when the item has no code)
   */
  DocumentLine price(SquarespaceOrder order, LineSource l, JsonNode item, String itemCode) {
    String country = OrderLines.destination(order);
    // sales orders and invoices: gross amounts with the inclusive code (Exact computes the VAT);
    // sales entries: amounts without VAT, the exclusive code and Squarespace's VAT
    boolean inclusiveCode = !amountsExclusive;
    String code;
    if (l.kind() == Kind.GIFT_CARD && options.voucherVatCode() != null) {
      code = options.voucherVatCode();
    } else {
      code = vat.code(l.ratePercent(), country, inclusiveCode);
    }
    if (code == null) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": '"
              + LineCharges.name(l)
              + "' is taxed at "
              + OrderTaxes.norm(l.ratePercent()).toPlainString()
              + "%"
              + (country == null ? "" : " (shipped to " + country + ")")
              + ", but no rule in mappings/settings.yaml (vat.rules) gives a VAT code for "
              + OrderTaxes.norm(l.ratePercent()).toPlainString()
              + "%"
              + (country == null ? "" : " to " + country)
              + ". Add a rule with that rate"
              + (country == null ? "" : " (and country: " + country + ")")
              + ", then retry the order.");
    }
    VatCode vatCode = vatCodes.get(code);
    if (vatCode == null) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": VAT code '"
              + code
              + "' (mappings/settings.yaml, vat) does not exist in Exact Online");
    }
    return documentLine(
        l,
        item.path("ID").asText(),
        item.path("Code").asText(itemCode).trim(),
        vatCode.code(),
        vatCode.percentage(),
        amountsExclusive,
        options.priceDecimals());
  }

  /**
   * The document line of a charged line (pure). With {@code amountsExclusive} (sales entries) the
   * amounts are Squarespace's: without VAT, and the VAT charged. Otherwise the gross amount is sent
   * as quantity × gross unit price with an inclusive code, and the VAT shown is what Exact computes
   * from it.
   *
   * @param rate the VAT code's percentage as Exact keeps it (0.21)
   */
  static DocumentLine documentLine(
      LineSource l,
      String itemId,
      String itemCode,
      String vatCode,
      BigDecimal rate,
      boolean amountsExclusive,
      int priceDecimals) {
    BigDecimal q = l.quantity();
    BigDecimal gross = l.gross();
    BigDecimal vatAmount =
        amountsExclusive ? l.vat() : OrderTaxes.exactVatOfGross(gross, rate.multiply(HUNDRED));
    BigDecimal net = gross.subtract(vatAmount);
    BigDecimal unitGross = OrderTaxes.unitPrice(gross, q, priceDecimals);
    if (unitGross == null) {
      unitGross = gross.divide(q, priceDecimals, RoundingMode.HALF_UP);
    }
    BigDecimal unitNet = net.divide(q, priceDecimals, RoundingMode.HALF_UP);
    return new DocumentLine(
        l.kind(),
        l.sku(),
        itemId,
        itemCode,
        l.productName(),
        l.variantOptions(),
        l.customizations(),
        q,
        amountsExclusive ? unitNet : unitGross,
        unitNet,
        unitGross,
        net,
        gross,
        vatCode,
        rate,
        null,
        l.description());
  }
}
