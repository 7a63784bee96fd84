package org.sqexact.config;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Typed, checked access to the connector's properties: each getter names the property and its
 * environment variable in the one-line error a wrong value gets. Every settings class reads through
 * one.
 */
public final class SettingsReader {
  private final Function<String, String> property;

  public SettingsReader(Function<String, String> property) {
    this.property = property;
  }

  public static String name(String key) {
    return ConnectorSettings.envName(key) + " (" + key + ")";
  }

  public String optional(String key) {
    String v = property.apply(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String required(String key, String value) {
    if (value == null) {
      throw new SettingsException(name(key) + " is required but not set");
    }
    return value;
  }

  public String text(String key, String defaultValue) {
    String v = optional(key);
    return v == null ? defaultValue : v;
  }

  public int integer(String key, Integer defaultValue, int min, int max) {
    String v = optional(key);
    if (v == null) {
      if (defaultValue == null) {
        throw new SettingsException(name(key) + " is required but not set");
      }
      return defaultValue;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new SettingsException(
            name(key) + " must be between " + min + " and " + max + ", got '" + v + "'");
      }
      return i;
    } catch (NumberFormatException e) {
      throw new SettingsException(name(key) + " must be a whole number, got '" + v + "'");
    }
  }

  public Duration seconds(String key, int defaultSeconds, int min, int max) {
    return Duration.ofSeconds(integer(key, defaultSeconds, min, max));
  }

  public URI url(String key, String defaultValue) {
    String v = text(key, defaultValue);
    try {
      URI uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new SettingsException(
            name(key) + " must be an http(s) URL such as " + defaultValue + ", got '" + v + "'");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new SettingsException(name(key) + " is not a valid URL: '" + v + "'");
    }
  }

  public java.util.List<String> list(String key, String defaultValue) {
    String v = text(key, defaultValue);
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  public boolean bool(String key, boolean defaultValue) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no") || v.equals("0")) {
      return false;
    }
    throw new SettingsException(name(key) + " must be true or false, got '" + v + "'");
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    String normalised = v.toUpperCase(Locale.ROOT);
    if (normalised.equals("TRUE")) {
      normalised = "ON";
    } else if (normalised.equals("FALSE")) {
      normalised = "OFF";
    }
    try {
      return Enum.valueOf(type, normalised);
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      throw new SettingsException(name(key) + " must be one of " + allowed + ", got '" + v + "'");
    }
  }

  /** Lenient: an ISO date, a date-time with or without offset (UTC assumed). */
  public Instant instant(String key) {
    String v = optional(key);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException ignored) {
      // try the next shape
    }
    try {
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // try the next shape
    }
    try {
      return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new SettingsException(
          name(key)
              + " must be an ISO date or date-time such as 2026-11-01T00:00:00Z, got '"
              + v
              + "'");
    }
  }
}
