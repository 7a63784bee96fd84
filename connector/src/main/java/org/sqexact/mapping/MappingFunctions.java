package org.sqexact.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The helper functions of the mapping language, as plain Java. Each is also available in every
 * mapping expression under the same name with a {@code $} ({@code $splitAddress(line, country)}),
 * and the Java side may call them directly (e.g. {@link #formValue} to find the company name).
 *
 * <p>All functions are null-tolerant: a null or blank input gives null (in an expression: nothing,
 * so the Exact field is left out). A value that cannot be used at all (a date that is no date, an
 * unknown time zone) raises an {@link IllegalArgumentException}, which the data mapper reports with
 * the target, field and order.
 */
public final class MappingFunctions {

  private MappingFunctions() {}

  // ---------------------------------------------------------------------------------------------
  // Addresses
  // ---------------------------------------------------------------------------------------------

  /**
   * Splits an address line into {@code street}, {@code number} and {@code addition} (number and
   * addition are text, null when absent): "Keizersgracht 123-A" → Keizersgracht / 123 / A,
   * "Hauptstr. 5b" → Hauptstr. / 5 / b, "Rue de la Loi 16 bte 3" → Rue de la Loi / 16 / bte 3,
   * "Straße des 17. Juni 135" → Straße des 17. Juni / 135, "Plein 1944 nr 7" → Plein 1944 / 7,
   * "Bahnhofstraße 12-14" → Bahnhofstraße / 12-14 (in the Netherlands "123-2" is number 123,
   * addition 2), "123 Main Street" → Main Street / 123. A line without a number is all street.
   *
   * @param country ISO code or country name; decides whether the number is looked for after the
   *     street (most of Europe; also when null) or before it (US, GB, IE, CA, AU, NZ, FR, LU, ...)
   * @return an ordered map with the keys street, number, addition; null for a blank line
   */
  public static Map<String, String> splitAddress(String line, String country) {
    AddressSplitter.Split split = AddressSplitter.split(line, country);
    if (split == null) {
      return null;
    }
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("street", split.street());
    parts.put("number", split.number());
    parts.put("addition", split.addition());
    return parts;
  }

  /** The street of {@link #splitAddress}. */
  public static String street(String line, String country) {
    AddressSplitter.Split split = AddressSplitter.split(line, country);
    return split == null ? null : split.street();
  }

  /** The house number of {@link #splitAddress} (text, e.g. "123" or "12-14"). */
  public static String houseNumber(String line, String country) {
    AddressSplitter.Split split = AddressSplitter.split(line, country);
    return split == null ? null : split.number();
  }

  /** The house number addition of {@link #splitAddress} (e.g. "A", "bte 3"). */
  public static String houseNumberAddition(String line, String country) {
    AddressSplitter.Split split = AddressSplitter.split(line, country);
    return split == null ? null : split.addition();
  }

  /**
   * The address line as the country writes it: street, number and addition separated by spaces
   * ("Keizersgracht 123-A" → "Keizersgracht 123 A", "Rue de la Loi 16 bte 3"); in Germany, Austria
   * and Switzerland a single-letter addition follows the number directly (DIN 5008: "Hauptstr.
   * 5b"). Lines of number-first countries ("123 Main Street") and lines without a house number are
   * kept as typed, with white space tidied.
   */
  public static String addressLine(String line, String country) {
    return AddressSplitter.format(line, country);
  }

  /**
   * A postcode tidied for its country: upper case, single spaces; Dutch "1015cj" → "1015 CJ";
   * British "SW1A1AA" → "SW1A 1AA".
   */
  public static String postcode(String value, String country) {
    String s = AddressSplitter.normalise(value);
    if (s == null) {
      return null;
    }
    s = s.toUpperCase(Locale.ROOT);
    String code = country == null ? null : Countries.code(country);
    if ("NL".equals(code)) {
      Matcher m = Pattern.compile("^(\\d{4})\\s*([A-Z]{2})$").matcher(s);
      if (m.matches()) {
        return m.group(1) + " " + m.group(2);
      }
    } else if ("GB".equals(code) && !s.contains(" ") && s.length() >= 5 && s.length() <= 7) {
      return s.substring(0, s.length() - 3) + " " + s.substring(s.length() - 3);
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Names, countries, VAT numbers
  // ---------------------------------------------------------------------------------------------

  /**
   * The parts joined by single spaces, trimmed, blank parts skipped: (" Bob ", null, "Loblaw") →
   * "Bob Loblaw"; null when every part is blank.
   */
  public static String fullName(String... parts) {
    List<String> words = new ArrayList<>();
    for (String part : parts) {
      String s = AddressSplitter.normalise(part);
      if (s != null) {
        words.add(s);
      }
    }
    return words.isEmpty() ? null : String.join(" ", words);
  }

  /**
   * The ISO 3166-1 alpha-2 code, upper case, from a code ("nl", "NLD") or a common name in English,
   * Dutch, German or French ("the Netherlands", "Nederland", "Deutschland", "Belgique", "België",
   * "UK" → GB); null when blank or unknown.
   */
  public static String country(String value) {
    return Countries.code(value);
  }

  /**
   * A VAT number without spaces, dots and dashes, upper case, with the country prefix added when it
   * is missing and the country is known (Greece: EL): "nl 1234.56.789.b01" → "NL123456789B01".
   */
  public static String normalizeVat(String value, String country) {
    if (value == null) {
      return null;
    }
    String s = value.replaceAll("[\\s.\\-_/]", "").toUpperCase(Locale.ROOT);
    if (s.isEmpty()) {
      return null;
    }
    if (!s.matches("^[A-Z]{2}.*") && country != null) {
      String code = Countries.code(country);
      if (code != null) {
        s = ("GR".equals(code) ? "EL" : code) + s;
      }
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Text
  // ---------------------------------------------------------------------------------------------

  /**
   * At most {@code max} characters (Unicode code points, so no emoji is cut in half), trailing
   * white space removed; null stays null.
   */
  public static String truncate(String text, int max) {
    if (text == null) {
      return null;
    }
    if (max < 0) {
      throw new IllegalArgumentException("the length must not be negative, got " + max);
    }
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max)).stripTrailing();
  }

  /** The first value that is not null, not blank text and not an empty list; null when none is. */
  public static Object coalesce(Object... values) {
    for (Object value : values) {
      if (value == null
          || (value instanceof CharSequence s && s.toString().isBlank())
          || (value instanceof Collection<?> c && c.isEmpty())) {
        continue;
      }
      return value;
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Dates
  // ---------------------------------------------------------------------------------------------

  /**
   * The calendar date as Exact expects it in JSON ("2016-12-23"), in the time zone: an order placed
   * at 23:30 UTC in winter is dated the next day in the Netherlands. Reads Squarespace's {@code
   * 2016-12-23T15:58:07.187Z} and other lenient shapes (offsets, no seconds, plain dates,
   * "23-12-2016", Exact's {@code /Date(ms)/}, epoch seconds or milliseconds).
   *
   * @param zone a time zone id such as {@code Europe/Brussels}; null for Europe/Amsterdam
   */
  public static String exactDate(Object value, String zone) {
    var date = DateValues.date(value, DateValues.zone(zone));
    return date == null ? null : date.toString();
  }

  /**
   * The date and time formatted with a {@link DateTimeFormatter} pattern in the time zone, e.g.
   * {@code formatDate("2016-12-23T15:58:07.187Z", "d MMMM yyyy", null, "nl")} → "23 december 2016".
   *
   * @param zone time zone id; null for Europe/Amsterdam
   * @param locale language tag for month and day names; null for English
   */
  public static String formatDate(Object value, String pattern, String zone, String locale) {
    var zoned = DateValues.zoned(value, DateValues.zone(zone));
    if (zoned == null) {
      return null;
    }
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("the date pattern is empty");
    }
    Locale language =
        locale == null || locale.isBlank() ? Locale.ENGLISH : Locale.forLanguageTag(locale.trim());
    DateTimeFormatter formatter;
    try {
      formatter = DateTimeFormatter.ofPattern(pattern, language);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid date pattern '" + pattern + "': " + e.getMessage());
    }
    return formatter.format(zoned);
  }

  // ---------------------------------------------------------------------------------------------
  // Squarespace checkout form answers, look-up tables
  // ---------------------------------------------------------------------------------------------

  /**
   * The first non-blank {@code value} (trimmed) of the Squarespace {@code formSubmission} answers
   * whose {@code label} is one of the labels, compared case-insensitively and ignoring surrounding
   * white space and a trailing ":" or "*". Squarespace has no company or VAT field; merchants add
   * checkout questions such as "Company" or "BTW-nummer".
   *
   * @param formSubmission the order's {@code formSubmission} list of {@code {label, value}} objects
   *     (a single object or null are accepted)
   * @param labels one label or a list of labels
   */
  public static String formValue(Object formSubmission, Object labels) {
    if (formSubmission instanceof JsonNode node) {
      formSubmission = Values.toJava(node);
    }
    if (labels instanceof JsonNode node) {
      labels = Values.toJava(node);
    }
    List<String> wanted = new ArrayList<>();
    if (labels instanceof Collection<?> c) {
      for (Object label : c) {
        if (label != null) {
          wanted.add(labelKey(label.toString()));
        }
      }
    } else if (labels != null) {
      wanted.add(labelKey(labels.toString()));
    }
    List<?> answers;
    if (formSubmission instanceof List<?> list) {
      answers = list;
    } else if (formSubmission instanceof Map<?, ?> single) {
      answers = List.of(single);
    } else {
      return null;
    }
    for (Object answer : answers) {
      if (answer instanceof Map<?, ?> map
          && map.get("label") != null
          && wanted.contains(labelKey(map.get("label").toString()))) {
        Object value = map.get("value");
        String text = value == null ? null : AddressSplitter.normalise(Values.text(value));
        if (text != null) {
          return text;
        }
      }
    }
    return null;
  }

  /** {@link #formValue(Object, Object)} for the order as Jackson read it. */
  public static String formValue(JsonNode formSubmission, String... labels) {
    return formValue(Values.toJava(formSubmission), List.of(labels));
  }

  private static String labelKey(String label) {
    String s = label.replace('\u00A0', ' ').replaceAll("\\s+", " ").trim();
    s = s.replaceAll("[\\s:*]+$", "");
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The value for the key in the named look-up table of the settings (keys compared
   * case-insensitively and trimmed), or the default when the table or the key is missing.
   */
  public static Object lookup(Settings settings, String table, String key, Object defaultValue) {
    if (settings == null || table == null || key == null) {
      return defaultValue;
    }
    Map<String, ?> map = settings.lookupTable(table);
    if (map == null) {
      return defaultValue;
    }
    Object exact = map.get(key);
    if (exact != null) {
      return exact;
    }
    String wanted = key.trim();
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      if (entry.getKey() != null && entry.getKey().trim().equalsIgnoreCase(wanted)) {
        return entry.getValue() == null ? defaultValue : entry.getValue();
      }
    }
    return defaultValue;
  }
}
