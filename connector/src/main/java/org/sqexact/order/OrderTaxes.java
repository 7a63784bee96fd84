package org.sqexact.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sqexact.order.DocumentLine.Kind;

/**
 * The money of an order as Squarespace charged it, split into the lines of the Exact document: one
 * line per product and shipping line at its list price, and one discount line per VAT rate. Pure
 * arithmetic (no Exact, no Camel), so that the property test can run it over thousands of orders.
 *
 * <p>The rule it keeps: the lines' gross amounts add up to what the customer paid (the order's
 * {@code grandTotal}) to the cent, and the VAT of the lines at a rate adds up to the taxes
 * Squarespace charged at that rate to the cent. Squarespace's Transactions API gives, per sales and
 * shipping line, {@code taxes[] {amount, rate}} and {@code discountAmount} (OpenAPI {@code
 * TransactionSalesLineItem}, {@code TransactionShippingLineItem}, {@code TransactionTax}); the
 * taxes are charged on the line after its discount. A line without taxes gets the rate of its Exact
 * item and the tax computed from it.
 *
 * <p>A line is booked at its price before discount, with the tax of that price: the tax charged
 * plus the tax of its discount; the discount line of the rate takes the discount with its tax back.
 * For a shop whose prices exclude VAT ({@code EXCLUSIVE}) the tax of a discount is the discount
 * times the rate, rounded once per rate; for prices that include VAT it is the VAT part of the
 * gross discount.
 */
public final class OrderTaxes {

  private static final BigDecimal HUNDRED = new BigDecimal("100");

  private OrderTaxes() {}

  /**
   * One line as Squarespace charged it.
   *
   * @param index the position of the line among the order's lines (for the caller)
   * @param quantity the quantity
   * @param amount quantity × unit price, before discount, as the shop's prices are (with VAT when
   *     {@code INCLUSIVE}, without when {@code EXCLUSIVE})
   * @param discount the discount of this line as Squarespace gave it ({@code discountAmount}), or
   *     null when not given
   * @param rate the VAT rate in percent: as charged, or the item's when nothing was charged
   * @param tax the tax charged on the line after its discount, or null when Squarespace gave none
   * @param discountable whether an order discount without per-line amounts is spread over it
   *     (goods: yes; shipping, gift cards: no)
   */
  public record Charged(
      Kind kind,
      int index,
      BigDecimal quantity,
      BigDecimal amount,
      BigDecimal discount,
      BigDecimal rate,
      BigDecimal tax,
      boolean discountable) {}

  /**
   * A line of the document.
   *
   * @param index the {@link Charged#index()} it comes from; -1 for a discount line
   * @param gross the amount with VAT (negative for a discount)
   * @param vat the VAT in {@code gross}
   * @param rate the VAT rate in percent
   */
  public record Booked(
      Kind kind,
      int index,
      BigDecimal quantity,
      BigDecimal gross,
      BigDecimal vat,
      BigDecimal rate) {

    public BigDecimal net() {
      return gross.subtract(vat);
    }
  }

