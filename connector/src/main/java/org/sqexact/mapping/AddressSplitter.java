package org.sqexact.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one address line into street, house number and addition.
 *
 * <p>Most of Europe writes the number after the street ("Keizersgracht 123-A", "Hauptstr. 5b", "Rue
 * de la Loi 16 bte 3"); the English-speaking world, France and Luxembourg write it first ("123 Main
 * Street", "16 rue de la Paix"). The country decides which reading is tried first; the other is the
 * fallback. Numbers that belong to the street name ("Straße des 17. Juni 135", "1e Jan van der
 * Heijdenstraat 12", "Plein 1944 nr 7") are recognised because an addition may only be a short
 * suffix (letters, a box or apartment marker, a Dutch "-2"), never more words.
 */
final class AddressSplitter {

  /** The parts of an address line; number and addition are null when absent. */
  record Split(String street, String number, String addition) {}

  /** Countries that write the house number before the street. */
  static final Set<String> NUMBER_FIRST =
      Set.of(
          "US", "CA", "GB", "IE", "AU", "NZ", "FR", "LU", "MC", "ZA", "IN", "SG", "HK", "PH", "MY");

  /** Countries whose letter additions follow the number without a space (DIN 5008: "5b"). */
  private static final Set<String> ATTACHED_LETTER = Set.of("DE", "AT", "CH", "LI");

  private static final Pattern DIGITS = Pattern.compile("\\d+");

  /** "nr 7", "No. 7", "n° 7": a marker before the number, dropped. */
  private static final Pattern NUMBER_MARKER =
      Pattern.compile(
          "(?iu)(?:^|[\\s,])(?:nr|no|num|nummer|numero|numéro|hausnummer|huisnummer)\\.?\\s*$"
              + "|(?iu)\\s*(?:n°|nº|#)\\s*$");

  /** A box, apartment or floor keyword right before a number: that number is not the house's. */
  private static final String BOX_WORDS =
      "bte|bus|boîte|boite|box|bt|app|apt|appt|appartement|apartment|flat|unit|suite|ste|whg"
          + "|wohnung|etage|étage|stock|verdieping|vd|postbus|pb|po box|toevoeging";

  private static final Pattern BOX_BEFORE =
      Pattern.compile("(?iu)(?:^|[\\s,])(?:" + BOX_WORDS + ")\\.?\\s*$");

  /** What may follow the house number: a box/apartment part ("bte 3", "boîte 3", "app. 4"). */
  private static final Pattern BOX_ADDITION =
      Pattern.compile("(?iu)^[\\s,\\-/]*((?:" + BOX_WORDS + ")\\.?\\s*\\S.{0,20})$");

  /** ... or a short letter suffix ("A", "b", "hs", "bis", "III", "b3"). */
  private static final Pattern LETTER_ADDITION =
      Pattern.compile(
          "(?iu)^[\\s\\-/]*(\\p{L}{1,3}\\d{0,4}|[ivx]{1,4}|huis|hoog|laag|boven|beneden|zwart"
              + "|rood|links|rechts|vorne|hinten|quater)\\.?$");

  /** ... or a second number after a dash or slash ("12-14", "123-2", "16/3"). */
  private static final Pattern NUMBER_ADDITION =
      Pattern.compile("^\\s*([-/])\\s*(\\d{1,5}\\p{L}?)$");

  /** ... or a short part after a comma ("Hovedgaden 12, 2. tv"). */
  private static final Pattern COMMA_ADDITION = Pattern.compile("^\\s*,\\s*(\\S.{0,19})$");

  private static final Pattern LEADING =
      Pattern.compile(
          "(?iu)^(\\d+)(?:\\s*(bis|ter|quater)(?=[\\s,])|(\\p{L})(?=[\\s,])|\\s*-\\s*(\\d+\\p{L}?)"
              + "|/(\\d+))?[\\s,]+(.*\\p{L}.*)$");

  private static final Pattern HAS_LETTER = Pattern.compile("\\p{L}");

  private AddressSplitter() {}

  /** Collapses white space (including non-breaking spaces) and trims; null for a blank line. */
  static String normalise(String line) {
    if (line == null) {
      return null;
    }
    String s = line.replace('\u00A0', ' ').replaceAll("\\s+", " ").trim();
    return s.isEmpty() ? null : s;
  }

  /**
   * Splits the line; null for a blank line. Without a recognisable house number the whole line is
   * the street.
   *
   * @param country ISO code or name; null to try number-after-street first
   */
  static Split split(String line, String country) {
    String s = normalise(line);
    if (s == null) {
      return null;
    }
    String code = country == null ? null : Countries.code(country);
    Split split;
    if (code != null && NUMBER_FIRST.contains(code)) {
      split = leading(s);
      if (split == null) {
        split = trailing(s, code);
      }
    } else {
      split = trailing(s, code);
      if (split == null) {
        split = leading(s);
      }
    }
    return split != null ? split : new Split(s, null, null);
  }

  /**
   * The line written the country's way: "Keizersgracht 123 A", "Hauptstr. 5b", "123 Main Street".
   * Number-first countries keep the line as typed (only white space is tidied).
   */
  static String format(String line, String country) {
    String s = normalise(line);
    if (s == null) {
      return null;
    }
    String code = country == null ? null : Countries.code(country);
    Split split = split(s, code);
    if (split.number() == null || (code != null && NUMBER_FIRST.contains(code))) {
      return s;
    }
    StringBuilder b = new StringBuilder(split.street()).append(' ').append(split.number());
    String addition = split.addition();
    if (addition != null) {
      boolean attach = code != null && ATTACHED_LETTER.contains(code) && addition.matches("\\p{L}");
      b.append(attach ? "" : " ").append(addition);
    }
    return b.toString();
  }

  private static Split trailing(String s, String code) {
    List<int[]> numbers = new ArrayList<>();
    Matcher m = DIGITS.matcher(s);
    while (m.find()) {
      numbers.add(new int[] {m.start(), m.end()});
    }
    for (int i = numbers.size() - 1; i >= 0; i--) {
      int start = numbers.get(i)[0];
      int end = numbers.get(i)[1];
      Split split = trailingAt(s, start, end, code);
      if (split != null) {
        return split;
      }
    }
    return null;
  }

  private static Split trailingAt(String s, int start, int end, String code) {
    String before = s.substring(0, start);
    String after = s.substring(end);
    if (before.isEmpty()) {
      return null;
    }
    char last = before.charAt(before.length() - 1);
    if (Character.isLetterOrDigit(last)) {
      return null; // glued to a word ("A2", "b3"): not a house number of its own
    }
    if (before.matches("(?s).*\\d\\s*[-/]\\s*$") || BOX_BEFORE.matcher(before).find()) {
      return null; // second half of "12-14", or the number of a box/apartment
    }
    before = NUMBER_MARKER.matcher(before).replaceFirst("");
    String street = before.replaceAll("[\\s,]+$", "");
    if (!HAS_LETTER.matcher(street).find()) {
      return null;
    }
    String number = s.substring(start, end);
    if (after.isBlank()) {
      return new Split(street, number, null);
    }
    Matcher n = NUMBER_ADDITION.matcher(after);
    if (n.matches()) {
      if ("-".equals(n.group(1)) && !"NL".equals(code)) {
        return new Split(street, number + "-" + n.group(2), null); // a range: "12-14"
      }
      return new Split(street, number, n.group(2));
    }
    for (Pattern p : new Pattern[] {BOX_ADDITION, LETTER_ADDITION, COMMA_ADDITION}) {
      Matcher a = p.matcher(after);
      if (a.matches()) {
        String addition = a.group(1).trim();
        if (addition.endsWith(".") && p == LETTER_ADDITION) {
          addition = addition.substring(0, addition.length() - 1);
        }
        return new Split(street, number, addition);
      }
    }
    return null;
  }

  private static Split leading(String s) {
    Matcher m = LEADING.matcher(s);
    if (!m.matches()) {
      return null;
    }
    String number = m.group(1);
    String addition = null;
    if (m.group(2) != null) {
      addition = m.group(2);
    } else if (m.group(3) != null) {
      if (m.group(3).toLowerCase(Locale.ROOT).equals("e")) {
        return null; // Dutch ordinal: "1e Jan van der Heijdenstraat" has no number in front
      }
      addition = m.group(3);
    } else if (m.group(4) != null) {
      number = number + "-" + m.group(4);
    } else if (m.group(5) != null) {
      addition = m.group(5);
    }
    return new Split(m.group(6).trim(), number, addition);
  }
}
