package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OData v2 value handling as Exact Online does it: canonical storage per {@code Edm.*} type, {@code
 * /Date(ms)/} dates, Int64 serialised as a JSON string (OData v2 "verbose" JSON).
 */
final class ODataValues {

  private static final Pattern DATE = Pattern.compile("/Date\\((-?\\d+)([+-]\\d{4})?\\)/");

  private ODataValues() {}

  static String date(long epochMillis) {
    return "/Date(" + epochMillis + ")/";
  }

  static String date(Instant instant) {
    return date(instant.toEpochMilli());
  }

  /** Epoch millis of a stored {@code /Date(ms)/} value, or null. */
  static Long millis(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return parseDate(node.asText());
  }

  /**
   * Parses what clients send for an {@code Edm.DateTime}: {@code /Date(ms)/}, {@code 2026-05-30},
   * {@code 2026-05-30T10:00:00[.fff]} (taken as UTC) or with an offset/Z.
   *
   * @throws IllegalArgumentException when not a date
   */
  static long parseDate(String text) {
    Matcher m = DATE.matcher(text.trim());
    if (m.matches()) {
      return Long.parseLong(m.group(1));
    }
    String t = text.trim();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      if (t.endsWith("Z") || t.matches(".*[+-]\\d{2}:\\d{2}$")) {
        return OffsetDateTime.parse(t).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a date: " + text, e);
    }
  }

  static boolean isNumeric(String edmType) {
    switch (edmType) {
      case "Edm.Int16":
      case "Edm.Int32":
      case "Edm.Int64":
      case "Edm.Byte":
      case "Edm.SByte":
      case "Edm.Double":
      case "Edm.Single":
      case "Edm.Decimal":
        return true;
      default:
        return false;
    }
  }

  /**
   * Converts a value from a request body to its canonical stored form.
   *
   * @throws IllegalArgumentException when the value cannot be converted to the type
   */
  static JsonNode coerce(String edmType, JsonNode value) {
    if (value == null || value.isNull()) {
      return NullNode.getInstance();
    }
    switch (edmType) {
      case "Edm.String":
      case "Edm.Binary":
        if (value.isValueNode()) {
          return TextNode.valueOf(value.asText());
        }
        throw new IllegalArgumentException("not a primitive value");
      case "Edm.Guid":
        if (value.isTextual()) {
          try {
            return TextNode.valueOf(UUID.fromString(value.asText().trim()).toString());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a guid", e);
          }
        }
        throw new IllegalArgumentException("not a guid");
      case "Edm.DateTime":
      case "Edm.DateTimeOffset":
        if (value.isTextual()) {
          return TextNode.valueOf(date(parseDate(value.asText())));
        }
        throw new IllegalArgumentException("not a date");
      case "Edm.Boolean":
        if (value.isBoolean()) {
          return value;
        }
        if (value.isTextual() && value.asText().matches("(?i)true|false")) {
          return BooleanNode.valueOf(Boolean.parseBoolean(value.asText()));
        }
        throw new IllegalArgumentException("not a boolean");
      case "Edm.Byte":
      case "Edm.SByte":
      case "Edm.Int16":
      case "Edm.Int32":
        {
          long v = integral(value);
          long min =
              "Edm.Byte".equals(edmType) ? 0 : "Edm.Int16".equals(edmType) ? -32768 : -1L << 31;
          long max =
              "Edm.Byte".equals(edmType)
                  ? 255
                  : "Edm.Int16".equals(edmType) ? 32767 : (1L << 31) - 1;
          if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
          }
          return IntNode.valueOf((int) v);
        }
      case "Edm.Int64":
        return LongNode.valueOf(integral(value));
      case "Edm.Double":
      case "Edm.Single":
      case "Edm.Decimal":
        return DecimalNode.valueOf(decimal(value));
      default:
        return value;
    }
  }

  private static long integral(JsonNode value) {
    BigDecimal d = decimal(value);
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("not an integer", e);
    }
  }

  static BigDecimal decimal(JsonNode value) {
    if (value.isNumber()) {
      return value.decimalValue();
    }
    if (value.isTextual()) {
      try {
        return new BigDecimal(value.asText().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number", e);
      }
    }
    throw new IllegalArgumentException("not a number");
  }

  /** The wire form of a stored value: Int64 as a string, the rest as stored. */
  static JsonNode output(String edmType, JsonNode stored) {
    if (stored == null || stored.isNull() || stored.isMissingNode()) {
      return NullNode.getInstance();
    }
    if ("Edm.Int64".equals(edmType) && stored.isNumber()) {
      return TextNode.valueOf(stored.asText());
    }
    return stored;
  }
}
