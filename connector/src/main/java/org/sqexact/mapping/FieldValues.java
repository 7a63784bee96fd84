package org.sqexact.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns what an expression yielded into the JSON value of one Exact field, by the field's Edm type:
 * nothing (null, undefined, blank text, empty list) omits the field; text is trimmed and cut to
 * Exact's length; numbers stay exact decimals; ids must be GUIDs and dates readable dates.
 */
final class FieldValues {

  private static final Pattern GUID =
      Pattern.compile(
          "^\\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}?$");

  private FieldValues() {}

  /**
   * The JSON value, or null when the field is to be left out.
   *
   * @throws IllegalArgumentException with the reason when the value does not fit the field
   */
  static JsonNode toJson(Object value, String edmType, Integer maxLength) {
    value = Values.unwrapNull(value);
    if (value instanceof List<?> list && list.size() == 1) {
      value = Values.unwrapNull(list.get(0));
    }
    if (Values.isNothing(value)) {
      return null;
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      throw new IllegalArgumentException(
          "yields " + Values.describe(value) + ", but " + edmType + " needs a single value");
    }
    switch (edmType) {
      case "Edm.Guid":
        {
          String text = Values.text(value).trim();
          if (!(value instanceof String) || !GUID.matcher(text).matches()) {
            throw new IllegalArgumentException(
                "yields " + Values.describe(value) + ", but this field needs an Exact id (GUID)");
          }
          return TextNode.valueOf(text);
        }
      case "Edm.Int16":
      case "Edm.Int32":
      case "Edm.Int64":
      case "Edm.Byte":
      case "Edm.SByte":
        {
          BigDecimal number = decimal(value, edmType);
          try {
            long whole = number.longValueExact();
            return whole == (int) whole ? IntNode.valueOf((int) whole) : LongNode.valueOf(whole);
          } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                "yields " + Values.describe(value) + ", but " + edmType + " needs a whole number");
          }
        }
      case "Edm.Double":
      case "Edm.Single":
      case "Edm.Decimal":
        {
          BigDecimal number = decimal(value, edmType);
          if (number.scale() < 0) {
            number = number.setScale(0);
          }
          return DecimalNode.valueOf(number);
        }
      case "Edm.Boolean":
        if (value instanceof Boolean b) {
          return BooleanNode.valueOf(b);
        }
        if (value instanceof String s
            && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
          return BooleanNode.valueOf(Boolean.parseBoolean(s.trim().toLowerCase(Locale.ROOT)));
        }
        throw new IllegalArgumentException(
            "yields " + Values.describe(value) + ", but Edm.Boolean needs true or false");
      case "Edm.DateTime":
      case "Edm.DateTimeOffset":
        {
          if (!(value instanceof String s)) {
            throw new IllegalArgumentException(
                "yields "
                    + Values.describe(value)
                    + ", but "
                    + edmType
                    + " needs a date as text (use $exactDate)");
          }
          DateValues.read(s); // throws when it is no date
          return TextNode.valueOf(s.trim());
        }
      default:
        {
          String text = Values.text(value).trim();
          if (maxLength != null) {
            text = MappingFunctions.truncate(text, maxLength);
          }
          return text.isEmpty() ? null : TextNode.valueOf(text);
        }
    }
  }

  private static BigDecimal decimal(Object value, String edmType) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      // the result of arithmetic in the expression: its shortest decimal form
      BigDecimal d = new BigDecimal(value.toString()).stripTrailingZeros();
      return d.scale() < 0 ? d.setScale(0) : d;
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (value instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        "yields " + Values.describe(value) + ", but " + edmType + " needs a number");
  }
}
