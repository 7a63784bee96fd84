package org.sqexact.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reading the bodies both APIs answer with, and the causes of the failures they raise. */
public final class Bodies {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Bodies() {}

  /** The body as JSON, or null when it is empty or not JSON (an HTML error page, say). */
  public static JsonNode parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  /** The first cause of {@code t} (itself included) of the type, or null. */
  public static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** Whether {@code t} or one of its causes is of the type. */
  public static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    return cause(t, type) != null;
  }
}
