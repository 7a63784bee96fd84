package org.sqexact.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The settings of the order flow (Squarespace → Exact Online). Each is a property under {@code
 * orders.} that an environment variable can set ({@code orders.max-attempts} → {@code
 * ORDERS_MAX_ATTEMPTS}).
 */
public record OrderSettings(
    List<String> paymentStates,
    Set<String> fulfillmentStatuses,
    boolean includeTestMode,
    Set<String> channels,
    String yourRefPrefix,
    int maxAttempts,
    List<String> companyLabels,
    List<String> vatNumberLabels,
    DefaultDebtorMode defaultDebtorMode,
    String defaultDebtorCode,
    String shippingItem,
    String discountItem,
    String noSkuItem,
    String unknownSkuItem,
    String documentType,
    String journal,
    String warehouse,
    boolean finaliseInvoices) {

  /** When the configured default debtor is used. */
  public enum DefaultDebtorMode {
    /** Never: every order gets its own customer; orders without e-mail are parked. */
    NEVER,
    /** For orders without an e-mail address (POS). */
    FALLBACK,
    /** For every order (one collective debtor for the web shop). */
    ALWAYS
  }

  /**
   * Reads the settings: the properties under {@code orders.}, and the entries of {@code
   * mappings/settings.yaml} that hold what Exact needs (document type, journal, warehouse, default
   * debtor, items), which by default refer to those properties.
   */
  public static OrderSettings load(Function<String, String> property, MappingSettings file) {
    Function<String, String> fromFile =
        key -> {
          String[] path = FILE_KEYS.get(key);
          return path == null ? property.apply(key) : file.text(path);
        };
    SettingsReader r = new SettingsReader(fromFile);
    List<String> paymentStates = upper(r.list("orders.payment-states", "PAID"));
    Set<String> allowedStates =
        Set.of(
            "NOT_CHARGED",
            "AUTHORIZED",
            "PAID",
            "REFUNDED",
            "PENDING",
            "FAILED",
            "REFUND_PENDING",
            "REFUND_FAILED",
            "PARTIALLY_PAID",
            "PARTIALLY_REFUNDED");
    for (String s : paymentStates) {
      if (!allowedStates.contains(s)) {
        throw new SettingsException(
            SettingsReader.name("orders.payment-states")
                + " holds an unknown payment state '"
                + s
                + "'; allowed: "
                + new TreeSet<>(allowedStates));
      }
    }
    if (paymentStates.isEmpty()) {
      throw new SettingsException(
          SettingsReader.name("orders.payment-states") + " must name at least one state");
    }
    Set<String> fulfillment =
        new TreeSet<>(upper(r.list("orders.fulfillment-statuses", "PENDING,FULFILLED")));
    if (fulfillment.remove("CANCELED") || fulfillment.remove("CANCELLED")) {
      throw new SettingsException(
          SettingsReader.name("orders.fulfillment-statuses")
              + " may not hold CANCELED: canceled orders are never booked");
    }
    DefaultDebtorMode mode =
        r.enumValue("orders.default-debtor.mode", DefaultDebtorMode.class, DefaultDebtorMode.NEVER);
    String debtorCode = r.optional("orders.default-debtor.code");
    if (mode != DefaultDebtorMode.NEVER && debtorCode == null) {
      throw new SettingsException(
          SettingsReader.name("orders.default-debtor.code")
              + " is required when ORDERS_DEFAULT_DEBTOR_MODE is "
              + mode.name().toLowerCase(Locale.ROOT));
    }
    String documentType = r.text("orders.document-type", "sales-order").toLowerCase(Locale.ROOT);
    String finalise = r.text("orders.finalise-invoices", "false").toLowerCase(Locale.ROOT);
    return new OrderSettings(
        paymentStates,
        fulfillment,
        r.bool("orders.include-test-mode", false),
        new TreeSet<>(lower(r.list("orders.channels", "web,pos"))),
        r.text("orders.your-ref-prefix", ""),
        r.integer("orders.max-attempts", 3, 1, 20),
        r.list(
            "orders.company-labels",
            "Company,Company name,Bedrijfsnaam,Bedrijf,Firma,Firmenname,Société,Entreprise"),
        r.list(
            "orders.vat-number-labels",
            "VAT number,VAT,VAT ID,BTW-nummer,BTW nummer,BTW,USt-IdNr.,USt-IdNr,Umsatzsteuer-ID,"
                + "Numéro de TVA,TVA"),
        mode,
        debtorCode,
        r.text("orders.items.shipping", "SHIPPING"),
        r.text("orders.items.discount", "DISCOUNT"),
        r.text("orders.items.no-sku", "NOSKU"),
        r.optional("orders.items.unknown-sku"),
        documentType,
        r.text("orders.journal", "70"),
        r.text("orders.warehouse", "1"),
        finalise.equals("true") || finalise.equals("yes"));
  }

  /** The settings that mappings/settings.yaml holds, and where. */
  private static final java.util.Map<String, String[]> FILE_KEYS =
      java.util.Map.of(
          "orders.document-type", new String[] {"document-type"},
          "orders.journal", new String[] {"journal"},
          "orders.warehouse", new String[] {"warehouse"},
          "orders.finalise-invoices", new String[] {"finalise-invoices"},
          "orders.default-debtor.mode", new String[] {"default-debtor", "mode"},
          "orders.default-debtor.code", new String[] {"default-debtor", "code"},
          "orders.items.shipping", new String[] {"items", "shipping"},
          "orders.items.discount", new String[] {"items", "discount"},
          "orders.items.no-sku", new String[] {"items", "no-sku"},
          "orders.items.unknown-sku", new String[] {"items", "unknown-sku"});

  private static List<String> upper(List<String> in) {
    return in.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
  }

  private static List<String> lower(List<String> in) {
    return in.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }
}
