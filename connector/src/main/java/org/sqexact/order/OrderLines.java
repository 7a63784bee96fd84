package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.sqexact.config.OrderSettings;
import org.sqexact.order.DocumentLine.Kind;
import org.sqexact.order.OrderTaxes.Booked;
import org.sqexact.order.OrderTaxes.Charged;
import org.sqexact.order.VatCodes.VatCode;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceJson;
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

  /** Exchange property with the items found for the order's codes. */
  public static final String ITEMS = "resolvedItems";

  /** Exchange property with the highest VAT rate among the goods (fallback for shipping). */
  public static final String GOODS_RATE = "goodsVatRate";

  /** Squarespace's line type of a gift card sold (OpenAPI {@code LineItem.lineItemType}). */
  static final String GIFT_CARD_TYPE = "GIFT_CARD";

  private static final BigDecimal ONE = BigDecimal.ONE;
  private static final BigDecimal HUNDRED = new BigDecimal("100");

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

  private final OrderSettings settings;
  private final ItemCatalog catalog;
  private final VatCodes vatCodes;
  private final VatPolicy vat;
  private final boolean amountsExclusive;
  private final SquarespaceApi squarespace;
  private final ActivityLog activity;
  private final Clock clock;
  private final Options options;

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
    this.settings = settings;
    this.catalog = catalog;
    this.vatCodes = vatCodes;
    this.vat = vat;
    this.amountsExclusive = amountsExclusive;
    this.squarespace = squarespace;
    this.activity = activity;
    this.clock = clock;
    this.options = options;
  }

  /** The lines to book: products, gift cards, shipping (discount lines follow from the taxes). */
  public List<LineSource> sources(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    if (exchange.getProperty(OrderKeys.TRANSACTIONS) == null) {
      exchange.setProperty(OrderKeys.TRANSACTIONS, transactionDocument(order.id()));
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
  public void resolveItems(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    List<LineSource> lines = exchange.getMessage().getBody(List.class);
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
          new LineSource(Kind.DISCOUNT, null, null, List.of(), List.of(), ONE, null, null, null));
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
    exchange.setProperty(ITEMS, found);
    exchange.setProperty(GOODS_RATE, goodsRate == null ? vat.standardRate() : goodsRate);
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

  /**
   * Splits the money as Squarespace charged it into the document's lines (body: the lines to book,
   * now with their gross amount, VAT and rate; discount lines added, one per rate).
   */
  public List<LineSource> charges(Exchange exchange) {
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    List<LineSource> lines = exchange.getMessage().getBody(List.class);
    @SuppressWarnings("unchecked")
    Map<String, JsonNode> items = exchange.getProperty(ITEMS, Map.class);
    BigDecimal goodsRate = exchange.getProperty(GOODS_RATE, BigDecimal.class);
    JsonNode doc = exchange.getProperty(OrderKeys.TRANSACTIONS, JsonNode.class);
    List<String> notes = new ArrayList<>();
    List<LineSource> out =
        charge(
            order,
            doc,
            lines,
            l ->
                switch (l.kind()) {
                  case SHIPPING -> goodsRate;
                  case GIFT_CARD -> voucherRate(order);
                  default -> vat.rateOf(itemFor(items, l.kind(), l.sku()));
                },
            options.priceDecimals(),
            notes);
    if (!exchange.getProperty(CustomerResolver.DRY_RUN, false, Boolean.class)) {
      for (String note : notes) {
        activity.record(
            order.id(), order.orderNumber(), "vat", "ok", "Order #" + order.orderNumber() + note);
      }
    }
    return out;
  }

  /**
   * The pure part of {@link #charges}: the lines of the order, each with the gross amount, VAT and
   * rate it is booked at, plus one discount line per rate. Lines whose quantity × unit price cannot
   * reproduce their amount with {@code priceDecimals} decimals are split in two.
   *
   * @param fallbackRate the rate (percent) of a line Squarespace charged no tax on: its item's
   * @param notes receives a note for each line charged at another rate than its item's
   */
  public static List<LineSource> charge(
      SquarespaceOrder order,
      JsonNode transactionDocument,
      List<LineSource> lines,
      Function<LineSource, BigDecimal> fallbackRate,
      int priceDecimals,
      List<String> notes) {
    boolean inclusive = !"EXCLUSIVE".equalsIgnoreCase(order.priceTaxInterpretation());
    JsonNode doc = transactionDocument == null ? MissingNode.getInstance() : transactionDocument;
    Map<String, JsonNode> salesById = new HashMap<>();
    List<JsonNode> sales = new ArrayList<>();
    doc.path("salesLineItems").forEach(sales::add);
    for (JsonNode s : sales) {
      salesById.put(s.path("id").asText(""), s);
    }
    List<JsonNode> shipping = new ArrayList<>();
    doc.path("shippingLineItems").forEach(shipping::add);
    long products = lines.stream().filter(l -> l.kind() != Kind.SHIPPING).count();
    List<Charged> charged = new ArrayList<>();
    int p = -1;
    for (int i = 0; i < lines.size(); i++) {
      LineSource l = lines.get(i);
      JsonNode tx;
      if (l.kind() == Kind.SHIPPING) {
        tx = shipping.size() == 1 ? shipping.get(0) : null;
        if (shipping.size() > 1) {
          tx = combine(shipping);
        }
      } else {
        p++;
        tx = l.lineId() == null ? null : salesById.get(l.lineId());
        if (tx == null && sales.size() == products) {
          tx = sales.get(p);
        }
      }
      BigDecimal amount = OrderTaxes.money(l.quantity().multiply(l.unitPricePaid()));
      BigDecimal fallback = fallbackRate.apply(l);
      BigDecimal chargedRate = null;
      BigDecimal tax = null;
      BigDecimal discount = null;
      if (tx != null) {
        discount = decimal(tx.path("discountAmount"));
        for (JsonNode t : tx.path("taxes")) {
          BigDecimal r = SquarespaceJson.parseDecimal(t.path("rate").asText(null));
          BigDecimal a = decimal(t.path("amount"));
          chargedRate = r == null ? chargedRate : chargedRate == null ? r : chargedRate.add(r);
          tax = a == null ? tax : tax == null ? a : tax.add(a);
        }
      }
      BigDecimal rate = chargedRate != null ? OrderTaxes.norm(chargedRate) : fallback;
      if (chargedRate != null
          && fallback != null
          && chargedRate.compareTo(fallback) != 0
          && l.kind() != Kind.SHIPPING
          && l.kind() != Kind.GIFT_CARD) {
        notes.add(
            ": Squarespace charged "
                + rate.toPlainString()
                + "% VAT on '"
                + name(l)
                + "', its Exact item's VAT code has "
                + OrderTaxes.norm(fallback).toPlainString()
                + "%; booked at "
                + rate.toPlainString()
                + "% as charged");
      }
      if (rate == null) {
        rate = BigDecimal.ZERO;
      }
      charged.add(
          new Charged(
              l.kind(),
              i,
              l.quantity(),
              amount,
              discount == null || discount.signum() == 0 ? null : discount,
              rate,
              tax,
              l.kind() == Kind.PRODUCT || l.kind() == Kind.NOSKU));
    }
    List<Booked> booked = OrderTaxes.book(charged, amount(order.discountTotal()), inclusive);
    String discountNames =
        order.discountLines().stream()
            .map(d -> d.promoCode() != null && !d.promoCode().isBlank() ? d.promoCode() : d.name())
            .filter(n -> n != null && !n.isBlank())
            .collect(Collectors.joining(", "));
    List<LineSource> out = new ArrayList<>();
    for (Booked b : booked) {
      if (b.index() < 0) {
        out.add(
            new LineSource(
                    Kind.DISCOUNT,
                    null,
                    discountNames.isEmpty() ? null : discountNames,
                    List.of(),
                    List.of(),
                    ONE,
                    b.gross(),
                    null,
                    null)
                .charged(ONE, b.gross(), b.vat(), b.rate()));
        continue;
      }
      LineSource l = lines.get(b.index());
      BigDecimal q = b.quantity();
      if (OrderTaxes.unitPrice(b.gross(), q, priceDecimals) != null
          || q.compareTo(ONE) <= 0
          || q.stripTrailingZeros().scale() > 0) {
        out.add(l.charged(q, b.gross(), b.vat(), b.rate()));
      } else {
        // no unit price reproduces the amount: q-1 at a price in cents, 1 at the rest
        BigDecimal first = q.subtract(ONE);
        BigDecimal cents = b.gross().divide(q, 2, RoundingMode.DOWN);
        BigDecimal grossA = OrderTaxes.money(cents.multiply(first));
        BigDecimal vatA =
            OrderTaxes.money(b.vat().multiply(grossA).divide(b.gross(), 10, RoundingMode.HALF_UP));
        out.add(l.charged(first, grossA, vatA, b.rate()));
        out.add(l.charged(ONE, b.gross().subtract(grossA), b.vat().subtract(vatA), b.rate()));
      }
    }
    return out;
  }

  /** Prices one line (a split step): item, VAT code, unit price, amounts, description. */
  public DocumentLine price(Exchange exchange) {
    LineSource l = exchange.getMessage().getBody(LineSource.class);
    SquarespaceOrder order = exchange.getProperty(OrderKeys.ORDER, SquarespaceOrder.class);
    @SuppressWarnings("unchecked")
    Map<String, JsonNode> items = exchange.getProperty(ITEMS, Map.class);
    JsonNode item = itemFor(items, l.kind(), l.sku());
    String country = destination(order);
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
              + name(l)
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
        item.path("Code").asText(itemCode(l.kind(), l.sku())).trim(),
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
  public static DocumentLine documentLine(
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

  /**
   * The document's total (as Exact computes it) must equal Squarespace's {@code grandTotal} to the
   * cent; otherwise the order is parked with both amounts named. With Squarespace's taxes per line
   * it always does for a consistent order: this is the safety net for inconsistent ones.
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

  private JsonNode itemFor(Map<String, JsonNode> items, Kind kind, String sku) {
    JsonNode item = items.get(itemCode(kind, sku));
    return item != null || settings.unknownSkuItem() == null
        ? item
        : items.get(settings.unknownSkuItem());
  }

  private String itemCode(Kind kind, String sku) {
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

  private static String name(LineSource l) {
    return l.productName() != null ? l.productName() : String.valueOf(l.kind());
  }

  /** Several shipping lines of the Transactions document as one (the order has one total). */
  private static JsonNode combine(List<JsonNode> shipping) {
    com.fasterxml.jackson.databind.node.ObjectNode one =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    BigDecimal discount = BigDecimal.ZERO;
    com.fasterxml.jackson.databind.node.ArrayNode taxes = one.putArray("taxes");
    BigDecimal rate = null;
    BigDecimal tax = BigDecimal.ZERO;
    boolean sameRate = true;
    for (JsonNode s : shipping) {
      BigDecimal d = decimal(s.path("discountAmount"));
      discount = d == null ? discount : discount.add(d);
      for (JsonNode t : s.path("taxes")) {
        BigDecimal r = SquarespaceJson.parseDecimal(t.path("rate").asText(null));
        BigDecimal a = decimal(t.path("amount"));
        tax = a == null ? tax : tax.add(a);
        if (r != null) {
          sameRate &= rate == null || rate.compareTo(r) == 0;
          rate = rate == null ? r : rate;
        }
      }
    }
    one.put("discountAmount", discount);
    if (rate != null && sameRate) {
      taxes.addObject().put("rate", rate.toPlainString()).put("amount", tax);
    }
    return one;
  }

  static BigDecimal decimal(JsonNode money) {
    if (money == null || money.isMissingNode() || money.isNull()) {
      return null;
    }
    JsonNode v = money.isObject() ? money.path("value") : money;
    return v.isMissingNode() || v.isNull() ? null : SquarespaceJson.parseDecimal(v.asText());
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

  private static BigDecimal amount(SquarespaceOrder.Money m) {
    return m == null || m.value() == null ? BigDecimal.ZERO : m.value();
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_UP);
  }
}
