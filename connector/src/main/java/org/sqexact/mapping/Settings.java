package org.sqexact.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The merchant's look-up tables that the mapping function {@code $lookup(table, key, default?)}
 * reads, e.g. table {@code paymentConditions} with {@code "STRIPE/VISA" → "IC"}, or {@code
 * shippingMethods} with {@code "Flat Rate" → "<guid>"}. Keys are matched case-insensitively and
 * trimmed by {@code $lookup}; values should be text, numbers or booleans.
 *
 * <p>This is all the data mapper needs from the connector's settings; where the tables come from
 * (properties, a database, a UI) is up to the caller.
 */
@FunctionalInterface
public interface Settings {

  /**
   * Returns the look-up table with this name, or null when the merchant has not configured it.
   *
   * @param name the table name as written in the mapping, e.g. {@code paymentConditions}
   */
  Map<String, ?> lookupTable(String name);

  /** Settings without any look-up table: every {@code $lookup} yields its default. */
  static Settings none() {
    return name -> null;
  }

  /** Settings backed by a fixed copy of these tables. */
  static Settings of(Map<String, ? extends Map<String, ?>> tables) {
    Map<String, Map<String, ?>> copy = new LinkedHashMap<>();
    tables.forEach((name, table) -> copy.put(name, Map.copyOf(table)));
    return copy::get;
  }
}
