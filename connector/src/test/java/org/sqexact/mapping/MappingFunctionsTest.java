package org.sqexact.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MappingFunctionsTest {

  /** line | country | street | number | addition ("" = none). */
  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(
      delimiter = '|',
      nullValues = "~",
      value = {
        // Netherlands
        "Keizersgracht 123-A | NL | Keizersgracht | 123 | A",
        "Keizersgracht 123 A | NL | Keizersgracht | 123 | A",
        "Keizersgracht 123a | NL | Keizersgracht | 123 | a",
        "Keizersgracht 123-2 | NL | Keizersgracht | 123 | 2",
        "Keizersgracht 123 III | NL | Keizersgracht | 123 | III",
        "Keizersgracht 123-hs | NL | Keizersgracht | 123 | hs",
        "Keizersgracht 123 huis | NL | Keizersgracht | 123 | huis",
        "1e Jan van der Heijdenstraat 12 | NL | 1e Jan van der Heijdenstraat | 12 | ~",
        "2de Hugo de Grootstraat 7 | NL | 2de Hugo de Grootstraat | 7 | ~",
        "Plein 1944 nr 7 | NL | Plein 1944 | 7 | ~",
        "Plein 1944 Nr. 7 | NL | Plein 1944 | 7 | ~",
        "Plein 1944 | NL | Plein | 1944 | ~",
        "Laan van Meerdervoort 1a | ~ | Laan van Meerdervoort | 1 | a",
        "  Damrak   1  | NL | Damrak | 1 | ~",
        // Germany, Austria
        "Hauptstr. 5b | DE | Hauptstr. | 5 | b",
        "Hauptstr. 5 b | DE | Hauptstr. | 5 | b",
        "Hauptstr.5 | DE | Hauptstr. | 5 | ~",
        "Straße des 17. Juni 135 | DE | Straße des 17. Juni | 135 | ~",
        "Bahnhofstraße 12-14 | DE | Bahnhofstraße | 12-14 | ~",
        "Bahnhofstraße 12 - 14 | DE | Bahnhofstraße | 12-14 | ~",
        "Bahnhofstraße 12-14 | ~ | Bahnhofstraße | 12-14 | ~",
        "Mariahilfer Straße 10/3 | AT | Mariahilfer Straße | 10 | 3",
        // Belgium, Luxembourg, France
        "Rue de la Loi 16 bte 3 | BE | Rue de la Loi | 16 | bte 3",
        "Rue de la Loi 16 boîte 3 | BE | Rue de la Loi | 16 | boîte 3",
        "Rue de la Loi 16 bus 3 | BE | Rue de la Loi | 16 | bus 3",
        "Rue de la Loi 16/3 | BE | Rue de la Loi | 16 | 3",
        "Meir 50 | BE | Meir | 50 | ~",
        "16 rue de la Paix | FR | rue de la Paix | 16 | ~",
        "16 bis rue de la Paix | FR | rue de la Paix | 16 | bis",
        "Avenue de la Liberté 12 | FR | Avenue de la Liberté | 12 | ~",
        // English-speaking countries
        "123 Main Street | US | Main Street | 123 | ~",
        "123 Main Street | ~ | Main Street | 123 | ~",
        "459 Broadway | US | Broadway | 459 | ~",
        "221B Baker Street | GB | Baker Street | 221 | B",
        "10 Downing Street | GB | Downing Street | 10 | ~",
        "12-14 High Street | GB | High Street | 12-14 | ~",
        "3rd Avenue | US | 3rd Avenue | ~ | ~",
        // elsewhere in Europe
        "Via Roma, 10 | IT | Via Roma | 10 | ~",
        "Calle Mayor 5, 3º B | ES | Calle Mayor | 5 | 3º B",
        "Hovedgaden 12, 2. tv | DK | Hovedgaden | 12 | 2. tv",
        // no number at all
        "Dorpsstraat | NL | Dorpsstraat | ~ | ~",
        "Straße des 17. Juni | DE | Straße des 17. Juni | ~ | ~",
        "1e Jan van der Heijdenstraat | NL | 1e Jan van der Heijdenstraat | ~ | ~",
        "Postbus 123 | NL | Postbus 123 | ~ | ~",
      })
  void splitsStreetNumberAndAddition(
      String line, String country, String street, String number, String addition) {
    Map<String, String> split = MappingFunctions.splitAddress(line, country);
    assertEquals(street, split.get("street"), "street");
    assertEquals(number, split.get("number"), "number");
    assertEquals(addition, split.get("addition"), "addition");
    assertEquals(List.of("street", "number", "addition"), List.copyOf(split.keySet()));
    assertEquals(street, MappingFunctions.street(line, country));
    assertEquals(number, MappingFunctions.houseNumber(line, country));
    assertEquals(addition, MappingFunctions.houseNumberAddition(line, country));
  }

  @Test
  void aBlankLineHasNoParts() {
    assertNull(MappingFunctions.splitAddress(null, "NL"));
    assertNull(MappingFunctions.splitAddress("   ", "NL"));
    assertNull(MappingFunctions.street(null, null));
    assertNull(MappingFunctions.houseNumber("", "NL"));
  }

  @Test
  void theCountryMayBeANameAndNumberFirstIsTriedFirstWhereItIsUsual() {
    assertEquals("Main Street", MappingFunctions.street("123 Main Street", "United States"));
    // "Apt 4" would be taken as a number by the number-after-street reading
    assertEquals("123", MappingFunctions.houseNumber("123 Main Street Apt 4", "US"));
    assertEquals("Main Street Apt 4", MappingFunctions.street("123 Main Street Apt 4", "us"));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(
      delimiter = '|',
      nullValues = "~",
      value = {
        "Keizersgracht 123-A | NL | Keizersgracht 123 A",
        "Keizersgracht 123a | NL | Keizersgracht 123 a",
        "keizersgracht   123 | NL | keizersgracht 123",
        "Rue de la Loi 16 bte 3 | BE | Rue de la Loi 16 bte 3",
        "Rue de la Loi 16/3 | BE | Rue de la Loi 16 3",
        "Hauptstr. 5b | DE | Hauptstr. 5b",
        "Hauptstr. 5 b | DE | Hauptstr. 5b",
        "Hauptstr. 5 Whg 3 | DE | Hauptstr. 5 Whg 3",
        "Bahnhofstraße 12-14 | DE | Bahnhofstraße 12-14",
        "459 Broadway | US | 459 Broadway",
        "221B  Baker Street | GB | 221B Baker Street",
        "Dorpsstraat | NL | Dorpsstraat",
        "Keizersgracht 123-A | ~ | Keizersgracht 123 A",
      })
  void writesTheLineTheCountrysWay(String line, String country, String expected) {
    assertEquals(expected, MappingFunctions.addressLine(line, country));
  }

  @Test
  void blankStaysNothing() {
    assertNull(MappingFunctions.addressLine(" ", "NL"));
    assertNull(MappingFunctions.addressLine(null, "NL"));
  }

  @Test
  void postcodes() {
    assertEquals("1015 CJ", MappingFunctions.postcode("1015cj", "NL"));
    assertEquals("1015 CJ", MappingFunctions.postcode(" 1015  CJ ", "Nederland"));
    assertEquals("SW1A 1AA", MappingFunctions.postcode("sw1a1aa", "GB"));
    assertEquals("10115", MappingFunctions.postcode("10115", "DE"));
    assertEquals("L-1234", MappingFunctions.postcode("l-1234", "LU"));
    assertNull(MappingFunctions.postcode("  ", "NL"));
  }

  @Test
  void fullNames() {
    assertEquals("Bob Loblaw", MappingFunctions.fullName("Bob", "Loblaw"));
    assertEquals("Anna Müller", MappingFunctions.fullName(" Anna ", "Müller"));
    assertEquals("Jan de Vries", MappingFunctions.fullName("Jan", " de  Vries "));
    assertEquals("Loblaw", MappingFunctions.fullName(null, "Loblaw"));
    assertEquals("Bob", MappingFunctions.fullName("Bob", "  "));
    assertEquals("Jan van der Berg", MappingFunctions.fullName("Jan", "van der", "Berg"));
    assertNull(MappingFunctions.fullName(null, null));
    assertNull(MappingFunctions.fullName("", " "));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "~",
      value = {
        "NL | NL",
        "nl | NL",
        " nl  | NL",
        "NLD | NL",
        "Nederland | NL",
        "Netherlands | NL",
        "the Netherlands | NL",
        "The Netherlands | NL",
        "Holland | NL",
        "Niederlande | NL",
        "Pays-Bas | NL",
        "Deutschland | DE",
        "Germany | DE",
        "Duitsland | DE",
        "Allemagne | DE",
        "Belgique | BE",
        "België | BE",
        "Belgie | BE",
        "Belgien | BE",
        "Belgium | BE",
        "UK | GB",
        "U.K. | GB",
        "United Kingdom | GB",
        "Verenigd Koninkrijk | GB",
        "USA | US",
        "United States | US",
        "Verenigde Staten | US",
        "Österreich | AT",
        "Schweiz | CH",
        "Suisse | CH",
        "Luxembourg | LU",
        "Frankrijk | FR",
        "Espagne | ES",
        "EL | GR",
        "Atlantis | ~",
        "XX | ~",
        "'' | ~",
      })
  void countries(String value, String expected) {
    assertEquals(expected, MappingFunctions.country(value));
  }

  @Test
  void countryOfNothingIsNothing() {
    assertNull(MappingFunctions.country(null));
  }

  @Test
  void vatNumbers() {
    assertEquals("NL123456789B01", MappingFunctions.normalizeVat("NL123456789B01", "NL"));
    assertEquals("NL123456789B01", MappingFunctions.normalizeVat("nl 1234.56.789.b01", null));
    assertEquals("NL123456789B01", MappingFunctions.normalizeVat("123456789B01", "NL"));
    assertEquals("BE0123456789", MappingFunctions.normalizeVat("0123.456.789", "Belgique"));
    assertEquals("DE123456789", MappingFunctions.normalizeVat("DE 123 456 789", "DE"));
    assertEquals("EL123456789", MappingFunctions.normalizeVat("123456789", "GR"));
    assertEquals("123456789", MappingFunctions.normalizeVat("123456789", null));
    assertNull(MappingFunctions.normalizeVat(" ", "NL"));
    assertNull(MappingFunctions.normalizeVat(null, "NL"));
  }

  @Test
  void truncation() {
    assertEquals("Espresso", MappingFunctions.truncate("Espresso bonen", 8));
    assertEquals("Espresso", MappingFunctions.truncate("Espresso bonen", 9)); // trailing space
    assertEquals("Espresso bonen", MappingFunctions.truncate("Espresso bonen", 60));
    assertEquals("", MappingFunctions.truncate("abc", 0));
    assertNull(MappingFunctions.truncate(null, 10));
    // code points, not chars: the emoji is not cut in half
    assertEquals("Koffie ☕", MappingFunctions.truncate("Koffie ☕☕", 8));
    assertEquals("ab😀", MappingFunctions.truncate("ab😀😀", 3));
    assertThrows(IllegalArgumentException.class, () -> MappingFunctions.truncate("abc", -1));
  }

  @Test
  void coalesce() {
    assertEquals("a", MappingFunctions.coalesce(null, " ", List.of(), "a", "b"));
    assertEquals(0, MappingFunctions.coalesce(null, 0));
    assertEquals(false, MappingFunctions.coalesce("", false));
    assertNull(MappingFunctions.coalesce(null, "", "  "));
  }

  @ParameterizedTest(name = "{0} in {1} → {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "~",
      value = {
        "2016-12-23T15:58:07.187Z | ~ | 2016-12-23",
        // 23:30 UTC is the next day in the Netherlands (CET, +1) ...
        "2026-11-29T23:30:12.401Z | ~ | 2026-11-30",
        "2026-11-29T23:30:12.401Z | Europe/Amsterdam | 2026-11-30",
        // ... but not in London
        "2026-11-29T23:30:12.401Z | Europe/London | 2026-11-29",
        "2026-11-29T23:30:12.401Z | UTC | 2026-11-29",
        // summer time: +2
        "2026-06-30T22:05:00.000Z | Europe/Brussels | 2026-07-01",
        "2026-06-30T21:59:59Z | ~ | 2026-06-30",
        "2020-04-22T22:18+00:00 | ~ | 2020-04-23",
        "2017-01-28T22:19:26.98Z | ~ | 2017-01-28",
        "2026-11-29T23:30:00+0000 | ~ | 2026-11-30",
        "2026-11-29T23:30:00-05:00 | ~ | 2026-11-30",
        "2026-11-29T23:30:00+01:00[Europe/Amsterdam] | ~ | 2026-11-29",
        // without offset: already local, kept
        "2026-11-29T23:30:00 | ~ | 2026-11-29",
        "2026-11-29 23:30:00 | ~ | 2026-11-29",
        "2026-11-29 | ~ | 2026-11-29",
        "29-11-2026 | ~ | 2026-11-29",
        "29.11.2026 | ~ | 2026-11-29",
        "/Date(1641034800000)/ | ~ | 2022-01-01",
        "1641034800000 | ~ | 2022-01-01",
        "1553532363.542 | UTC | 2019-03-25",
      })
  void exactDates(String value, String zone, String expected) {
    assertEquals(expected, MappingFunctions.exactDate(value, zone));
  }

  @Test
  void numbersAndNothing() {
    assertEquals("2022-01-01", MappingFunctions.exactDate(1641034800000L, null));
    assertEquals("2019-03-25", MappingFunctions.exactDate(new BigDecimal("1553532363.542"), "UTC"));
    assertNull(MappingFunctions.exactDate(null, null));
    assertNull(MappingFunctions.exactDate("  ", null));
  }

  @Test
  void whatIsNoDateFails() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MappingFunctions.exactDate("yesterday", null));
    assertEquals("cannot read 'yesterday' as a date", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> MappingFunctions.exactDate("2026-02-30", null));
    assertThrows(
        IllegalArgumentException.class, () -> MappingFunctions.exactDate("31-02-2026", null));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MappingFunctions.exactDate("2026-11-29T23:30:00Z", "Mars/Olympus"));
    assertEquals("unknown time zone 'Mars/Olympus'", e.getMessage());
  }

  @Test
  void formatting() {
    assertEquals(
        "23 december 2016",
        MappingFunctions.formatDate("2016-12-23T15:58:07.187Z", "d MMMM yyyy", null, "nl"));
    assertEquals(
        "23.12.2016 16:58",
        MappingFunctions.formatDate("2016-12-23T15:58:07.187Z", "dd.MM.yyyy HH:mm", null, null));
    assertEquals(
        "2016-12-23 15:58 UTC",
        MappingFunctions.formatDate("2016-12-23T15:58:07.187Z", "yyyy-MM-dd HH:mm z", "UTC", null));
    assertEquals(
        "Friday", MappingFunctions.formatDate("2016-12-23", "EEEE", "Europe/Amsterdam", null));
    assertEquals("2026-W49", MappingFunctions.formatDate("2026-11-30", "YYYY-'W'ww", null, null));
    assertNull(MappingFunctions.formatDate(null, "yyyy", null, null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MappingFunctions.formatDate("2016-12-23", "yyyy-qq-{", null, null));
    assertTrue(e.getMessage().startsWith("invalid date pattern 'yyyy-qq-{'"), e.getMessage());
  }

  private final List<Map<String, Object>> answers =
      List.of(
          answer("How did you hear about us?", "Facebook"),
          answer("Bedrijfsnaam", "   "),
          answer(" Company name: ", " Koffiehuis De Boon B.V. "),
          answer("BTW-nummer *", "NL123456789B01"),
          answer("Company", "Second answer"));

  private static Map<String, Object> answer(String label, String value) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("label", label);
    a.put("value", value);
    return a;
  }

  @Test
  void theFirstNonBlankAnswerToOneOfTheLabels() {
    assertEquals(
        "Koffiehuis De Boon B.V.",
        MappingFunctions.formValue(
            answers, List.of("Company", "company name", "Bedrijfsnaam", "Firma")));
    assertEquals("NL123456789B01", MappingFunctions.formValue(answers, "btw-nummer"));
    assertEquals("Facebook", MappingFunctions.formValue(answers, "HOW DID YOU HEAR ABOUT US?"));
    assertEquals("Second answer", MappingFunctions.formValue(answers, List.of("Company")));
  }

  @Test
  void nothingWhenNoLabelMatches() {
    assertNull(MappingFunctions.formValue(answers, List.of("VAT number")));
    assertNull(MappingFunctions.formValue(answers, "Bedrijfsnaam")); // only a blank answer
    assertNull(MappingFunctions.formValue(null, "Company"));
    assertNull(MappingFunctions.formValue(List.of(), "Company"));
    assertNull(MappingFunctions.formValue(answers, null));
  }

  @Test
  void aSingleAnswerAndJsonTreesAreAccepted() {
    assertEquals(
        "X", MappingFunctions.formValue(answer("Company", "X"), Arrays.asList(null, "company")));
    var json = DataMapper.jsonMapper().valueToTree(answers);
    assertEquals("NL123456789B01", MappingFunctions.formValue(json, "BTW-nummer", "VAT"));
  }

  @Test
  void lookups() {
    Settings settings =
        Settings.of(
            Map.of(
                "paymentConditions", Map.of("STRIPE/VISA", "IC", "PayPal", "PP"),
                "journals", Map.of("default", 70)));
    assertEquals("IC", MappingFunctions.lookup(settings, "paymentConditions", "STRIPE/VISA", null));
    assertEquals(
        "IC", MappingFunctions.lookup(settings, "paymentConditions", " stripe/visa ", null));
    assertEquals("PP", MappingFunctions.lookup(settings, "paymentConditions", "PAYPAL", "X"));
    assertEquals("X", MappingFunctions.lookup(settings, "paymentConditions", "IDEAL", "X"));
    assertNull(MappingFunctions.lookup(settings, "paymentConditions", "IDEAL", null));
    assertEquals("X", MappingFunctions.lookup(settings, "nonexistent", "IDEAL", "X"));
    assertEquals(70, MappingFunctions.lookup(settings, "journals", "Default", null));
    assertEquals("X", MappingFunctions.lookup(Settings.none(), "journals", "default", "X"));
  }
}
