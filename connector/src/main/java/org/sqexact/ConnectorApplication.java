package org.sqexact;

import org.apache.camel.main.Main;
import org.sqexact.config.ConnectorConfiguration;
import org.sqexact.config.Startup;
import org.sqexact.ops.DryRunCommand;

/**
 * Starts the connector: Camel Main with the YAML routes under {@code routes/} and the beans of the
 * configuration classes in {@link ConnectorConfiguration#AREAS}. {@code --dry-run <order>} shows
 * the payloads one order would get and exits ({@link DryRunCommand}).
 */
public final class ConnectorApplication {

  private ConnectorApplication() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("--hash-password")) {
      System.exit(
          org.sqexact.ops.console.PasswordHashCommand.run(System.in, System.out, System.err));
    }
    boolean dryRun = args.length > 0 && args[0].equals("--dry-run");
    System.exit(
        dryRun
            ? DryRunCommand.run(ConnectorApplication::newMain, args)
            : Startup.run(newMain(), args));
  }

  /** The connector's Camel Main, as production starts it; tests start the same one. */
  public static Main newMain() {
    Main main = new Main();
    ConnectorConfiguration.AREAS.forEach(main.configure()::addConfiguration);
    return main;
  }
}
