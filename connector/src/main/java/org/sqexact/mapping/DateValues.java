package org.sqexact.mapping;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lenient reading of the date and time shapes met in Squarespace and Exact data: ISO 8601 with
 * {@code Z} or an offset, with or without seconds and fractions ({@code 2016-12-23T15:58:07.187Z},
 * {@code 2020-04-22T22:18+00:00}, {@code +0100}), with a zone id suffix, without offset (local
 * time), a plain date, a space instead of {@code T}, European day-first dates ({@code 23-12-2016},
 * {@code 23.12.2016}, {@code 23/12/2016}), Exact's {@code /Date(1641034800000)/}, and epoch seconds
 * or milliseconds.
 */
final class DateValues {

  /** A moment ({@link Instant}) or a local date or date-time, as read. */
  sealed interface When permits Moment, Local, Day {}

  record Moment(Instant instant) implements When {}

  record Local(LocalDateTime dateTime) implements When {}

  record Day(LocalDate date) implements When {}

  static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Amsterdam");

  private static final DateTimeFormatter ISO_LENIENT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .toFormatter();

  private static final Pattern EXACT_DATE = Pattern.compile("^/Date\\((-?\\d+)([+-]\\d{4})?\\)/$");
  private static final Pattern EPOCH = Pattern.compile("^-?\\d+(\\.\\d+)?$");
  private static final Pattern DAY_FIRST =
      Pattern.compile("^(\\d{1,2})([-./])(\\d{1,2})\\2(\\d{4})$");

  private DateValues() {}

  /** Reads the value; null for null or blank; an {@link IllegalArgumentException} otherwise. */
  static When read(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      return epoch(new BigDecimal(n.toString()));
    }
    String s = value.toString().trim();
    if (s.isEmpty()) {
      return null;
    }
    Matcher exact = EXACT_DATE.matcher(s);
    if (exact.matches()) {
      return new Moment(Instant.ofEpochMilli(Long.parseLong(exact.group(1))));
    }
    if (EPOCH.matcher(s).matches()) {
      return epoch(new BigDecimal(s));
    }
    Matcher dayFirst = DAY_FIRST.matcher(s);
    if (dayFirst.matches()) {
      try {
        return new Day(
            LocalDate.of(
                Integer.parseInt(dayFirst.group(4)),
                Integer.parseInt(dayFirst.group(3)),
                Integer.parseInt(dayFirst.group(1))));
      } catch (DateTimeException e) {
        throw notADate(value);
      }
    }
    if (s.matches("^\\d{4}-\\d{2}-\\d{2} \\d.*")) {
      s = s.substring(0, 10) + "T" + s.substring(11);
    }
    try {
      if (s.length() <= 10) {
        return new Day(LocalDate.parse(s));
      }
      TemporalAccessor parsed =
          ISO_LENIENT.parseBest(s, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof ZonedDateTime z) {
        return new Moment(z.toInstant());
      }
      if (parsed instanceof OffsetDateTime o) {
        return new Moment(o.toInstant());
      }
      return new Local((LocalDateTime) parsed);
    } catch (DateTimeParseException e) {
      throw notADate(value);
    }
  }

  /** The calendar date in the zone ("2026-11-30"); null for null or blank. */
  static LocalDate date(Object value, ZoneId zone) {
    When when = read(value);
    if (when == null) {
      return null;
    }
    if (when instanceof Moment m) {
      return m.instant().atZone(zone).toLocalDate();
    }
    if (when instanceof Local l) {
      return l.dateTime().toLocalDate();
    }
    return ((Day) when).date();
  }

  /** The moment in the zone; local values are taken as local to the zone. */
  static ZonedDateTime zoned(Object value, ZoneId zone) {
    When when = read(value);
    if (when == null) {
      return null;
    }
    if (when instanceof Moment m) {
      return m.instant().atZone(zone);
    }
    if (when instanceof Local l) {
      return l.dateTime().atZone(zone);
    }
    return ((Day) when).date().atStartOfDay(zone);
  }

  static ZoneId zone(String zone) {
    if (zone == null || zone.isBlank()) {
      return DEFAULT_ZONE;
    }
    try {
      return ZoneId.of(zone.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone '" + zone + "'");
    }
  }

  private static When epoch(BigDecimal number) {
    // Above 10^11 it cannot be seconds (year 5138): milliseconds.
    BigDecimal millis =
        number.abs().compareTo(BigDecimal.valueOf(100_000_000_000L)) >= 0
            ? number
            : number.movePointRight(3);
    return new Moment(Instant.ofEpochMilli(millis.longValue()));
  }

  private static IllegalArgumentException notADate(Object value) {
    return new IllegalArgumentException("cannot read '" + value + "' as a date");
  }
}
