package org.sqexact.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.sqexact.mapping.DataMapper;
import org.sqexact.mapping.Settings;
import org.sqexact.squarespace.SquarespaceJson;
import org.sqexact.squarespace.SquarespaceOrder;

/**
 * Property: for any consistent Squarespace order (1–50 lines, quantities 1–20, prices with cents,
 * rates 0/9/21 %, discounts given per line or only as a total, shipping at its own rate, prices
 * with or without VAT, taxes rounded per line or per order), the payload the connector would post
 * for each document type, totalled the way Exact does it (amounts rounded per line), equals the
 * order's {@code grandTotal} to the cent, and Exact's VAT per rate is within one cent per line of
 * the taxes Squarespace charged at that rate. A partial refund's credit lines add up to the refund.
 *
 * <p>The payload is the real one: the lines from {@link LineCharges#charge}, priced by {@link
 * LinePricer#documentLine}, mapped by {@code mappings/exact-online.yaml}.
 */
class OrderTaxesPropertyTest {

  private static final BigDecimal HUNDRED = new BigDecimal("100");
  private static final int[] RATES = {0, 9, 21};
  private static final DataMapper MAPPER =
      DataMapper.load(Path.of("mappings", "exact-online.yaml"), Settings.none());
  private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

  private static final AtomicInteger ORDERS = new AtomicInteger();
  private static final AtomicInteger LINES = new AtomicInteger();
  private static BigDecimal largestTotalDifference = BigDecimal.ZERO;
  private static BigDecimal largestVatDifference = BigDecimal.ZERO;
  private static String largestVatDifferenceAt = "";
  private static BigDecimal largestVatDifferencePerLine = BigDecimal.ZERO;

  /** An order as the generator makes it. */
  record Line(int quantity, BigDecimal unitPrice, int rate, int itemRate) {}

  record Shop(
      boolean inclusive,
      List<Line> lines,
      BigDecimal shipping,
      int shippingRate,
      int discountPercent,
      boolean discountPerLine,
      boolean roundPerOrder,
      String documentType) {}

