package org.sqexact.ops;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sqexact.config.SettingsException;
import org.sqexact.config.SettingsReader;

/**
 * Where alerts go besides the log: e-mail over SMTP and/or a JSON webhook (Slack, Microsoft Teams
 * or any receiver of JSON), how long identical alerts are grouped, and the address under which the
 * operator reaches the connector (for the link in each alert). Checked at start-up, so a typo in an
 * address stops the connector with one line instead of losing alerts later.
 */
public record AlertSettings(
    int groupSeconds,
    int pollStalledIntervals,
    List<String> emailTo,
    String emailFrom,
    String smtpHost,
    int smtpPort,
    String smtpUser,
    String smtpPassword,
    boolean smtpStartTls,
    URI webhookUrl,
    WebhookFormat webhookFormat,
    String publicUrl) {

  /** The JSON shape the webhook receiver understands. */
  public enum WebhookFormat {
    /** Slack incoming webhooks: {@code {"text": …}}. */
    SLACK,
    /**
     * Microsoft Teams Workflows ("When a Teams webhook request is received"): a message with one
     * Adaptive Card; Workflows accept Adaptive Cards only, not the retired connector MessageCard.
     */
    TEAMS,
    /** The alert as structured JSON (code, count, messages, orders, links) for other receivers. */
    JSON
  }

  // deliberately loose: one @, something on both sides, a dot in the domain
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+");

  public static AlertSettings read(SettingsReader r, int httpPort) {
    int group = r.integer("alerts.group-seconds", 60, 1, 86400);
    List<String> to = r.list("alerts.email.to", "");
    for (String address : to) {
      if (!ADDRESS.matcher(address).matches()) {
        throw new SettingsException(
            SettingsReader.name("alerts.email.to")
                + " must be e-mail addresses separated by commas, got '"
                + address
                + "'");
      }
    }
    String from = r.text("alerts.email.from", "connector@localhost");
    String host = r.optional("alerts.smtp.host");
    if (!to.isEmpty() && host == null) {
      throw new SettingsException(
          SettingsReader.name("alerts.smtp.host")
              + " is required when "
              + SettingsReader.name("alerts.email.to")
              + " is set");
    }
    int port = r.integer("alerts.smtp.port", 587, 1, 65535);
    String webhook = r.optional("alerts.webhook.url");
    URI webhookUrl = webhook == null ? null : r.url("alerts.webhook.url", "https://hooks.example");
    String format = r.text("alerts.webhook.format", "slack").toUpperCase(Locale.ROOT);
    WebhookFormat webhookFormat;
    try {
      webhookFormat = WebhookFormat.valueOf(format);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          SettingsReader.name("alerts.webhook.format")
              + " must be slack, teams or json, got '"
              + format.toLowerCase(Locale.ROOT)
              + "'");
    }
    String publicUrl = r.url("connector.public-url", "http://localhost:" + httpPort).toString();
    return new AlertSettings(
        group,
        r.integer("alerts.poll-stalled-intervals", 5, 1, 1000),
        List.copyOf(to),
        from,
        host,
        port,
        r.optional("alerts.smtp.user"),
        r.optional("alerts.smtp.password"),
        r.bool("alerts.smtp.starttls", true),
        webhookUrl,
        webhookFormat,
        publicUrl);
  }

  public boolean email() {
    return !emailTo.isEmpty();
  }

  public boolean webhook() {
    return webhookUrl != null;
  }
}
