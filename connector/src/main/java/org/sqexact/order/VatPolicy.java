package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.sqexact.config.MappingSettings.VatRule;
import org.sqexact.order.VatCodes.VatCode;

/**
 * Which Exact VAT code a line gets: the rate comes from the line's Exact item (its sales VAT code),
 * the code from the rules in {@code mappings/settings.yaml} for that rate, the destination country,
 * and whether Squarespace's prices include VAT.
 */
public final class VatPolicy {

  private static final BigDecimal HUNDRED = new BigDecimal("100");

  private final List<VatRule> rules;
  private final BigDecimal standardRate;
  private final VatCodes vatCodes;

  public VatPolicy(List<VatRule> rules, BigDecimal standardRate, VatCodes vatCodes) {
    this.rules = List.copyOf(rules);
    this.standardRate = standardRate;
    this.vatCodes = vatCodes;
  }

  /** The rate (percent) of an item, from its sales VAT code; the standard rate when it has none. */
  public BigDecimal rateOf(JsonNode item) {
    String code = item == null ? null : item.path("SalesVatCode").asText(null);
    if (code == null || code.isBlank()) {
      return standardRate;
    }
    VatCode vat = vatCodes.get(code);
    return vat == null ? standardRate : percent(vat.percentage());
  }

  /**
   * The code for a rate, destination and price kind.
   *
   * @return the code, or null when no rule covers it
   */
  public String code(BigDecimal rate, String country, boolean inclusive) {
    String c = country == null ? null : country.toUpperCase(Locale.ROOT);
    VatRule general = null;
    for (VatRule r : rules) {
      if (r.rate().compareTo(rate) != 0) {
        continue;
      }
      if (r.country() != null && r.country().equals(c)) {
        return inclusive ? r.inclusive() : r.exclusive();
      }
      if (r.country() == null && general == null) {
        general = r;
      }
    }
    return general == null ? null : inclusive ? general.inclusive() : general.exclusive();
  }

  public BigDecimal standardRate() {
    return standardRate;
  }

  public List<VatRule> rules() {
    return rules;
  }

  /** Exact keeps percentages as fractions (0.21); rules use percents (21). */
  static BigDecimal percent(BigDecimal fraction) {
    return fraction.multiply(HUNDRED).stripTrailingZeros();
  }
}
