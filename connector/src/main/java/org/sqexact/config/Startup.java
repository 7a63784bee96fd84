package org.sqexact.config;

import org.apache.camel.main.Main;

/**
 * Runs the connector until it is stopped and gives the process's exit code: a missing or malformed
 * setting stops start-up with one line that names it, and exit code 2.
 */
public final class Startup {

  private Startup() {}

  /** Runs {@code main} with the command line; the exit code. */
  public static int run(Main main, String... args) {
    int exitCode;
    try {
      exitCode = main.run(args);
    } catch (Exception e) {
      exitCode = 1;
      SettingsException.rememberIfSettingsProblem(e);
      if (SettingsException.lastProblem() == null) {
        System.err.println("The connector could not start: " + e);
        e.printStackTrace();
      }
    }
    String settingsProblem = SettingsException.lastProblem();
    if (settingsProblem != null) {
      System.err.println("Configuration error: " + settingsProblem);
      exitCode = 2;
    }
    return exitCode;
  }
}
