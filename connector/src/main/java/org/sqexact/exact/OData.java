package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqexact.support.Redact;

/** Exact Online's OData v2 conventions: query options, literals, dates and error bodies. */
public final class OData {

  private static final Pattern DATE = Pattern.compile("/Date\\((-?\\d+)([+-]\\d{4})?\\)/");
  private static final DateTimeFormatter DATETIME_LITERAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private OData() {}

  /** A string literal: {@code o'brien} → {@code 'o''brien'}. */
  public static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** A GUID literal: {@code guid'…'}. */
  public static String guid(String value) {
    return "guid'" + UUID.fromString(value) + "'";
  }

  /** A DateTime literal in UTC: {@code datetime'2026-01-01T00:00:00'}. */
  public static String datetime(Instant instant) {
    return "datetime'"
        + DATETIME_LITERAL.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC))
        + "'";
  }

  /** {@code Field eq 'a' or Field eq 'b' …} for a set of string values. */
  public static String anyOf(String field, Collection<String> values) {
    List<String> parts = new ArrayList<>();
    for (String v : values) {
      parts.add(field + " eq " + quote(v));
    }
    return String.join(" or ", parts);
  }

  /** Parses {@code /Date(1455753600000)/} (optionally with an offset) to an instant, or null. */
  public static Instant parseDate(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return parseDate(node.asText());
  }

  /** Parses {@code /Date(1455753600000)/} (optionally with an offset) to an instant, or null. */
  public static Instant parseDate(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = DATE.matcher(text.trim());
    if (m.matches()) {
      return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
    }
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
  }

  /**
   * Exact's error text from an error body ({@code {"error":{"message":{"value":"…"}}}}), or the
   * start of the body when it has another shape.
   */
  public static String errorMessage(JsonNode body, String raw) {
    if (body != null) {
      JsonNode value = body.path("error").path("message").path("value");
      if (value.isTextual() && !value.asText().isBlank()) {
        return Redact.emails(value.asText());
      }
      JsonNode message = body.path("error").path("message");
      if (message.isTextual() && !message.asText().isBlank()) {
        return Redact.emails(message.asText());
      }
      JsonNode description = body.path("error_description");
      if (description.isTextual()) {
        return Redact.emails(description.asText());
      }
    }
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String oneLine = raw.replaceAll("\\s+", " ").trim();
    return Redact.emails(oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine);
  }

  /** A query: {@code $select} is required, as Exact wants it on every read. */
  public static Query select(String... fields) {
    return new Query(String.join(",", fields));
  }

  /** OData query options, encoded for the URL. */
  public static final class Query {
    private final Map<String, String> options = new LinkedHashMap<>();

    private Query(String select) {
      if (select == null || select.isBlank()) {
        throw new IllegalArgumentException("$select is required on every Exact read");
      }
      options.put("$select", select);
    }

    public Query filter(String filter) {
      if (filter != null && !filter.isBlank()) {
        options.put("$filter", filter);
      }
      return this;
    }

    public Query top(int top) {
      options.put("$top", Integer.toString(top));
      return this;
    }

    public Query orderBy(String orderBy) {
      options.put("$orderby", orderBy);
      return this;
    }

    public Query expand(String expand) {
      options.put("$expand", expand);
      return this;
    }

    public Query param(String name, String value) {
      options.put(name, value);
      return this;
    }

    public String filterText() {
      return options.get("$filter");
    }

    /** The encoded query string, without the leading {@code ?}. */
    public String encoded() {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, String> e : options.entrySet()) {
        if (sb.length() > 0) {
          sb.append('&');
        }
        sb.append(e.getKey()).append('=').append(encode(e.getValue()));
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return encoded();
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
