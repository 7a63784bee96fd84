package org.sqexact.mapping;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between Jackson trees, Java values and the values JSONata works on. */
final class Values {

  private Values() {}

  /**
   * A JSON mapper that keeps decimals exact: floats are read as {@link BigDecimal} with their scale
   * (12.10 stays 12.10) and written without exponent.
   */
  static ObjectMapper newJsonMapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .nodeFactory(new JsonNodeFactory(true))
        .build();
  }

  private static final ObjectMapper JSON = newJsonMapper();

  /**
   * The JSON value as maps, lists, strings, numbers (integers or BigDecimal) and booleans. Object
   * members that are null are left out, so that JSONata sees them as missing: a path through them
   * yields nothing instead of evaluating against a null.
   */
  static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        Object value = toJava(field.getValue());
        if (value != null) {
          map.put(field.getKey(), value);
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(toJava(element)));
      return list;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNumber()) {
      if (node.isInt() || node.isShort()) {
        return node.intValue();
      }
      if (node.isLong()) {
        return node.longValue();
      }
      if (node.isBigInteger()) {
        return new BigDecimal(node.bigIntegerValue());
      }
      if (node.isDouble() || node.isFloat()) {
        return new BigDecimal(Double.toString(node.doubleValue())); // shortest form, never 0.1000…1
      }
      return node.decimalValue();
    }
    return node.asText();
  }

  /**
   * A variable from the Java side as JSONata needs it: Jackson trees, maps, lists, arrays, records
   * and beans become maps and lists; doubles become their shortest decimal.
   */
  static Object fromJava(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof JsonNode node) {
      return toJava(node);
    }
    if (value instanceof BigDecimal || value instanceof Integer || value instanceof Long) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return null;
      }
      return new BigDecimal(Double.toString(d));
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof Character) {
      return value.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            Object converted = fromJava(v);
            if (converted != null) {
              copy.put(String.valueOf(k), converted);
            }
          });
      return copy;
    }
    if (value instanceof Collection<?> collection) {
      List<Object> copy = new ArrayList<>(collection.size());
      collection.forEach(v -> copy.add(fromJava(v)));
      return copy;
    }
    if (value instanceof Object[] array) {
      List<Object> copy = new ArrayList<>(array.length);
      for (Object v : array) {
        copy.add(fromJava(v));
      }
      return copy;
    }
    return toJava(JSON.valueToTree(value));
  }

  /** JSONata's stand-in for a JSON null inside data, read as null. */
  static Object unwrapNull(Object value) {
    return value == Jsonata.NULL_VALUE ? null : value;
  }

  /** True for null, JSON null, blank text and empty lists: the "nothing" that omits a field. */
  static boolean isNothing(Object value) {
    value = unwrapNull(value);
    return value == null
        || (value instanceof String s && s.isBlank())
        || (value instanceof Collection<?> c && c.isEmpty());
  }

  /** A scalar as text: numbers in plain notation (12.10, 1042), booleans as true/false. */
  static String text(Object value) {
    value = unwrapNull(value);
    if (value == null) {
      return null;
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Double || value instanceof Float) {
      BigDecimal d = new BigDecimal(value.toString());
      return d.scale() > 0 && d.stripTrailingZeros().scale() <= 0
          ? d.toBigInteger().toString()
          : d.toPlainString();
    }
    return value.toString();
  }

  /** What kind of value this is, for error messages. */
  static String describe(Object value) {
    value = unwrapNull(value);
    if (value == null) {
      return "nothing";
    }
    if (value instanceof Map<?, ?>) {
      return "an object " + abbreviate(value.toString());
    }
    if (value instanceof Collection<?> c) {
      return "a list of " + c.size() + " values " + abbreviate(value.toString());
    }
    if (value instanceof String s) {
      return "the text '" + abbreviate(s) + "'";
    }
    if (value instanceof Number) {
      return "the number " + text(value);
    }
    if (value instanceof Boolean) {
      return "the boolean " + value;
    }
    return "a " + value.getClass().getSimpleName();
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
