package org.sqexact.config;

/**
 * A setting is missing or malformed. The message is one line that names the environment variable
 * and the property, so an operator knows what to fix.
 */
public final class SettingsException extends RuntimeException {

  private static volatile String lastProblem;

  public SettingsException(String message) {
    super(message, null, false, false);
    lastProblem = message;
  }

  /** The last settings problem raised in this JVM, or null. */
  public static String lastProblem() {
    return lastProblem;
  }

  /** Remembers the settings problem inside {@code e}'s causes, if there is one. */
  public static void rememberIfSettingsProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SettingsException) {
        lastProblem = t.getMessage();
        return;
      }
    }
  }

  /** Finds a settings problem among {@code e}'s causes, or null. */
  public static SettingsException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SettingsException s) {
        return s;
      }
    }
    return null;
  }
}
