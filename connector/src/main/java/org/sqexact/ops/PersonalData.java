package org.sqexact.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.sqexact.support.Redact;

/**
 * Keeps customers' personal data (names, e-mail addresses, phone numbers, addresses) out of what
 * the operator API answers: the dry run shows which fields would be written, with their values
 * masked where they describe a person. Ids, codes, amounts, VAT codes and countries stay.
 */
public final class PersonalData {

  /** Masked value. */
  public static final String MASK = "(personal data)";

  private static final Pattern PERSONAL =
      Pattern.compile(
          "(?i).*(name|e-?mail|phone|mobile|fax|address|street|postcode|postal|zip|city|housenumber"
              + "|initials|title|birth|website|remarks|notes|ordered ?by ?name|contact).*");
  private static final Pattern NOT_PERSONAL =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private PersonalData() {}

  /** A copy of a JSON-like value (maps, lists, Jackson nodes) with personal fields masked. */
  public static Object mask(Object value) {
    if (value instanceof JsonNode node) {
      return mask(node.deepCopy());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        out.put(key, maskField(key, e.getValue()));
      }
      return out;
    }
    if (value instanceof Iterable<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(mask(o));
      }
      return out;
    }
    if (value instanceof String s) {
      return Redact.emails(s);
    }
    return value;
  }

  private static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
      List<String> personal = new ArrayList<>();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (isPersonal(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : null)) {
          personal.add(f.getKey());
        } else {
          mask(f.getValue());
        }
      }
      for (String k : personal) {
        obj.put(k, MASK);
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        mask(n);
      }
    }
    return node;
  }

  private static Object maskField(String key, Object value) {
    if (value == null || value instanceof Map<?, ?> || value instanceof Iterable<?>) {
      return mask(value);
    }
    if (value instanceof JsonNode n && !n.isValueNode()) {
      return mask(n);
    }
    String text = value instanceof JsonNode n ? n.asText() : String.valueOf(value);
    return isPersonal(key, text) ? MASK : mask(value);
  }

  private static boolean isPersonal(String key, String value) {
    if (!PERSONAL.matcher(key).matches()) {
      return false;
    }
    return value == null || value.isEmpty() || !NOT_PERSONAL.matcher(value.trim()).matches();
  }
}
