package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.OData;

/** Exact Online's VAT codes (percentage and kind), read once and kept. */
public final class VatCodes {

  /** A VAT code: {@code type} is I (including), E (excluding), B (0 %, base only) or N (none). */
  public record VatCode(String code, String description, BigDecimal percentage, String type) {}

  private final ExactApi api;
  private Map<String, VatCode> codes;
  private long loadedAt;
  private int division; // the division the codes belong to (the connect wizard may switch it)

  public VatCodes(ExactApi api) {
    this.api = api;
  }

  /** The code, or null when Exact does not have it (one reload is tried first). */
  public synchronized VatCode get(String code) {
    // an unknown code reloads the list, but at most once a minute (not once per line)
    if (codes == null
        || division != api.division()
        || (!codes.containsKey(code.trim()) && System.currentTimeMillis() - loadedAt > 60_000)) {
      load();
    }
    return codes.get(code.trim());
  }

  public synchronized Map<String, VatCode> all() {
    if (codes == null || division != api.division()) {
      load();
    }
    return Map.copyOf(codes);
  }

  private void load() {
    Map<String, VatCode> out = new HashMap<>();
    for (JsonNode row :
        api.all(
            "vat/VATCodes",
            OData.select("Code", "Description", "Percentage", "Type"),
            Priority.ORDERS)) {
      String code = row.path("Code").asText("").trim();
      out.put(
          code,
          new VatCode(
              code,
              row.path("Description").asText(""),
              new BigDecimal(row.path("Percentage").asText("0")),
              row.path("Type").asText("")));
    }
    codes = out;
    division = api.division();
    loadedAt = System.currentTimeMillis();
  }
}
