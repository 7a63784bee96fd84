package org.sqexact.support;

import java.util.regex.Pattern;

/**
 * Keeps e-mail addresses out of what the connector logs and stores: text from Exact or Squarespace
 * error bodies, or from a mapping error, may echo a customer's value.
 */
public final class Redact {

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

  private Redact() {}

  /** The text with every e-mail address replaced by {@code <e-mail>}. */
  public static String emails(String text) {
    return text == null ? null : EMAIL.matcher(text).replaceAll("<e-mail>");
  }
}
