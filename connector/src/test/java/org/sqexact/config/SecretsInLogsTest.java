package org.sqexact.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;

/** No secret-bearing setting is written to the log at start-up (nor the start-up summary). */
class SecretsInLogsTest {

  @Test
  void secretSettingsNeverAppearInTheLog() {
    Map<String, String> settings =
        ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    settings.put("connector.db-password", "db-pw-must-not-be-logged-4711");
    settings.put("connector.api-token", "api-token-must-not-be-logged-4711");
    settings.put("squarespace.api-key", "sq-key-must-not-be-logged-4711");
    settings.put("exact.client-secret", "client-secret-must-not-be-logged-4711");
    settings.put("exact.refresh-token", "refresh-token-must-not-be-logged-4711");

    StringWriter log = new StringWriter();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender capture =
        WriterAppender.newBuilder()
            .setName("secrets-capture")
            .setTarget(log)
            .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
            .build();
    capture.start();
    ctx.getConfiguration().getRootLogger().addAppender(capture, null, null);
    ctx.updateLoggers();
    try (ConnectorHarness connector = ConnectorHarness.start(settings, null)) {
      assertTrue(connector.call("GET", "/api/status").statusCode() == 200);
    } finally {
      ctx.getConfiguration().getRootLogger().removeAppender("secrets-capture");
      ctx.updateLoggers();
      capture.stop();
    }
    String text = log.toString();
    assertTrue(text.contains("set up"), "the log was captured: " + text.length() + " chars");
    for (String secret :
        List.of(
            "db-pw-must-not-be-logged",
            "api-token-must-not-be-logged",
            "sq-key-must-not-be-logged",
            "client-secret-must-not-be-logged",
            "refresh-token-must-not-be-logged",
            ConnectorHarness.SECRET_KEY)) {
      assertFalse(text.contains(secret), "the log shows a secret: " + secret);
    }
  }
}
