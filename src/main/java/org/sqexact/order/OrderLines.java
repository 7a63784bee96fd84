package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.sqexact.config.OrderSettings;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.order.VatCodes.VatCode;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.squarespace.SquarespaceOrder.LineItem;

/**
 * The lines of the Exact document, for the split/aggregate in the {@code order-lines} route: the
 * order's lines, a shipping line and a (negative) discount line; their items resolved together;
 * each priced with the VAT code that matches Squarespace's {@code priceTaxInterpretation}; and the
 * total checked against {@code grandTotal} to the cent.
 */
public final class OrderLines {

  /** Exchange property with the items found for the order's codes. */
  public static final String ITEMS = "resolvedItems";

  private static final BigDecimal ONE = BigDecimal.ONE;

  /** Exchange property with the highest VAT rate among the goods (for shipping and discount). */
  public static final String GOODS_RATE = "goodsVatRate";

  private final OrderSettings settings;
  private final ItemCatalog catalog;
  private final VatCodes vatCodes;
  private final VatPolicy vat;
  private final boolean amountsExclusive;

  /**
   * @param amountsExclusive the document carries amounts without VAT (sales entries): every line
   *     gets the exclusive VAT code of its rate, whatever Squarespace's prices are
   */
  public OrderLines(
      OrderSettings settings,
      ItemCatalog catalog,
      VatCodes vatCodes,
      VatPolicy vat,
      boolean amountsExclusive) {
    this.settings = settings;
    this.catalog = catalog;
    this.vatCodes = vatCodes;
    this.vat = vat;
    this.amountsExclusive = amountsExclusive;
  }

