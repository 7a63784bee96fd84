package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.sqexact.config.OrderSettings;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.order.VatCodes.VatCode;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.squarespace.SquarespaceOrder.LineItem;
import org.sqexact.store.ActivityLog;

/**
 * The lines of the Exact document, for the split/aggregate in the {@code order-lines} route: the
 * order's product and shipping lines; their items resolved together and checked to be for sale; the
 * money split as Squarespace charged it (taxes per line from the Transactions API, one discount
 * line per VAT rate, see {@link OrderTaxes}); each line priced with the VAT code of its rate; and
 * the total checked against {@code grandTotal} to the cent.
 */
public final class OrderLines {

  /** Squarespace's line type of a gift card sold (OpenAPI {@code LineItem.lineItemType}). */
  static final String GIFT_CARD_TYPE = "GIFT_CARD";

  private static final BigDecimal ONE = BigDecimal.ONE;

  /**
   * What the settings say beyond {@link OrderSettings}.
   *
   * @param giftCardItem the Exact item of gift cards sold; null: the item of the gift card's SKU,
   *     or the no-SKU item when it has none
   * @param voucherVatCode the VAT code of gift cards sold; null: the code of the 0 % rule
   * @param priceDecimals the most decimals a unit price is sent with
   */
  public record Options(String giftCardItem, String voucherVatCode, int priceDecimals) {
    public static Options defaults() {
      return new Options(null, null, 4);
    }

    /**
     * From {@code mappings/settings.yaml}: {@code items.gift-card}, {@code vat.vouchers} and {@code
     * price-decimals}.
     */
    public static Options from(org.sqexact.config.MappingSettings file) {
      String decimals = file.text("price-decimals");
      int d;
      try {
        d = decimals == null ? 4 : Integer.parseInt(decimals);
      } catch (NumberFormatException e) {
        throw file.problem("price-decimals", "must be a whole number, got '" + decimals + "'");
      }
      if (d < 2 || d > 6) {
        throw file.problem("price-decimals", "must be between 2 and 6, got " + d);
      }
      return new Options(file.text("items", "gift-card"), file.text("vat", "vouchers"), d);
    }
  }

  private final VatCodes vatCodes;
  private final VatPolicy vat;
  private final SquarespaceApi squarespace;
  private final ActivityLog activity;
  private final Options options;
  private final LineItemResolver itemResolver;
  private final LinePricer pricer;

  /**
   * @param amountsExclusive the document carries amounts without VAT and the VAT itself (sales
   *     entries): every line gets the exclusive VAT code of its rate and Squarespace's tax
   */
  public OrderLines(
      OrderSettings settings,
      ItemCatalog catalog,
      VatCodes vatCodes,
      VatPolicy vat,
      boolean amountsExclusive,
      SquarespaceApi squarespace,
      ActivityLog activity,
      Clock clock,
      Options options) {
    this.vatCodes = vatCodes;
    this.vat = vat;
    this.squarespace = squarespace;
    this.activity = activity;
    this.options = options;
    this.itemResolver = new LineItemResolver(settings, catalog, vat, clock, options);
    this.pricer = new LinePricer(vatCodes, vat, amountsExclusive, options);
  }

  /** The lines to book: products, gift cards, shipping (discount lines follow from the taxes). */
  public List<LineSource> sources(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    SquarespaceOrder order = context.getOrder();
    if (context.getTransactions() == null) {
      context.setTransactions(transactionDocument(order.id()));
    }
    return sources(order);
  }

  /** The lines of an order (products, gift cards, shipping), not yet priced. */
  static List<LineSource> sources(SquarespaceOrder order) {
    List<LineSource> out = new ArrayList<>();
    for (LineItem li : order.lineItems()) {
      boolean hasSku = li.sku() != null && !li.sku().isBlank();
      boolean giftCard = GIFT_CARD_TYPE.equalsIgnoreCase(String.valueOf(li.lineItemType()));
      BigDecimal quantity = li.quantity() == null ? ONE : li.quantity();
      if (quantity.signum() <= 0) {
        // a sale of nothing or less than nothing: returns come as refunds, not as negative lines
        throw new OrderRejectedException(
            "Order #"
                + order.orderNumber()
                + ": line '"
                + li.productName()
                + "' has quantity "
                + quantity.toPlainString()
                + " (lineItems[].quantity); only positive quantities can be booked in Exact"
                + " Online");
      }
      if (li.unitPricePaid() == null || li.unitPricePaid().value() == null) {
        throw new OrderRejectedException(
            "Order #"
                + order.orderNumber()
                + ": line '"
                + li.productName()
                + "' has no unitPricePaid, so it cannot be priced");
      }
      out.add(
          new LineSource(
              giftCard ? Kind.GIFT_CARD : hasSku ? Kind.PRODUCT : Kind.NOSKU,
              hasSku ? li.sku().trim() : null,
              li.productName(),
              li.variantOptions(),
              li.customizations(),
              quantity,
              li.unitPricePaid().value(),
              null,
              li.id()));
    }
    BigDecimal shipping = amount(order.shippingTotal());
    if (shipping.signum() != 0) {
      String method =
          order.shippingLines().isEmpty() ? null : order.shippingLines().get(0).method();
      out.add(
          new LineSource(
              Kind.SHIPPING,
              null,
              method == null ? "Shipping" : method,
              List.of(),
              List.of(),
              ONE,
              shipping,
              null,
              null));
    }
    if (out.isEmpty()) {
      throw new OrderRejectedException(
          "Order #" + order.orderNumber() + " has no lines to book (lineItems is empty)");
    }
    return out;
  }

