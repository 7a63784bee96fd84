package org.sqexact.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The personal values of the order being handled on this thread (names, company, street, postcode,
 * city, phone, e-mail, VAT number), so that every text the connector logs or stores about the order
 * can be cleaned of them. Exact Online echoes such values in its error texts ("Account 'Jan Jansen'
 * …"); e-mail addresses can be recognised by their shape ({@link Redact#emails}), names cannot, so
 * the order's own values are used.
 *
 * <p>Set by the order flow when it identifies the order ({@code OrderTracker.identify}), cleared
 * when the order's handling ends; the order flow runs on one thread (no parallel steps), so a
 * thread-scoped set reaches the dead-letter channel, the activity log and the alerts.
 */
public final class PersonalValues {

  /** What a personal value is replaced by. */
  public static final String MASK = "<personal data>";

  private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();

  // values shorter than this are not masked: "NL", "1" would garble every text
  private static final int MIN_LENGTH = 3;

  private static final List<String> ADDRESS_FIELDS =
      List.of("firstName", "lastName", "address1", "address2", "city", "postalCode", "phone");

  private PersonalValues() {}

  /** Remembers the personal values of this Squarespace order (JSON as the API sends it). */
  public static void useOrder(JsonNode order) {
    Set<String> values = new LinkedHashSet<>();
    if (order != null) {
      add(values, order.path("customerEmail").asText(null));
      for (String a : List.of("billingAddress", "shippingAddress")) {
        JsonNode address = order.path(a);
        for (String f : ADDRESS_FIELDS) {
          add(values, address.path(f).asText(null));
        }
        String first = address.path("firstName").asText("").trim();
        String last = address.path("lastName").asText("").trim();
        add(values, (first + " " + last).trim());
        add(values, (last + ", " + first).trim());
        add(values, address.path("postalCode").asText("").replace(" ", ""));
      }
      // checkout form answers: company name, VAT number and whatever else the shop asks
      for (JsonNode field : order.path("formSubmission")) {
        add(values, field.path("value").asText(null));
      }
    }
    List<String> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.comparingInt(String::length).reversed()); // "Jan Jansen" before "Jan"
    CURRENT.set(sorted);
  }

  /** Forgets the order's values (its handling on this thread is over). */
  public static void clear() {
    CURRENT.remove();
  }

  /** The values known on this thread now (for tests and diagnostics: never log them). */
  public static List<String> current() {
    List<String> v = CURRENT.get();
    return v == null ? List.of() : List.copyOf(v);
  }

  /**
   * The text with e-mail addresses and every personal value of the order on this thread replaced by
   * {@link #MASK}, compared case-insensitively.
   */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String out = Redact.emails(text);
    List<String> values = CURRENT.get();
    if (values == null || values.isEmpty()) {
      return out;
    }
    for (String v : values) {
      if (out.toLowerCase(Locale.ROOT).contains(v.toLowerCase(Locale.ROOT))) {
        // whole words only: the first name "Jan" is masked, "January" is not
        out =
            Pattern.compile(
                    "(?<![\\p{L}\\p{N}])" + Pattern.quote(v) + "(?![\\p{L}\\p{N}])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(out)
                .replaceAll(MASK);
      }
    }
    return out;
  }

  private static void add(Set<String> values, String value) {
    if (value == null) {
      return;
    }
    String v = value.trim();
    if (v.length() >= MIN_LENGTH && !v.equals(",") && !v.equalsIgnoreCase("null")) {
      values.add(v);
    }
  }
}
