package org.sqexact.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.MappingSettings.GlRule;
import org.sqexact.config.MappingSettings.VatRule;
import org.sqexact.config.OrderSettings;
import org.sqexact.config.OrderSettings.DefaultDebtorMode;
import org.sqexact.exact.DocumentType;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactReferenceData;
import org.sqexact.order.CustomerDirectory;
import org.sqexact.order.DocumentSettings;
import org.sqexact.order.ItemCatalog;
import org.sqexact.order.PaymentConditions;
import org.sqexact.order.VatCodes;
import org.sqexact.order.VatPolicy;

/**
 * The pre-flight check: every code in the settings exists in Exact Online (journal, VAT codes and
 * their kind, revenue accounts, warehouse, payment conditions, shipping methods, items, default
 * debtor). All problems are reported at once, in plain words; while any is open, no order is
 * booked. Runs at start-up, before polls while problems are open (every 10 minutes), and on demand
 * ({@code GET /api/preflight}).
 */
public final class Preflight {

  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
  private static final Duration RECHECK = Duration.ofMinutes(10);

  /** One problem: the setting and what is wrong with it. */
  public record Problem(String setting, String message) {}

  /** The outcome of a run. */
  public record Report(
      Instant at, boolean ok, boolean complete, List<Problem> problems, List<String> checked) {}

  private final OrderSettings orders;
  private final DocumentSettings documents;
  private final VatPolicy vat;
  private final VatCodes vatCodes;
  private final ExactReferenceData reference;
  private final PaymentConditions paymentConditions;
  private final ItemCatalog items;
  private final CustomerDirectory customers;
  private final Alerts alerts;
  private final Clock clock;
  private volatile Report last;
  private volatile java.util.function.Supplier<List<String>> missingConnection = List::of;
  private volatile boolean notConnected;

  public Preflight(
      OrderSettings orders,
      DocumentSettings documents,
      VatPolicy vat,
      VatCodes vatCodes,
      ExactReferenceData reference,
      PaymentConditions paymentConditions,
      ItemCatalog items,
      CustomerDirectory customers,
      Alerts alerts,
      Clock clock) {
    this.orders = orders;
    this.documents = documents;
    this.vat = vat;
    this.vatCodes = vatCodes;
    this.reference = reference;
    this.paymentConditions = paymentConditions;
    this.items = items;
    this.customers = customers;
    this.alerts = alerts;
    this.clock = clock;
  }

  /**
   * What of the connection is still missing (the connect wizard's steps): while anything is, the
   * check reports that instead of asking Exact, and no order is booked.
   */
  public void useConnection(java.util.function.Supplier<List<String>> missing) {
    this.missingConnection = missing;
  }