  /**
   * Resolves the items of all lines in one go and checks that Exact will sell them. Unknown SKUs
   * park the order, naming them, unless a fallback item is set; so does an item that is not a sales
   * item or whose end date has passed, before anything is written to Exact.
   */
  public void resolveItems(
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext context, @Body List<LineSource> lines) {
    LineItemResolver.Resolved resolved = itemResolver.resolve(context.getOrder(), lines);
    context.setItems(resolved.items(), resolved.goodsRate());
  }

  /**
   * Splits the money as Squarespace charged it into the document's lines (body: the lines to book,
   * now with their gross amount, VAT and rate; discount lines added, one per rate).
   */
  public List<LineSource> charges(
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext context, @Body List<LineSource> lines) {
    SquarespaceOrder order = context.getOrder();
    Map<String, JsonNode> items = context.getItems();
    BigDecimal goodsRate = context.getGoodsRate();
    List<String> notes = new ArrayList<>();
    List<LineSource> out =
        LineCharges.charge(
            order,
            context.getTransactions(),
            lines,
            l ->
                switch (l.kind()) {
                  case SHIPPING -> goodsRate;
                  case GIFT_CARD -> voucherRate(order);
                  default -> vat.rateOf(itemResolver.itemFor(items, l.kind(), l.sku()));
                },
            options.priceDecimals(),
            notes);
    if (!context.isDryRun()) {
      for (String note : notes) {
        activity.record(
            order.id(), order.orderNumber(), "vat", "ok", "Order #" + order.orderNumber() + note);
      }
    }
    return out;
  }

  /** Prices one line (a split step): item, VAT code, unit price, amounts, description. */
  public DocumentLine price(
      @Body LineSource l, @ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    return pricer.price(
        context.getOrder(),
        l,
        itemResolver.itemFor(context.getItems(), l.kind(), l.sku()),
        itemResolver.itemCode(l.kind(), l.sku()));
  }

  /**
   * The document's total (as Exact computes it) must equal Squarespace's {@code grandTotal} to the
   * cent; otherwise the order is parked with both amounts named. With Squarespace's taxes per line
   * it always does for a consistent order: this is the safety net for inconsistent ones.
   */
  public void checkTotal(
      @ExchangeProperty(OrderContext.PROPERTY) OrderContext context,
      @Body List<DocumentLine> lines) {
    SquarespaceOrder order = context.getOrder();
    BigDecimal total = BigDecimal.ZERO;
    for (DocumentLine l : lines) {
      total = total.add(l.amountIncl());
    }
    BigDecimal grand = amount(order.grandTotal());
    String currency = order.grandTotal() == null ? "" : " " + order.grandTotal().currency();
    if (total.compareTo(grand) != 0) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": the Exact document would total "
              + total.setScale(2, RoundingMode.HALF_UP).toPlainString()
              + currency
              + " but Squarespace's grandTotal is "
              + grand.setScale(2, RoundingMode.HALF_UP).toPlainString()
              + currency
              + " (priceTaxInterpretation "
              + order.priceTaxInterpretation()
              + "). Check the VAT rules in mappings/settings.yaml and the items' VAT codes"
              + " against the order's taxes, then retry.");
    }
    context.setLines(lines);
  }

  /** The order's Transactions API document, or a missing node when Squarespace has none. */
  JsonNode transactionDocument(String orderId) {
    JsonNode docs = squarespace.get("/1.0/commerce/transactions", "orderId=" + orderId);
    JsonNode first = null;
    if (docs != null) {
      for (JsonNode d : docs.path("documents")) {
        if (orderId.equals(d.path("salesOrderId").asText(null))) {
          return d;
        }
        if (first == null) {
          first = d;
        }
      }
    }
    return first == null ? MissingNode.getInstance() : first;
  }

  /** The destination country: the shipping address's, else the billing address's. */
  static String destination(SquarespaceOrder order) {
    if (order.shippingAddress() != null && order.shippingAddress().countryCode() != null) {
      return order.shippingAddress().countryCode().toUpperCase(Locale.ROOT);
    }
    return order.billingAddress() == null || order.billingAddress().countryCode() == null
        ? null
        : order.billingAddress().countryCode().toUpperCase(Locale.ROOT);
  }

  private BigDecimal voucherRate(SquarespaceOrder order) {
    if (options.voucherVatCode() != null) {
      VatCode c = vatCodes.get(options.voucherVatCode());
      if (c != null) {
        return VatPolicy.percent(c.percentage());
      }
    }
    return BigDecimal.ZERO;
  }

  private static BigDecimal amount(SquarespaceOrder.Money m) {
    return m == null || m.value() == null ? BigDecimal.ZERO : m.value();
  }
}
