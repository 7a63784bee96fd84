package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.sqexact.config.OrderSettings;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.squarespace.SquarespaceOrder;

/**
 * The Exact items of an order's lines: which item each line is booked on (its SKU, or the item a
 * setting names for lines without SKU, gift cards, shipping and discounts), all resolved in one go
 * and checked to be items Exact will sell.
 */
final class LineItemResolver {

  /**
   * The items found, by code, and the highest VAT rate (percent) among the goods: the rate of
   * shipping when Squarespace charged none.
   */
  record Resolved(Map<String, JsonNode> items, BigDecimal goodsRate) {}

  private final OrderSettings settings;
  private final ItemCatalog catalog;
  private final VatPolicy vat;
  private final Clock clock;
  private final OrderLines.Options options;

  LineItemResolver(
      OrderSettings settings,
      ItemCatalog catalog,
      VatPolicy vat,
      Clock clock,
      OrderLines.Options options) {
    this.settings = settings;
    this.catalog = catalog;
    this.vat = vat;
    this.clock = clock;
    this.options = options;
  }

  /**
   * Resolves the items of all lines in one go and checks that Exact will sell them. Unknown SKUs
   * park the order, naming them, unless a fallback item is set; so does an item that is not a sales
   * item or whose end date has passed, before anything is written to Exact.
   */
  Resolved resolve(SquarespaceOrder order, List<LineSource> lines) {
    Set<String> codes = new LinkedHashSet<>();
    for (LineSource l : lines) {
      codes.add(itemCode(l.kind(), l.sku()));
    }
    boolean discounted = amount(order.discountTotal()).signum() != 0;
    if (discounted) {
      codes.add(settings.discountItem());
    }
    if (settings.unknownSkuItem() != null) {
      codes.add(settings.unknownSkuItem());
    }
    Map<String, JsonNode> found = catalog.resolve(codes);
    List<String> missingSkus = new ArrayList<>();
    List<String> missingSpecial = new ArrayList<>();
    List<LineSource> withDiscount = new ArrayList<>(lines);
    if (discounted) {
      withDiscount.add(
          new LineSource(
              Kind.DISCOUNT, null, null, List.of(), List.of(), BigDecimal.ONE, null, null, null));
    }
    for (LineSource l : withDiscount) {
      String code = itemCode(l.kind(), l.sku());
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
              + missingSpecial.stream().distinct().collect(Collectors.joining(", "))
              + " does not exist in Exact Online. Create it or change the setting, then retry the"
              + " order.");
    }
    List<String> notForSale = new ArrayList<>();
    for (LineSource l : withDiscount) {
      JsonNode item = itemFor(found, l.kind(), l.sku());
      String why = notForSale(item, LocalDate.ofInstant(clock.instant(), ZoneId.of("UTC")));
      if (why != null) {
        String label = l.kind() == Kind.PRODUCT ? "SKU '" + l.sku() + "'" : "item";
        notForSale.add(label + " (Exact item '" + item.path("Code").asText().trim() + "') " + why);
      }
    }
    if (!notForSale.isEmpty()) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": Exact Online will not sell "
              + notForSale.stream().distinct().collect(Collectors.joining("; "))
              + ". Make the item a sales item or extend its end date in Exact (or change the"
              + " product in Squarespace), then retry the order.");
    }
    BigDecimal goodsRate = null;
    for (LineSource l : lines) {
      if (l.kind() == Kind.PRODUCT || l.kind() == Kind.NOSKU) {
        BigDecimal rate = vat.rateOf(itemFor(found, l.kind(), l.sku()));
        goodsRate = goodsRate == null || rate.compareTo(goodsRate) > 0 ? rate : goodsRate;
      }
    }
    return new Resolved(found, goodsRate == null ? vat.standardRate() : goodsRate);
  }

  /**
   * Why Exact will not sell the item, or null when it will. Exact's Item (EDMX {@code
   * logistics.xml}, picqer {@code Item.php}): {@code IsSalesItem}, and {@code StartDate}/{@code
   * EndDate}, the window in which the item is active. Exact's Item has no blocked flag; an item out
   * of its window is what Exact refuses as "no longer active".
   */
  static String notForSale(JsonNode item, LocalDate today) {
    if (item == null) {
      return null;
    }
    if (item.has("IsSalesItem") && !item.path("IsSalesItem").asBoolean(true)) {
      return "because it is not a sales item";
    }
    LocalDate end = date(item.path("EndDate"));
    if (end != null && end.isBefore(today)) {
      return "because its end date " + end + " has passed (the item is no longer active)";
    }
    LocalDate start = date(item.path("StartDate"));
    if (start != null && start.isAfter(today)) {
      return "because it is not active before its start date " + start;
    }
    return null;
  }

  /** The item a line is booked on; the unknown-SKU item when its own is missing and one is set. */
  JsonNode itemFor(Map<String, JsonNode> items, Kind kind, String sku) {
    JsonNode item = items.get(itemCode(kind, sku));
    return item != null || settings.unknownSkuItem() == null
        ? item
        : items.get(settings.unknownSkuItem());
  }

  /** The item code of a line: its SKU, or the item a setting names for its kind. */
  String itemCode(Kind kind, String sku) {
    return switch (kind) {
      case PRODUCT -> sku;
      case NOSKU -> settings.noSkuItem();
      case GIFT_CARD ->
          options.giftCardItem() != null
              ? options.giftCardItem()
              : sku != null ? sku : settings.noSkuItem();
      case SHIPPING -> settings.shippingItem();
      case DISCOUNT -> settings.discountItem();
    };
  }

  private String settingFor(Kind kind) {
    return switch (kind) {
      case NOSKU -> "ORDERS_ITEMS_NO_SKU, for lines without a SKU";
      case GIFT_CARD ->
          options.giftCardItem() != null
              ? "items.gift-card in mappings/settings.yaml, for gift cards"
              : "ORDERS_ITEMS_NO_SKU, for gift cards";
      case SHIPPING -> "ORDERS_ITEMS_SHIPPING, for shipping";
      case DISCOUNT -> "ORDERS_ITEMS_DISCOUNT, for discounts";
      case PRODUCT -> "SKU";
    };
  }

  /** An Exact date: {@code /Date(1641034800000)/} as the API sends it, or ISO text. */
  static LocalDate date(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    String s = value.asText("").trim();
    if (s.isEmpty()) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Date\\((-?\\d+)").matcher(s);
    if (m.find()) {
      return LocalDate.ofInstant(
          Instant.ofEpochMilli(Long.parseLong(m.group(1))), ZoneId.of("UTC"));
    }
    try {
      return LocalDate.parse(s.length() >= 10 ? s.substring(0, 10) : s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static BigDecimal amount(SquarespaceOrder.Money m) {
    return m == null || m.value() == null ? BigDecimal.ZERO : m.value();
  }
}
