package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sqexact.exact.ExactRateGovernor.Priority;

/**
 * Exact Online's reference data that the settings name by code: journals, revenue (GL) accounts,
 * warehouses, payment conditions and shipping methods. Each list is read once (a call or two) and
 * kept; {@link #refresh} reads them again (pre-flight).
 */
public final class ExactReferenceData {

  /** One reference list, by trimmed, case-insensitive code. */
  private record Table(String path, String[] fields) {}

  private static final Table JOURNALS =
      new Table("financial/Journals", new String[] {"ID", "Code", "Description", "Type"});
  private static final Table GL_ACCOUNTS =
      new Table("financial/GLAccounts", new String[] {"ID", "Code", "Description", "IsBlocked"});
  private static final Table WAREHOUSES =
      new Table("inventory/Warehouses", new String[] {"ID", "Code", "Description"});
  private static final Table PAYMENT_CONDITIONS =
      new Table("cashflow/PaymentConditions", new String[] {"ID", "Code", "Description"});
  private static final Table SHIPPING_METHODS =
      new Table("sales/ShippingMethods", new String[] {"ID", "Code", "Description", "Active"});

  private final ExactApi api;
  private final Map<Table, Map<String, JsonNode>> cache = new HashMap<>();

  public ExactReferenceData(ExactApi api) {
    this.api = api;
  }

  /** A journal by code, or null. */
  public JsonNode journal(String code) {
    return find(JOURNALS, code);
  }

  /** A revenue (GL) account by code, or null. */
  public JsonNode glAccount(String code) {
    return find(GL_ACCOUNTS, code);
  }

  /** A warehouse by code, or null. */
  public JsonNode warehouse(String code) {
    return find(WAREHOUSES, code);
  }

  /** A payment condition by code, or null. */
  public JsonNode paymentCondition(String code) {
    return find(PAYMENT_CONDITIONS, code);
  }

  /** A shipping method by code, or null. */
  public JsonNode shippingMethod(String code) {
    return find(SHIPPING_METHODS, code);
  }

  /** Forgets what was read; the next look-ups read again. */
  public synchronized void refresh() {
    cache.clear();
  }

  private JsonNode find(Table table, String code) {
    if (code == null) {
      return null;
    }
    return rows(table).get(key(code));
  }

  private synchronized Map<String, JsonNode> rows(Table table) {
    return cache.computeIfAbsent(table, load());
  }

  private Function<Table, Map<String, JsonNode>> load() {
    return table -> {
      Map<String, JsonNode> out = new HashMap<>();
      for (JsonNode row : api.all(table.path(), OData.select(table.fields()), Priority.ORDERS)) {
        out.putIfAbsent(key(row.path("Code").asText("")), row);
      }
      return out;
    };
  }

  private static String key(String code) {
    return code.trim().toLowerCase(Locale.ROOT);
  }
}
