package org.sqexact.mapping;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;

/**
 * ISO 3166-1 alpha-2 codes from what customers and shops write: a code in any case ("nl"), an
 * alpha-3 code ("NLD"), or a country name in English, Dutch, German or French ("the Netherlands",
 * "Nederland", "Niederlande", "Pays-Bas"). Names come from the JDK's CLDR data, plus a few common
 * aliases ("UK", "Holland", "USA", "EL" for Greece as in EU VAT numbers).
 */
final class Countries {

  private static final Locale[] NAME_LOCALES = {
    Locale.ENGLISH, Locale.forLanguageTag("nl"), Locale.GERMAN, Locale.FRENCH
  };

  private static final Map<String, String> BY_KEY = build();

  private Countries() {}

  /** The upper-case alpha-2 code, or null when the value is blank or not recognised. */
  static String code(String value) {
    if (value == null) {
      return null;
    }
    String key = key(value);
    return key.isEmpty() ? null : BY_KEY.get(key);
  }

  private static Map<String, String> build() {
    Map<String, String> map = new HashMap<>();
    for (String code : Locale.getISOCountries()) {
      Locale country = new Locale.Builder().setRegion(code).build();
      for (Locale language : NAME_LOCALES) {
        String name = country.getDisplayCountry(language);
        if (!name.isBlank() && !name.equalsIgnoreCase(code)) {
          map.putIfAbsent(key(name), code);
        }
      }
    }
    // Aliases first seen in shop data, and names in case the JDK lacks the locale data.
    String[][] aliases = {
      {
        "GB",
        "uk",
        "u k",
        "great britain",
        "britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "united kingdom",
        "verenigd koninkrijk",
        "groot brittannie",
        "grossbritannien",
        "vereinigtes konigreich",
        "royaume uni",
        "angleterre"
      },
      {
        "NL",
        "netherlands",
        "holland",
        "nederland",
        "niederlande",
        "pays bas",
        "the netherlands",
        "nederlande"
      },
      {"BE", "belgium", "belgie", "belgique", "belgien"},
      {
        "DE",
        "germany",
        "deutschland",
        "duitsland",
        "allemagne",
        "bundesrepublik deutschland",
        "brd"
      },
      {"LU", "luxembourg", "luxemburg", "letzebuerg"},
      {"AT", "austria", "osterreich", "oesterreich", "oostenrijk", "autriche"},
      {"CH", "switzerland", "schweiz", "suisse", "svizzera", "zwitserland"},
      {"FR", "france", "frankrijk", "frankreich"},
      {
        "US",
        "usa",
        "u s a",
        "u s",
        "united states",
        "united states of america",
        "america",
        "verenigde staten",
        "vereinigte staaten",
        "etats unis"
      },
      {"GR", "el", "greece", "hellas"},
      {"ES", "spain", "spanje", "spanien", "espagne", "espana"},
      {"IT", "italy", "italie", "italien", "italia"},
      {"DK", "denmark", "denemarken", "danemark", "danmark"},
    };
    for (String[] alias : aliases) {
      for (int i = 1; i < alias.length; i++) {
        map.put(key(alias[i]), alias[0]);
      }
    }
    for (String code : Locale.getISOCountries()) {
      map.put(key(code), code);
      try {
        String alpha3 = new Locale.Builder().setRegion(code).build().getISO3Country();
        if (!alpha3.isEmpty()) {
          map.putIfAbsent(key(alpha3), code);
        }
      } catch (MissingResourceException e) {
        // no alpha-3 code known for this region
      }
    }
    return Map.copyOf(map);
  }

  /** Lower case, without accents, dots, apostrophes, hyphens and a leading "the". */
  private static String key(String value) {
    String s = Normalizer.normalize(value, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    s = s.toLowerCase(Locale.ROOT).replace('&', ' ');
    s = s.replaceAll("[.'’`]", "").replaceAll("[-_,()/]", " ").replaceAll("\\s+", " ").trim();
    if (s.startsWith("the ")) {
      s = s.substring(4);
    }
    return s;
  }
}
