package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.sqexact.squarespace.SquarespaceApi;
import org.sqexact.squarespace.SquarespaceJson;

/**
 * The Exact payment condition of an order, from how it was paid (Squarespace's Transactions API:
 * provider, card type, gift card) and the table in {@code mappings/settings.yaml}.
 */
public final class PaymentConditions {

  private final SquarespaceApi squarespace;
  private final Map<String, String> table = new LinkedHashMap<>();

  public PaymentConditions(SquarespaceApi squarespace, Map<String, String> table) {
    this.squarespace = squarespace;
    table.forEach((k, v) -> this.table.put(k.trim().toUpperCase(Locale.ROOT), v));
  }

  /** The code for the order, or null when nothing is set. */
  public String forOrder(String orderId) {
    if (table.isEmpty()) {
      return null;
    }
    JsonNode docs = squarespace.get("/1.0/commerce/transactions", "orderId=" + orderId);
    return forTransactions(docs == null ? null : docs.path("documents"));
  }

  /** The code for these transaction documents (the payment that paid most decides). */
  public String forTransactions(JsonNode documents) {
    JsonNode main = null;
    BigDecimal mainAmount = BigDecimal.ZERO;
    if (documents != null && documents.isArray()) {
      for (JsonNode doc : documents) {
        for (JsonNode p : doc.path("payments")) {
          BigDecimal amount = amount(p.path("amount"));
          if (main == null || amount.compareTo(mainAmount) > 0) {
            main = p;
            mainAmount = amount;
          }
        }
      }
    }
    if (main != null) {
      String keyFound = null;
      if (!main.path("giftCardId").isNull() && !main.path("giftCardId").asText("").isBlank()) {
        keyFound = lookup("GIFTCARD");
      }
      String provider = main.path("provider").asText("").toUpperCase(Locale.ROOT);
      String card = main.path("creditCardType").asText("").toUpperCase(Locale.ROOT);
      if (keyFound == null && !card.isEmpty() && !card.equals("NULL")) {
        keyFound = lookup(provider + "/" + card);
      }
      if (keyFound == null) {
        keyFound = lookup(provider);
      }
      if (keyFound != null) {
        return keyFound;
      }
    }
    return lookup("DEFAULT");
  }

  /** The codes the table names, for the pre-flight check. */
  public Map<String, String> table() {
    return table;
  }

  private String lookup(String key) {
    String v = table.get(key);
    return v == null || v.isBlank() ? null : v;
  }

  private static BigDecimal amount(JsonNode money) {
    JsonNode v = money.isObject() ? money.path("value") : money;
    BigDecimal d =
        SquarespaceJson.parseDecimal(v.isMissingNode() || v.isNull() ? null : v.asText());
    return d == null ? BigDecimal.ZERO : d;
  }
}
