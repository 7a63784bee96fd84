package org.sqexact.squarespace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * How Squarespace JSON is read: unknown fields ignored (Squarespace adds fields without a version
 * bump), money as {@link BigDecimal} from a string or a number, dates parsed leniently.
 */
public final class SquarespaceJson {

  private static final ObjectMapper MAPPER = create();

  private SquarespaceJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper create() {
    SimpleModule module = new SimpleModule("squarespace");
    module.addDeserializer(Instant.class, new LenientInstant());
    module.addDeserializer(BigDecimal.class, new LenientDecimal());
    return new ObjectMapper()
        .registerModule(module)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT, true)
        .configure(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT, true)
        .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
  }

  /**
   * Parses the date-time shapes Squarespace sends: {@code 2016-12-23T15:58:07.187Z}, {@code
   * 2017-01-28T22:19:26.98Z}, {@code 2020-04-22T22:18+00:00}, without an offset (UTC), a plain
   * date, or epoch seconds/milliseconds.
   */
  public static Instant parseInstant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim();
    if (t.matches("-?\\d+(\\.\\d+)?")) {
      BigDecimal n = new BigDecimal(t);
      // epoch seconds (with fractions) below ~year 5000, else milliseconds
      return n.compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0
          ? Instant.ofEpochMilli(n.movePointRight(3).longValue())
          : Instant.ofEpochMilli(n.longValue());
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException ignored) {
      // next shape
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // next shape
    }
    return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** Money and other decimals: "55.00", 55.00 or 55 all become an exact BigDecimal. */
  public static BigDecimal parseDecimal(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    return new BigDecimal(text.trim());
  }

  static final class LenientInstant extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      String text = p.getValueAsString();
      try {
        return parseInstant(text);
      } catch (DateTimeParseException | NumberFormatException e) {
        return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not a date-time");
      }
    }
  }

  static final class LenientDecimal extends JsonDeserializer<BigDecimal> {
    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
        return p.getDecimalValue();
      }
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      String text = p.getValueAsString();
      try {
        return parseDecimal(text);
      } catch (NumberFormatException e) {
        return (BigDecimal) ctxt.handleWeirdStringValue(BigDecimal.class, text, "not a number");
      }
    }
  }
}
