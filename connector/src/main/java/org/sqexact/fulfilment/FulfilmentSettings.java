package org.sqexact.fulfilment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.sqexact.config.SettingsException;
import org.sqexact.config.SettingsReader;

/**
 * Settings of the order-status flow (Exact Online deliveries → Squarespace fulfilments), from
 * {@code fulfilment.*} properties.
 *
 * @param enabled the flow runs on its schedule (and with {@code sync.auto-start})
 * @param interval seconds between two looks at Exact's deliveries
 * @param notifyCustomer Squarespace e-mails the customer about the shipment
 * @param invoicesDelivered orders booked as (direct) sales invoices count as delivered at once
 * @param carriers Exact shipping method code → carrier name shown in the shop
 */
public record FulfilmentSettings(
    boolean enabled,
    Duration interval,
    boolean notifyCustomer,
    boolean invoicesDelivered,
    Map<String, String> carriers) {

  public static FulfilmentSettings load(SettingsReader r) {
    Map<String, String> carriers = new LinkedHashMap<>();
    for (String pair : r.list("fulfilment.carriers", "")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new SettingsException(
            SettingsReader.name("fulfilment.carriers")
                + " must be a list of CODE=Carrier name pairs such as POSTNL=PostNL,DHL=DHL, got '"
                + pair
                + "'");
      }
      carriers.put(
          pair.substring(0, eq).trim().toUpperCase(Locale.ROOT), pair.substring(eq + 1).trim());
    }
    return new FulfilmentSettings(
        r.bool("fulfilment.enabled", true),
        r.seconds("fulfilment.interval", 300, 10, 86400),
        r.bool("fulfilment.notify-customer", true),
        r.bool("fulfilment.invoices-delivered", false),
        carriers);
  }

  /** The carrier name for an Exact shipping method: the setting, else Exact's description. */
  public String carrier(String code, String description) {
    if (code != null) {
      String mapped = carriers.get(code.trim().toUpperCase(Locale.ROOT));
      if (mapped != null) {
        return mapped;
      }
    }
    if (description != null && !description.isBlank()) {
      return description.trim();
    }
    return code == null || code.isBlank() ? "Other" : code.trim();
  }
}
