package org.sqexact;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultExchange;
import org.sqexact.config.ConnectorConfiguration;
import org.sqexact.config.SettingsException;
import org.sqexact.ops.OperatorApi;

/**
 * Starts the connector: Camel Main with the YAML routes under {@code routes/} and the beans wired
 * by {@link ConnectorConfiguration}.
 *
 * <p>A missing or malformed setting stops start-up with one line that names it, and exit code 2.
 *
 * <p>{@code --dry-run <order>} shows the payloads an order (Squarespace order id, or a number the
 * connector has seen) would get, without writing to Exact, and exits.
 */
public final class ConnectorApplication {

  private ConnectorApplication() {}

  public static void main(String... args) throws Exception {
    if (args.length > 0 && args[0].equals("--hash-password")) {
      System.exit(
          org.sqexact.ops.console.PasswordHashCommand.run(System.in, System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("--dry-run")) {
      if (args.length < 2) {
        System.err.println("Usage: --dry-run <Squarespace order id or number>");
        System.exit(2);
      }
      System.setProperty("connector.log.target", "SYSTEM_ERR");
      System.exit(dryRun(args[1]));
    }
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

  /**
   * Starts the connector without polling, schedules or its HTTP port, runs the dry run of one
   * order, prints it as JSON and stops.
   */
  static int dryRun(String order) {
    Main main = newMain();
    Properties p = new Properties();
    p.put("sync.auto-start", "false");
    p.put("connector.startup-checks", "false");
    p.put("connector.http-port", "0");
    p.put("connector.demo-new-order-seconds", "0");
    main.setOverrideProperties(p);
    try {
      main.start();
      CamelContext context = main.getCamelContext();
      OperatorApi api = context.getRegistry().lookupByNameAndType("operatorApi", OperatorApi.class);
      Exchange ex = new DefaultExchange(context);
      ex.getMessage().setHeader("order", order);
      Object result = api.dryRun(ex);
      System.out.println(
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
      int status = ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
      return status < 400 ? 0 : 1;
    } catch (RuntimeException | java.io.IOException e) {
      SettingsException s = SettingsException.find(e);
      System.err.println(
          s != null ? "Configuration error: " + s.getMessage() : "The dry run failed: " + e);
      return 2;
    } finally {
      main.stop();
    }
  }
}