  /**
   * Splits the order into document lines.
   *
   * @param orderDiscount the order's {@code discountTotal} (positive); what the lines' {@code
   *     discountAmount}s do not cover is spread over the rates in proportion to their bases
   * @param inclusive whether the shop's prices include VAT
   */
  public static List<Booked> book(
      List<Charged> lines, BigDecimal orderDiscount, boolean inclusive) {
    int n = lines.size();
    BigDecimal[] discounts = new BigDecimal[n];
    BigDecimal given = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      BigDecimal d = lines.get(i).discount();
      discounts[i] = d == null ? BigDecimal.ZERO : d;
      given = given.add(discounts[i]);
    }
    BigDecimal rest = (orderDiscount == null ? BigDecimal.ZERO : orderDiscount).subtract(given);
    if (rest.signum() != 0) {
      spread(lines, discounts, rest);
    }
    BigDecimal[] taxes = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      Charged c = lines.get(i);
      taxes[i] =
          c.tax() != null ? c.tax() : taxOf(c.amount().subtract(discounts[i]), c.rate(), inclusive);
    }
    // per rate: the discount and its tax; the tax goes back onto the lines it came from
    Map<BigDecimal, List<Integer>> byRate = new TreeMap<>(Comparator.reverseOrder());
    for (int i = 0; i < n; i++) {
      byRate.computeIfAbsent(norm(lines.get(i).rate()), r -> new ArrayList<>()).add(i);
    }
    BigDecimal[] discountTax = new BigDecimal[n];
    java.util.Arrays.fill(discountTax, BigDecimal.ZERO);
    Map<BigDecimal, BigDecimal[]> discountLines = new LinkedHashMap<>();
    for (Map.Entry<BigDecimal, List<Integer>> e : byRate.entrySet()) {
      BigDecimal rate = e.getKey();
      BigDecimal d = BigDecimal.ZERO;
      for (int i : e.getValue()) {
        d = d.add(discounts[i]);
      }
      if (d.signum() == 0) {
        continue;
      }
      BigDecimal v = taxOf(d, rate, inclusive);
      BigDecimal[] weights = new BigDecimal[e.getValue().size()];
      for (int k = 0; k < weights.length; k++) {
        weights[k] = discounts[e.getValue().get(k)];
      }
      BigDecimal[] shares = apportion(v, weights);
      for (int k = 0; k < weights.length; k++) {
        discountTax[e.getValue().get(k)] = shares[k];
      }
      discountLines.put(rate, new BigDecimal[] {inclusive ? d : d.add(v), v});
    }
    List<Booked> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Charged c = lines.get(i);
      BigDecimal vat = taxes[i].add(discountTax[i]);
      BigDecimal gross = inclusive ? c.amount() : c.amount().add(vat);
      out.add(new Booked(c.kind(), c.index(), c.quantity(), money(gross), money(vat), c.rate()));
    }
    for (Map.Entry<BigDecimal, BigDecimal[]> e : discountLines.entrySet()) {
      out.add(
          new Booked(
              Kind.DISCOUNT,
              -1,
              BigDecimal.ONE,
              money(e.getValue()[0].negate()),
              money(e.getValue()[1].negate()),
              e.getKey()));
    }
    return out;
  }

  /**
   * Spreads a discount over the discountable lines: over the rates in proportion to their bases,
   * then over the lines of a rate in proportion to their amounts, to the cent.
   */
  private static void spread(List<Charged> lines, BigDecimal[] discounts, BigDecimal amount) {
    List<Integer> targets = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).discountable() && lines.get(i).amount().signum() > 0) {
        targets.add(i);
      }
    }
    if (targets.isEmpty()) {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).amount().signum() > 0) {
          targets.add(i);
        }
      }
    }
    if (targets.isEmpty()) {
      targets.add(0);
    }
    BigDecimal[] weights = new BigDecimal[targets.size()];
    for (int k = 0; k < weights.length; k++) {
      weights[k] = lines.get(targets.get(k)).amount();
    }
    BigDecimal[] shares = apportion(amount, weights);
    for (int k = 0; k < weights.length; k++) {
      discounts[targets.get(k)] = discounts[targets.get(k)].add(shares[k]);
    }
  }

  /**
   * Divides an amount in cents in proportion to the weights (largest remainder), so that the shares
   * add up to it exactly.
   */
  static BigDecimal[] apportion(BigDecimal amount, BigDecimal[] weights) {
    BigDecimal[] shares = new BigDecimal[weights.length];
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal w : weights) {
      total = total.add(w.abs());
    }
    if (total.signum() == 0) {
      java.util.Arrays.fill(shares, BigDecimal.ZERO.setScale(2));
      if (weights.length > 0) {
        shares[0] = money(amount);
      }
      return shares;
    }
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal[] remainders = new BigDecimal[weights.length];
    for (int k = 0; k < weights.length; k++) {
      BigDecimal exact = amount.multiply(weights[k].abs()).divide(total, 10, RoundingMode.HALF_UP);
      shares[k] = exact.setScale(2, RoundingMode.DOWN);
      remainders[k] = exact.subtract(shares[k]);
      sum = sum.add(shares[k]);
    }
    BigDecimal left = money(amount).subtract(sum);
    BigDecimal cent = new BigDecimal(left.signum() >= 0 ? "0.01" : "-0.01");
    Integer[] order = new Integer[weights.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (a, b) -> remainders[b].abs().compareTo(remainders[a].abs()));
    int k = 0;
    while (left.signum() != 0) {
      int idx = order[k++ % order.length];
      shares[idx] = shares[idx].add(cent);
      left = left.subtract(cent);
    }
    return shares;
  }

  /** The tax on an amount: on top of it, or within it when prices include VAT; to the cent. */
  public static BigDecimal taxOf(BigDecimal amount, BigDecimal ratePercent, boolean inclusive) {
    if (inclusive) {
      return money(
          amount.multiply(ratePercent).divide(HUNDRED.add(ratePercent), 10, RoundingMode.HALF_UP));
    }
    return money(amount.multiply(ratePercent).divide(HUNDRED, 10, RoundingMode.HALF_UP));
  }

  /**
   * The VAT Exact computes on a gross line amount with an inclusive VAT code: per line, rounded to
   * the cent.
   */
  public static BigDecimal exactVatOfGross(BigDecimal gross, BigDecimal ratePercent) {
    return taxOf(gross, ratePercent, true);
  }

  static BigDecimal norm(BigDecimal rate) {
    BigDecimal r = rate.stripTrailingZeros();
    return r.scale() < 0 ? r.setScale(0) : r;
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_UP);
  }

  /**
   * A unit price that reproduces a line amount: Exact's line amount is quantity × unit price
   * rounded to the cent. Up to {@code decimals} decimals; null when none does (then the caller
   * splits the line).
   */
  public static BigDecimal unitPrice(BigDecimal amount, BigDecimal quantity, int decimals) {
    if (quantity.signum() == 0) {
      return null;
    }
    for (int scale = 2; scale <= Math.max(2, decimals); scale++) {
      BigDecimal p = amount.divide(quantity, scale, RoundingMode.HALF_UP);
      if (money(p.multiply(quantity)).compareTo(money(amount)) == 0) {
        return p;
      }
    }
    return null;
  }
}