  @Provide
  Arbitrary<Shop> shops() {
    Arbitrary<Line> line =
        Combinators.combine(
                Arbitraries.integers().between(1, 20),
                Arbitraries.integers().between(1, 25_000),
                Arbitraries.of(0, 9, 21),
                Arbitraries.of(0, 9, 21))
            .as((q, cents, rate, itemRate) -> new Line(q, cents(cents), rate, itemRate));
    return Builders.withBuilder(() -> new Object[8])
        .use(Arbitraries.of(true, false))
        .in((b, v) -> set(b, 0, v))
        .use(line.list().ofMinSize(1).ofMaxSize(50))
        .in((b, v) -> set(b, 1, v))
        .use(
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 3_000))))
        .in((b, v) -> set(b, 2, cents(v)))
        .use(Arbitraries.of(RATES[0], RATES[1], RATES[2]))
        .in((b, v) -> set(b, 3, v))
        .use(
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 60))))
        .in((b, v) -> set(b, 4, v))
        .use(Arbitraries.of(true, false))
        .in((b, v) -> set(b, 5, v))
        .use(Arbitraries.of(true, false))
        .in((b, v) -> set(b, 6, v))
        .use(Arbitraries.of("salesOrder", "salesInvoice", "directSalesInvoice", "salesEntry"))
        .in((b, v) -> set(b, 7, v))
        .build(
            b -> {
              @SuppressWarnings("unchecked")
              List<Line> lines = (List<Line>) b[1];
              return new Shop(
                  (Boolean) b[0],
                  lines,
                  (BigDecimal) b[2],
                  (Integer) b[3],
                  (Integer) b[4],
                  (Boolean) b[5],
                  (Boolean) b[6],
                  (String) b[7]);
            });
  }

  private static Object[] set(Object[] b, int i, Object v) {
    b[i] = v;
    return b;
  }

  @Property(tries = 2000)
  void exactTotalsTheGrandTotalAndTheVatPerRateIsWithinACentPerLine(@ForAll("shops") Shop shop) {
    Simulated sq = squarespace(shop);
    SquarespaceOrder order =
        SquarespaceJson.mapper().convertValue(sq.order, SquarespaceOrder.class);
    Map<String, BigDecimal> itemRates = new HashMap<>();
    for (int i = 0; i < shop.lines().size(); i++) {
      itemRates.put("SKU-" + i, BigDecimal.valueOf(shop.lines().get(i).itemRate()));
    }
    List<String> notes = new ArrayList<>();
    List<LineSource> charged =
        LineCharges.charge(
            order,
            sq.transactions,
            OrderLines.sources(order),
            l ->
                l.kind() == DocumentLine.Kind.SHIPPING
                    ? BigDecimal.valueOf(21)
                    : itemRates.get(l.sku()),
            4,
            notes);
    boolean entry = shop.documentType().equals("salesEntry");
    List<DocumentLine> lines = new ArrayList<>();
    for (LineSource l : charged) {
      BigDecimal rate = l.ratePercent();
      String code = (entry ? "E" : "I") + rate.stripTrailingZeros().toPlainString();
      lines.add(
          LinePricer.documentLine(
              l,
              "00000000-0000-4000-8000-0000000000a1",
              "CODE",
              code,
              rate.divide(HUNDRED, 4, RoundingMode.UNNECESSARY),
              entry,
              4));
    }
    ObjectNode payload = payload(shop.documentType(), sq.order, lines);

    // Exact's totals: amounts rounded per line; VAT from the gross amount with inclusive codes
    // (orders, invoices), as sent with the exclusive codes of sales entries
    BigDecimal total = BigDecimal.ZERO;
    Map<Integer, BigDecimal> exactVat = new TreeMap<>();
    Map<Integer, Integer> linesPerRate = new TreeMap<>();
    String nav =
        entry
            ? "SalesEntryLines"
            : shop.documentType().equals("salesOrder") ? "SalesOrderLines" : "SalesInvoiceLines";
    for (JsonNode l : payload.path(nav)) {
      String code = l.path("VATCode").asText();
      int rate = Integer.parseInt(code.substring(1));
      BigDecimal vat;
      BigDecimal gross;
      if (entry) {
        BigDecimal net = l.path("AmountFC").decimalValue();
        vat = l.path("VATAmountFC").decimalValue();
        gross = net.add(vat);
      } else {
        gross =
            l.path("Quantity")
                .decimalValue()
                .multiply(l.path("NetPrice").decimalValue())
                .setScale(2, RoundingMode.HALF_UP);
        vat = OrderTaxes.taxOf(gross, BigDecimal.valueOf(rate), true);
      }
      total = total.add(gross);
      exactVat.merge(rate, vat, BigDecimal::add);
      linesPerRate.merge(rate, 1, Integer::sum);
    }
    assertEquals(
        payload.path("Currency").asText(), "EUR", "the document carries the order's currency");
    BigDecimal totalDifference = total.subtract(sq.grandTotal).abs();
    record(totalDifference, null, null, 0);
    assertEquals(
        0, total.compareTo(sq.grandTotal), "Exact total " + total + " vs " + sq.grandTotal);
    for (Map.Entry<Integer, BigDecimal> e : sq.taxesPerRate.entrySet()) {
      BigDecimal have = exactVat.getOrDefault(e.getKey(), BigDecimal.ZERO);
      int n = Math.max(1, linesPerRate.getOrDefault(e.getKey(), 0));
      BigDecimal diff = have.subtract(e.getValue()).abs();
      record(BigDecimal.ZERO, diff, e.getKey() + "% over " + n + " line(s)", n);
      assertTrue(
          diff.compareTo(new BigDecimal("0.01").multiply(BigDecimal.valueOf(n))) <= 0,
          "VAT at " + e.getKey() + "%: Exact " + have + " vs Squarespace " + e.getValue());
    }
    ORDERS.incrementAndGet();
    LINES.addAndGet(lines.size());

    // a partial refund over the order's rates: the credit lines add up to it
    if (!entry && sq.grandTotal.compareTo(new BigDecimal("1.00")) > 0) {
      BigDecimal refund = sq.grandTotal.divide(new BigDecimal("3"), 2, RoundingMode.DOWN);
      List<DocumentLine> credit =
          RefundBooker.partialLines(lines, refund, 1, "1", "item", "DISCOUNT", false);
      BigDecimal credited = BigDecimal.ZERO;
      for (DocumentLine c : credit) {
        credited = credited.subtract(c.amountIncl());
      }
      assertEquals(0, credited.compareTo(refund), "credited " + credited + " of " + refund);
    }
  }

  private static synchronized void record(
      BigDecimal totalDiff, BigDecimal vatDiff, String where, int lines) {
    largestTotalDifference = largestTotalDifference.max(totalDiff);
    if (vatDiff != null && vatDiff.compareTo(largestVatDifference) > 0) {
      largestVatDifference = vatDiff;
      largestVatDifferenceAt = where;
    }
    if (vatDiff != null && lines > 0) {
      largestVatDifferencePerLine =
          largestVatDifferencePerLine.max(
              vatDiff.divide(BigDecimal.valueOf(lines), 4, RoundingMode.HALF_UP));
    }
  }

  @AfterContainer
  static void figures() {
    System.out.println(
        "Property test: "
            + ORDERS.get()
            + " orders ("
            + LINES.get()
            + " document lines); largest total difference "
            + largestTotalDifference
            + " EUR; largest VAT difference per rate "
            + largestVatDifference
            + " EUR ("
            + largestVatDifferenceAt
            + "); largest VAT difference per line "
            + largestVatDifferencePerLine
            + " EUR");
  }

  private static ObjectNode payload(String type, ObjectNode order, List<DocumentLine> lines) {
    ObjectNode doc = F.objectNode();
    doc.put("accountId", "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a01");
    doc.put("yourRef", "1");
    doc.put("journal", "70");
    doc.put("currency", "EUR");
    doc.put("documentType", type.equals("directSalesInvoice") ? 8023 : 8020);
    doc.put("warehouseId", "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a02");
    ArrayNode view = doc.putArray("lines");
    for (DocumentLine l : lines) {
      view.add(
          DocumentBooker.lineView(
              l, type.equals("salesEntry") ? "8f0c8a50-11aa-4c63-9a0b-6a1c1c0e0a03" : null));
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("doc", doc);
    vars.put("settings", Map.of("timeZone", "Europe/Amsterdam"));
    String target = type.equals("directSalesInvoice") ? "salesInvoice" : type;
    return MAPPER.map(target, order, vars);
  }

  // ------------------------------------------------------------------ Squarespace, simulated

  /** What Squarespace would send: the order, its Transactions document and the taxes charged. */
  static final class Simulated {
    ObjectNode order;
    ObjectNode transactions;
    BigDecimal grandTotal;
    Map<Integer, BigDecimal> taxesPerRate = new TreeMap<>();
  }

  /**
   * Charges an order the way Squarespace does: the discount spread over the goods, taxes on each
   * line after its discount, rounded per line or once per order and rate (then given per line by
   * largest remainder), shipping taxed at its own rate.
   */
  static Simulated squarespace(Shop shop) {
    List<Line> lines = shop.lines();
    int n = lines.size();
    BigDecimal[] amounts = new BigDecimal[n + 1];
    int[] rates = new int[n + 1];
    BigDecimal subtotal = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      amounts[i] = lines.get(i).unitPrice().multiply(BigDecimal.valueOf(lines.get(i).quantity()));
      rates[i] = lines.get(i).rate();
      subtotal = subtotal.add(amounts[i]);
    }
    amounts[n] = shop.shipping();
    rates[n] = shop.shippingRate();
    BigDecimal discount =
        subtotal
            .multiply(BigDecimal.valueOf(shop.discountPercent()))
            .divide(HUNDRED, 2, RoundingMode.DOWN);
    BigDecimal[] goods = new BigDecimal[n];
    System.arraycopy(amounts, 0, goods, 0, n);
    BigDecimal[] discounts = OrderTaxes.apportion(discount, goods);
    BigDecimal[] exact = new BigDecimal[n + 1];
    for (int i = 0; i <= n; i++) {
      BigDecimal base = i < n ? amounts[i].subtract(discounts[i]) : amounts[n];
      BigDecimal r = BigDecimal.valueOf(rates[i]);
      exact[i] =
          shop.inclusive()
              ? base.multiply(r).divide(HUNDRED.add(r), 10, RoundingMode.HALF_UP)
              : base.multiply(r).divide(HUNDRED, 10, RoundingMode.HALF_UP);
    }
    BigDecimal[] taxes = new BigDecimal[n + 1];
    if (!shop.roundPerOrder()) {
      for (int i = 0; i <= n; i++) {
        taxes[i] = exact[i].setScale(2, RoundingMode.HALF_UP);
      }
    } else {
      for (int rate : RATES) {
        List<Integer> idx = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i <= n; i++) {
          if (rates[i] == rate) {
            idx.add(i);
            sum = sum.add(exact[i]);
          }
        }
        if (idx.isEmpty()) {
          continue;
        }
        BigDecimal[] w = new BigDecimal[idx.size()];
        for (int k = 0; k < w.length; k++) {
          w[k] = exact[idx.get(k)].signum() == 0 ? new BigDecimal("0.0000001") : exact[idx.get(k)];
        }
        BigDecimal[] shares = OrderTaxes.apportion(sum.setScale(2, RoundingMode.HALF_UP), w);
        for (int k = 0; k < w.length; k++) {
          taxes[idx.get(k)] = shares[k];
        }
      }
    }
    Simulated s = new Simulated();
    BigDecimal taxTotal = BigDecimal.ZERO;
    for (int i = 0; i <= n; i++) {
      if (i == n && shop.shipping().signum() == 0) {
        continue;
      }
      taxTotal = taxTotal.add(taxes[i]);
      s.taxesPerRate.merge(rates[i], taxes[i], BigDecimal::add);
    }
    BigDecimal grand = subtotal.add(shop.shipping()).subtract(discount);
    if (!shop.inclusive()) {
      grand = grand.add(taxTotal);
    }
    s.grandTotal = grand.setScale(2, RoundingMode.HALF_UP);

    ObjectNode o = F.objectNode();
    o.put("id", "5f3c39ce69e11e796f19990e");
    o.put("orderNumber", "1");
    o.put("createdOn", "2026-11-30T10:00:00.000Z");
    o.put("priceTaxInterpretation", shop.inclusive() ? "INCLUSIVE" : "EXCLUSIVE");
    o.putObject("shippingAddress").put("countryCode", "NL");
    ArrayNode items = o.putArray("lineItems");
    for (int i = 0; i < n; i++) {
      ObjectNode li = items.addObject();
      li.put("id", "line-" + i);
      li.put("sku", "SKU-" + i);
      li.put("productName", "Product " + i);
      li.put("quantity", lines.get(i).quantity());
      li.set("unitPricePaid", money(lines.get(i).unitPrice()));
      li.put("lineItemType", "PHYSICAL_PRODUCT");
    }
    if (shop.shipping().signum() != 0) {
      o.putArray("shippingLines")
          .addObject()
          .put("method", "PostNL")
          .set("amount", money(shop.shipping()));
    }
    if (discount.signum() != 0) {
      o.putArray("discountLines")
          .addObject()
          .put("name", "Sale")
          .put("promoCode", "SALE")
          .set("amount", money(discount));
    }
    o.set("subtotal", money(subtotal));
    o.set("shippingTotal", money(shop.shipping()));
    o.set("discountTotal", money(discount));
    o.set("taxTotal", money(taxTotal));
    o.set("grandTotal", money(s.grandTotal));
    s.order = o;

    ObjectNode t = F.objectNode();
    t.put("salesOrderId", "5f3c39ce69e11e796f19990e");
    t.set("totalTaxes", money(taxTotal));
    ArrayNode sales = t.putArray("salesLineItems");
    for (int i = 0; i < n; i++) {
      ObjectNode sl = sales.addObject();
      sl.put("id", "line-" + i);
      sl.set("discountAmount", money(shop.discountPerLine() ? discounts[i] : BigDecimal.ZERO));
      taxes(sl, taxes[i], rates[i]);
    }
    if (shop.shipping().signum() != 0) {
      ObjectNode sh = t.putArray("shippingLineItems").addObject();
      sh.set("amount", money(shop.shipping()));
      sh.set("discountAmount", money(BigDecimal.ZERO));
      taxes(sh, taxes[n], rates[n]);
    }
    s.transactions = t;
    return s;
  }

  private static void taxes(ObjectNode line, BigDecimal amount, int rate) {
    // a shop that charges VAT sends an entry per taxed line, also at 0 %
    line.putArray("taxes")
        .addObject()
        .put("name", "BTW")
        .put("rate", rate + ".0")
        .put("jurisdiction", "COUNTRY:NL")
        .set("amount", money(amount));
  }

  private static ObjectNode money(BigDecimal v) {
    ObjectNode m = F.objectNode();
    m.put("value", v.setScale(2, RoundingMode.HALF_UP).toPlainString());
    m.put("currency", "EUR");
    return m;
  }

  private static BigDecimal cents(int cents) {
    return BigDecimal.valueOf(cents, 2);
  }
}
