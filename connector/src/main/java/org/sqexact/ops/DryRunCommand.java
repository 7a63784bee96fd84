package org.sqexact.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultExchange;
import org.sqexact.config.SettingsException;

/**
 * {@code --dry-run <order>} on the command line: starts the connector without polling, schedules or
 * its HTTP port, prints the dry run of one order (Squarespace order id, or a number the connector
 * has seen) as JSON on standard output, without writing to Exact, and stops.
 */
public final class DryRunCommand {

  private DryRunCommand() {}

  /**
   * Runs {@code --dry-run <order>} on the connector {@code newMain} gives; the exit code (0 no
   * problem, 1 problems, 2 cannot run).
   */
  public static int run(Supplier<Main> newMain, String... args) {
    if (args.length < 2) {
      System.err.println("Usage: --dry-run <Squarespace order id or number>");
      return 2;
    }
    // before the first logger exists: standard output carries only the JSON
    System.setProperty("connector.log.target", "SYSTEM_ERR");
    Main main = newMain.get();
    Properties p = new Properties();
    p.put("sync.auto-start", "false");
    p.put("connector.startup-checks", "false");
    p.put("connector.http-port", "0");
    p.put("connector.demo-new-order-seconds", "0");
    // nor the connections of connections/ (their files may switch their own polls on)
    p.put(org.sqexact.connection.ConnectionsConfiguration.START, "false");
    main.setOverrideProperties(p);
    try {
      main.start();
      CamelContext context = main.getCamelContext();
      OperatorApi api = context.getRegistry().lookupByNameAndType("operatorApi", OperatorApi.class);
      Exchange ex = new DefaultExchange(context);
      ex.getMessage().setHeader("order", args[1]);
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
