package org.sqexact.mapping;

import com.dashjoin.jsonata.Jsonata.JFunction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The {@link MappingFunctions} as JSONata functions, with argument checks. */
final class JsonataFunctions {

  /** A helper function was called wrongly or could not do its work. */
  static final class FunctionException extends RuntimeException {
    final String function;

    FunctionException(String function, String message) {
      super("$" + function + ": " + message);
      this.function = function;
    }
  }

  /** The names (without $) of the helper functions, for the load-time check of expressions. */
  static final Set<String> NAMES =
      Set.of(
          "splitAddress",
          "street",
          "houseNumber",
          "houseNumberAddition",
          "addressLine",
          "postcode",
          "fullName",
          "country",
          "normalizeVat",
          "truncate",
          "coalesce",
          "exactDate",
          "formatDate",
          "formValue",
          "lookup");

  /** JSONata's own functions (dashjoin jsonata 0.9.8), for the same check. */
  static final Set<String> BUILT_IN =
      Set.of(
          "sum",
          "count",
          "max",
          "min",
          "average",
          "string",
          "substring",
          "substringBefore",
          "substringAfter",
          "lowercase",
          "uppercase",
          "length",
          "trim",
          "pad",
          "match",
          "contains",
          "replace",
          "split",
          "join",
          "formatNumber",
          "formatBase",
          "formatInteger",
          "parseInteger",
          "number",
          "floor",
          "ceil",
          "round",
          "abs",
          "sqrt",
          "power",
          "random",
          "boolean",
          "not",
          "map",
          "zip",
          "filter",
          "single",
          "reduce",
          "sift",
          "keys",
          "lookup",
          "append",
          "exists",
          "spread",
          "merge",
          "reverse",
          "each",
          "error",
          "assert",
          "type",
          "sort",
          "shuffle",
          "distinct",
          "encodeUrlComponent",
          "encodeUrl",
          "decodeUrlComponent",
          "decodeUrl",
          "eval",
          "toMillis",
          "fromMillis",
          "clone",
          "now",
          "millis");

  private JsonataFunctions() {}

  /** The functions bound to the settings, by name without $. */
  static Map<String, JFunction> create(Settings settings) {
    Map<String, JFunction> f = new LinkedHashMap<>();
    f.put(
        "splitAddress",
        fn("splitAddress", 1, 2, a -> copy(MappingFunctions.splitAddress(text(a, 0), text(a, 1)))));
    f.put("street", fn("street", 1, 2, a -> MappingFunctions.street(text(a, 0), text(a, 1))));
    f.put(
        "houseNumber",
        fn("houseNumber", 1, 2, a -> MappingFunctions.houseNumber(text(a, 0), text(a, 1))));
    f.put(
        "houseNumberAddition",
        fn(
            "houseNumberAddition",
            1,
            2,
            a -> MappingFunctions.houseNumberAddition(text(a, 0), text(a, 1))));
    f.put(
        "addressLine",
        fn("addressLine", 1, 2, a -> MappingFunctions.addressLine(text(a, 0), text(a, 1))));
    f.put("postcode", fn("postcode", 1, 2, a -> MappingFunctions.postcode(text(a, 0), text(a, 1))));
    f.put(
        "fullName",
        fn("fullName", 0, 20, a -> MappingFunctions.fullName(texts(a).toArray(String[]::new))));
    f.put("country", fn("country", 1, 1, a -> MappingFunctions.country(text(a, 0))));
    f.put(
        "normalizeVat",
        fn("normalizeVat", 1, 2, a -> MappingFunctions.normalizeVat(text(a, 0), text(a, 1))));
    f.put(
        "truncate",
        fn("truncate", 2, 2, a -> MappingFunctions.truncate(text(a, 0), integer(a, 1, "length"))));
    f.put("coalesce", fn("coalesce", 1, 50, a -> MappingFunctions.coalesce(a.toArray())));
    f.put(
        "exactDate",
        fn("exactDate", 1, 2, a -> MappingFunctions.exactDate(scalar(a, 0), text(a, 1))));
    f.put(
        "formatDate",
        fn(
            "formatDate",
            2,
            4,
            a -> MappingFunctions.formatDate(scalar(a, 0), text(a, 1), text(a, 2), text(a, 3))));
    f.put("formValue", fn("formValue", 2, 2, a -> MappingFunctions.formValue(a.get(0), a.get(1))));
    f.put("lookup", fn("lookup", 2, 3, a -> lookup(settings, a)));
    return f;
  }

  /**
   * {@code $lookup(table, key, default?)} reads the settings; with an object or list first, it
   * behaves as JSONata's own {@code $lookup(object, key)}, which it replaces.
   */
  private static Object lookup(Settings settings, List<Object> a) {
    Object first = a.get(0);
    if (first instanceof Map<?, ?> || first instanceof Collection<?>) {
      String key = text(a, 1);
      List<Object> found = new ArrayList<>();
      for (Object o : first instanceof Collection<?> c ? c : List.of(first)) {
        if (o instanceof Map<?, ?> m && m.get(key) != null) {
          found.add(Values.unwrapNull(m.get(key)));
        }
      }
      return found.isEmpty() ? null : found.size() == 1 ? found.get(0) : found;
    }
    Object value =
        MappingFunctions.lookup(settings, text(a, 0), text(a, 1), a.size() > 2 ? a.get(2) : null);
    return Values.fromJava(value);
  }

  private static JFunction fn(String name, int min, int max, Function<List<Object>, Object> body) {
    return new JFunction(
        (input, args) -> {
          List<Object> a = new ArrayList<>();
          for (Object arg : args) {
            a.add(Values.unwrapNull(arg));
          }
          if (a.size() < min || a.size() > max) {
            String expected =
                min == max ? min + "" : max >= 20 ? "at least " + min : min + " to " + max;
            throw new FunctionException(
                name, "expects " + expected + " arguments, got " + a.size());
          }
          try {
            return body.apply(a);
          } catch (ArgumentException e) {
            throw new FunctionException(name, "argument " + (e.index + 1) + " " + e.getMessage());
          } catch (IllegalArgumentException e) {
            throw new FunctionException(name, e.getMessage());
          }
        },
        null);
  }

  private static final class ArgumentException extends RuntimeException {
    final int index;

    ArgumentException(int index, String message) {
      super(message);
      this.index = index;
    }
  }

  private static Map<String, Object> copy(Map<String, String> parts) {
    return parts == null ? null : new LinkedHashMap<>(parts);
  }

  private static Object scalar(List<Object> a, int i) {
    if (i >= a.size() || a.get(i) == null) {
      return null;
    }
    Object value = a.get(i);
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      throw new ArgumentException(i, "must be a single value, got " + Values.describe(value));
    }
    return value;
  }

  private static String text(List<Object> a, int i) {
    Object value = scalar(a, i);
    return value == null ? null : Values.text(value);
  }

  private static int integer(List<Object> a, int i, String what) {
    Object value = scalar(a, i);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ArgumentException(i, "(" + what + ") must be a whole number");
    }
    return n.intValue();
  }

  /** All arguments as text; lists are flattened. */
  private static List<String> texts(List<Object> a) {
    List<String> texts = new ArrayList<>();
    for (Object value : a) {
      if (value instanceof Collection<?> c) {
        for (Object v : c) {
          texts.add(Values.text(v));
        }
      } else if (value instanceof Map<?, ?>) {
        throw new ArgumentException(texts.size(), "must be text, got " + Values.describe(value));
      } else {
        texts.add(Values.text(value));
      }
    }
    return texts;
  }
}