  /** The lines to book: products, shipping, discount. */
  public List<LineSource> sources(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    List<LineSource> out = new ArrayList<>();
    for (LineItem li : order.lineItems()) {
      boolean hasSku = li.sku() != null && !li.sku().isBlank();
      BigDecimal quantity = li.quantity() == null ? ONE : li.quantity();
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
              hasSku ? Kind.PRODUCT : Kind.NOSKU,
              hasSku ? li.sku().trim() : null,
              li.productName(),
              li.variantOptions(),
              li.customizations(),
              quantity,
              li.unitPricePaid().value(),
              null));
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
              null));
    }
    BigDecimal discount = amount(order.discountTotal());
    if (discount.signum() != 0) {
      String names =
          order.discountLines().stream()
              .map(
                  d -> d.promoCode() != null && !d.promoCode().isBlank() ? d.promoCode() : d.name())
              .filter(n -> n != null && !n.isBlank())
              .collect(Collectors.joining(", "));
      out.add(
          new LineSource(
              Kind.DISCOUNT,
              null,
              names.isEmpty() ? null : names,
              List.of(),
              List.of(),
              ONE,
              discount.negate(),
              null));
    }
    if (out.isEmpty()) {
      throw new OrderRejectedException("Order #" + order.orderNumber() + " has no lines to book");
    }
    return out;
  }

  /**
   * Resolves the items of all lines in one go. Unknown SKUs park the order, naming them, unless a
   * fallback item is set.
   */
  public void resolveItems(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    List<LineSource> lines = exchange.getMessage().getBody(List.class);
    Set<String> codes = new LinkedHashSet<>();
    for (LineSource l : lines) {
      codes.add(itemCode(l));
    }
    if (settings.unknownSkuItem() != null) {
      codes.add(settings.unknownSkuItem());
    }
    Map<String, JsonNode> found = catalog.resolve(codes);
    List<String> missingSkus = new ArrayList<>();
    List<String> missingSpecial = new ArrayList<>();
    for (LineSource l : lines) {
      String code = itemCode(l);
      if (!found.containsKey(code)) {
        if (l.kind() == Kind.PRODUCT) {
          if (settings.unknownSkuItem() == null || !found.containsKey(settings.unknownSkuItem())) {
            missingSkus.add(code);
          }
        } else {
          missingSpecial.add("'" + code + "' (" + settingFor(l.kind()) + ")");
        }
      }
    }
    if (!missingSkus.isEmpty()) {
      String list =
          missingSkus.stream().distinct().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": SKU "
              + list
              + (missingSkus.size() == 1 ? " does" : " do")
              + " not exist as an item in Exact Online. Create the item with that code (or set"
              + " ORDERS_ITEMS_UNKNOWN_SKU to a fallback item), then retry the order.");
    }
    if (!missingSpecial.isEmpty()) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": the item "
              + String.join(", ", missingSpecial)
              + " does not exist in Exact Online. Create it or change the setting, then retry the"
              + " order.");
    }
    BigDecimal goodsRate = null;
    for (LineSource l : lines) {
      if (l.kind() == Kind.PRODUCT || l.kind() == Kind.NOSKU) {
        JsonNode item = found.getOrDefault(itemCode(l), found.get(settings.unknownSkuItem()));
        BigDecimal rate = vat.rateOf(item);
        goodsRate = goodsRate == null || rate.compareTo(goodsRate) > 0 ? rate : goodsRate;
      }
    }
    exchange.setProperty(ITEMS, found);
    exchange.setProperty(GOODS_RATE, goodsRate == null ? vat.standardRate() : goodsRate);
  }

  /** Prices one line (a split step): item, VAT code, unit price, amounts, description. */
  public DocumentLine price(Exchange exchange) {
    LineSource l = exchange.getMessage().getBody(LineSource.class);
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    Map<String, JsonNode> items = exchange.getProperty(ITEMS, Map.class);
    JsonNode item = items.get(itemCode(l));
    if (item == null) {
      item = items.get(settings.unknownSkuItem());
    }
    boolean inclusive = !"EXCLUSIVE".equalsIgnoreCase(order.priceTaxInterpretation());
    BigDecimal ratePercent =
        l.kind() == Kind.SHIPPING || l.kind() == Kind.DISCOUNT
            ? exchange.getProperty(GOODS_RATE, BigDecimal.class)
            : vat.rateOf(item);
    String country = destination(order);
    String code = vat.code(ratePercent, country, inclusive && !amountsExclusive);
    if (code == null) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": no VAT code is set for "
              + ratePercent.toPlainString()
              + "% "
              + (inclusive && !amountsExclusive ? "inclusive" : "exclusive")
              + (country == null ? "" : " (country " + country + ")")
              + " in mappings/settings.yaml (vat.rules), for line '"
              + (l.productName() != null ? l.productName() : l.description())
              + "'");
    }
    VatCode vatCode = vatCodes.get(code);
    if (vatCode == null) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": VAT code '"
              + code
              + "' (mappings/settings.yaml, vat.rules) does not exist in Exact Online");
    }
    BigDecimal rate = vatCode.percentage();
    BigDecimal factor = ONE.add(rate);
    BigDecimal unit = l.unitPricePaid();
    BigDecimal amount = money(l.quantity().multiply(unit));
    BigDecimal amountExcl;
    BigDecimal amountIncl;
    BigDecimal unitExcl;
    BigDecimal unitIncl;
    if (inclusive) {
      amountIncl = amount;
      amountExcl = money(amount.divide(factor, 10, RoundingMode.HALF_UP));
      unitIncl = unit;
      unitExcl = unit.divide(factor, 4, RoundingMode.HALF_UP);
    } else {
      amountExcl = amount;
      amountIncl = amount.add(money(amount.multiply(rate)));
      unitExcl = unit;
      unitIncl = unit.multiply(factor).setScale(4, RoundingMode.HALF_UP);
    }
    return new DocumentLine(
        l.kind(),
        l.sku(),
        item.path("ID").asText(),
        item.path("Code").asText(itemCode(l)).trim(),
        l.productName(),
        l.variantOptions(),
        l.customizations(),
        l.quantity(),
        unit,
        unitExcl,
        unitIncl,
        amountExcl,
        amountIncl,
        vatCode.code(),
        rate,
        null,
        l.description());
  }

  /**
   * The document's total (as Exact computes it) must equal Squarespace's {@code grandTotal} to the
   * cent; otherwise the order is parked with both amounts named.
   */
  public void checkTotal(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    List<DocumentLine> lines = exchange.getMessage().getBody(List.class);
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
    exchange.setProperty(OrderKeys.LINES, lines);
  }

  /** The destination country: the shipping address's, else the billing address's. */
  static String destination(SquarespaceOrder order) {
    if (order.shippingAddress() != null && order.shippingAddress().countryCode() != null) {
      return order.shippingAddress().countryCode();
    }
    return order.billingAddress() == null ? null : order.billingAddress().countryCode();
  }

  private String itemCode(LineSource l) {
    return switch (l.kind()) {
      case PRODUCT -> l.sku();
      case NOSKU -> settings.noSkuItem();
      case SHIPPING -> settings.shippingItem();
      case DISCOUNT -> settings.discountItem();
    };
  }

  private static String settingFor(Kind kind) {
    return switch (kind) {
      case NOSKU -> "ORDERS_ITEMS_NO_SKU, for lines without a SKU";
      case SHIPPING -> "ORDERS_ITEMS_SHIPPING, for shipping";
      case DISCOUNT -> "ORDERS_ITEMS_DISCOUNT, for discounts";
      case PRODUCT -> "SKU";
    };
  }

  private static BigDecimal amount(SquarespaceOrder.Money m) {
    return m == null || m.value() == null ? BigDecimal.ZERO : m.value();
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_UP);
  }
}
