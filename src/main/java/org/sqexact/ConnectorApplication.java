package org.sqexact;

import org.apache.camel.main.Main;
import org.sqexact.config.ConnectorConfiguration;
import org.sqexact.config.SettingsException;

/**
 * Starts the connector: Camel Main with the YAML routes under {@code routes/} and the beans wired
 * by {@link ConnectorConfiguration}.
 *
 * <p>A missing or malformed setting stops start-up with one line that names it, and exit code 2.
 */
public final class ConnectorApplication {

  private ConnectorApplication() {}

  public static void main(String... args) throws Exception {
    Main main = newMain();
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
    System.exit(exitCode);
  }

  /** The connector's Camel Main, as production starts it; tests start the same one. */
  public static Main newMain() {
    Main main = new Main();
    main.configure().addConfiguration(ConnectorConfiguration.class);
    return main;
  }
}