  /** Runs every check against Exact now. */
  public synchronized Report run() {
    List<String> missing = missingConnection.get();
    if (!missing.isEmpty()) {
      // a fresh install before the wizard: nothing to check yet, and no alert for it
      List<Problem> problems = new ArrayList<>();
      for (String m : missing) {
        problems.add(new Problem("connection", "not connected: missing " + m));
      }
      notConnected = true;
      last = new Report(clock.instant(), false, false, problems, List.of());
      return last;
    }
    notConnected = false;
    reference.refresh();
    List<Problem> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    boolean complete = true;
    try {
      checkDocument(problems, checked);
      checkVat(problems, checked);
      checkPaymentAndShipping(problems, checked);
      checkItems(problems, checked);
      checkDefaultDebtor(problems, checked);
    } catch (ExactException e) {
      complete = false;
      problems.add(
          new Problem(
              "exact", "the check could not finish: Exact Online answered: " + e.getMessage()));
    }
    Report report =
        new Report(
            clock.instant(),
            problems.isEmpty(),
            complete,
            problems,
            new ArrayList<>(new LinkedHashSet<>(checked)));
    Report before = last;
    last = report;
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder("Pre-flight check: ");
      sb.append(problems.size()).append(" problem(s); no order is booked until they are fixed:");
      for (Problem p : problems) {
        sb.append("\n  - ").append(p.setting()).append(": ").append(p.message());
      }
      LOG.error(sb.toString());
      if (before == null || !before.problems().equals(problems)) {
        alerts.accept(
            "preflight",
            problems.size()
                + " setting problem(s), no order is booked: "
                + problems.get(0).setting()
                + ": "
                + problems.get(0).message()
                + (problems.size() > 1 ? " (and more: GET /api/preflight)" : ""));
      }
    } else {
      LOG.info("Pre-flight check: all {} settings exist in Exact Online", checked.size());
    }
    return report;
  }

  /**
   * Whether orders may be booked: the last check found no problem. Checks first when it has not run
   * yet, and again every 10 minutes while problems are open.
   */
  public synchronized boolean allowsBooking() {
    Report r = last;
    if (r == null
        || notConnected
        || (!r.ok() && clock.instant().isAfter(r.at().plus(RECHECK)))
        || (!r.complete() && clock.instant().isAfter(r.at().plus(Duration.ofMinutes(1))))) {
      r = run();
    }
    return r.ok();
  }

  public Report last() {
    return last;
  }

  /** The report as a map, for the operator API. */
  public Map<String, Object> view(Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", r.at().toString());
    m.put("ok", r.ok());
    m.put("bookingAllowed", r.ok());
    List<Map<String, String>> problems = new ArrayList<>();
    for (Problem p : r.problems()) {
      problems.add(Map.of("setting", p.setting(), "problem", p.message()));
    }
    m.put("problems", problems);
    m.put("checked", r.checked());
    return m;
  }

  private void checkDocument(List<Problem> problems, List<String> checked) {
    DocumentType type = documents.type();
    if (type == DocumentType.SALES_ORDER) {
      return;
    }
    String journal = documents.journal();
    JsonNode j = reference.journal(journal);
    checked.add("journal " + journal);
    if (j == null) {
      problems.add(
          new Problem("journal", "the journal '" + journal + "' does not exist in Exact Online"));
    } else if (j.path("Type").asInt(20) != 20) {
      problems.add(
          new Problem(
              "journal",
              "the journal '"
                  + journal
                  + "' is not a sales journal (its type is "
                  + j.path("Type").asInt()
                  + ", a sales journal has type 20)"));
    }
    if (type == DocumentType.DIRECT_SALES_INVOICE) {
      checked.add("warehouse " + documents.warehouseCode());
      if (reference.warehouse(documents.warehouseCode()) == null) {
        problems.add(
            new Problem(
                "warehouse",
                "the warehouse '"
                    + documents.warehouseCode()
                    + "' does not exist in Exact Online; direct sales invoices need one"));
      }
    }
    if (type == DocumentType.SALES_ENTRY) {
      Set<String> accounts = new LinkedHashSet<>();
      for (GlRule r : documents.glRules()) {
        accounts.add(r.account());
      }
      if (documents.glDefault() != null) {
        accounts.add(documents.glDefault());
      }
      for (String account : accounts) {
        checked.add("revenue account " + account);
        if (reference.glAccount(account) == null) {
          problems.add(
              new Problem(
                  "gl-accounts",
                  "the revenue account '" + account + "' does not exist in Exact Online"));
        }
      }
    }
  }

  private void checkVat(List<Problem> problems, List<String> checked) {
    boolean entries = documents.type() == DocumentType.SALES_ENTRY;
    for (VatRule r : vat.rules()) {
      String where =
          "vat.rules ("
              + r.rate().toPlainString()
              + "%"
              + (r.country() == null ? "" : ", " + r.country())
              + ")";
      check(where, r.exclusive(), "E", problems, checked);
      if (!entries) {
        check(where, r.inclusive(), "I", problems, checked);
      }
    }
  }

  private void check(
      String where, String code, String kind, List<Problem> problems, List<String> checked) {
    checked.add("VAT code " + code);
    VatCodes.VatCode c = vatCodes.get(code);
    if (c == null) {
      problems.add(
          new Problem(where, "the VAT code '" + code + "' does not exist in Exact Online"));
      return;
    }
    boolean zero = c.percentage().signum() == 0;
    if (!zero && !kind.equals(c.type())) {
      problems.add(
          new Problem(
              where,
              "the VAT code '"
                  + code
                  + "' is "
                  + describe(c.type())
                  + " in Exact, but is set for prices "
                  + ("I".equals(kind) ? "including" : "excluding")
                  + " VAT"));
    }
  }

  private static String describe(String type) {
    return switch (type) {
      case "I" -> "including (type I)";
      case "E" -> "excluding (type E)";
      case "B" -> "0 % base only (type B)";
      case "N" -> "no VAT (type N)";
      default -> "of type " + type;
    };
  }

  private void checkPaymentAndShipping(List<Problem> problems, List<String> checked) {
    for (Map.Entry<String, String> e : paymentConditions.table().entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      checked.add("payment condition " + e.getValue());
      if (reference.paymentCondition(e.getValue()) == null) {
        problems.add(
            new Problem(
                "payment-conditions (" + e.getKey() + ")",
                "the payment condition '" + e.getValue() + "' does not exist in Exact Online"));
      }
    }
    for (Map.Entry<String, String> e : documents.shippingMethods().entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      checked.add("shipping method " + e.getValue());
      if (reference.shippingMethod(e.getValue()) == null) {
        problems.add(
            new Problem(
                "shipping-methods (" + e.getKey() + ")",
                "the shipping method '" + e.getValue() + "' does not exist in Exact Online"));
      }
    }
  }

  private void checkItems(List<Problem> problems, List<String> checked) {
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put("items.shipping", orders.shippingItem());
    wanted.put("items.discount", orders.discountItem());
    wanted.put("items.no-sku", orders.noSkuItem());
    if (orders.unknownSkuItem() != null) {
      wanted.put("items.unknown-sku", orders.unknownSkuItem());
    }
    if (documents.type() == DocumentType.SALES_ENTRY) {
      return; // sales entries carry no items
    }
    Map<String, JsonNode> found = items.resolve(new LinkedHashSet<>(wanted.values()));
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      checked.add("item " + e.getValue());
      if (!found.containsKey(e.getValue())) {
        problems.add(
            new Problem(
                e.getKey(), "the item '" + e.getValue() + "' does not exist in Exact Online"));
      }
    }
  }

  private void checkDefaultDebtor(List<Problem> problems, List<String> checked) {
    if (orders.defaultDebtorMode() == DefaultDebtorMode.NEVER) {
      return;
    }
    checked.add("default debtor " + orders.defaultDebtorCode());
    if (customers.accountIdByCode(orders.defaultDebtorCode()) == null) {
      problems.add(
          new Problem(
              "default-debtor.code",
              "the account '" + orders.defaultDebtorCode() + "' does not exist in Exact Online"));
    }
  }
}
