package org.sqexact.config;

import java.time.Clock;
import org.apache.camel.CamelContext;

/** Starts the built-in sandbox of both APIs when no credentials are configured. */
final class DemoMode {

  private DemoMode() {}

  static void start(CamelContext context, ConnectorSettings settings, Clock clock) {
    throw new SettingsException(
        "no credentials are configured and the demo sandbox is not available in this build; set"
            + " SQUARESPACE_API_KEY, EXACT_CLIENT_ID, EXACT_CLIENT_SECRET, EXACT_REFRESH_TOKEN and"
            + " EXACT_DIVISION");
  }
}
