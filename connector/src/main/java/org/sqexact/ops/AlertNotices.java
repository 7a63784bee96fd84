package org.sqexact.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.ops.AlertSettings.WebhookFormat;

/**
 * Turns a group of alerts into what reaches a person: an e-mail (subject and plain text) and a
 * webhook body for Slack, Microsoft Teams or any JSON receiver, each with the order numbers, the
 * plain reasons, a count when the same cause came more than once, and links to the orders. The
 * texts come from the alerts, which never carry names, e-mails or addresses.
 */
public final class AlertNotices {

  private static final Logger LOG = LoggerFactory.getLogger(AlertNotices.class);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final int SUBJECT_LENGTH = 140;

  private final AlertSettings settings;
  private final String connectionId;
  private final ObjectMapper json = new ObjectMapper();

  public AlertNotices(AlertSettings settings, String connectionId) {
    this.settings = settings;
    this.connectionId = connectionId;
  }

  public boolean emailEnabled() {
    return settings.email();
  }

  public boolean webhookEnabled() {
    return settings.webhook();
  }

  /** The camel-mail endpoint; built here so that the password never sits in a route file. */
  public String smtpUri() {
    StringBuilder uri =
        new StringBuilder("smtp://")
            .append(settings.smtpHost())
            .append(':')
            .append(settings.smtpPort())
            .append("?mail.smtp.starttls.enable=")
            .append(settings.smtpStartTls())
            .append("&connectionTimeout=15000");
    if (settings.smtpUser() != null) {
      uri.append("&username=")
          .append(URLEncoder.encode(settings.smtpUser(), StandardCharsets.UTF_8));
      uri.append("&password=RAW(").append(settings.smtpPassword()).append(')');
    }
    return uri.toString();
  }

  public String webhookUri() {
    return settings.webhookUrl().toString();
  }

  /** Sets the mail headers (To, From, Subject) and returns the plain-text body. */
  public String emailBody(@Body AlertGroup group, Exchange exchange) {
    var message = exchange.getMessage();
    message.setHeader("To", String.join(", ", settings.emailTo()));
    message.setHeader("From", settings.emailFrom());
    message.setHeader("Subject", subject(group));
    message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
    return text(group);
  }

  /** One line that says what happened, with the count when it happened more than once. */
  public String subject(AlertGroup group) {
    String first = group.messages().keySet().stream().findFirst().orElse(group.code());
    String subject =
        "[connector "
            + connectionId
            + "] "
            + (group.count() > 1 ? group.count() + "× " + group.code() + ": " : "")
            + first;
    return subject.length() <= SUBJECT_LENGTH
        ? subject
        : subject.substring(0, SUBJECT_LENGTH - 1) + "…";
  }

  /** The plain text of the e-mail (and of the Slack message). */
  public String text(AlertGroup group) {
    StringBuilder text = new StringBuilder();
    if (group.count() == 1) {
      text.append("Alert '")
          .append(group.code())
          .append("' at ")
          .append(TIME.format(group.first()));
    } else {
      text.append(group.count())
          .append(" alerts '")
          .append(group.code())
          .append("' between ")
          .append(TIME.format(group.first()))
          .append(" and ")
          .append(TIME.format(group.last()));
    }
    text.append(" (connection ").append(connectionId).append("):\n\n");
    for (Map.Entry<String, Integer> m : group.messages().entrySet()) {
      text.append("- ").append(m.getKey());
      if (m.getValue() > 1) {
        text.append(" (").append(m.getValue()).append("×)");
      }
      text.append('\n');
      String order = group.orderOf(m.getKey());
      if (order != null) {
        text.append("  ").append(orderLink(order)).append('\n');
      }
    }
    if (group.messagesLeftOut() > 0) {
      text.append("- and ").append(group.messagesLeftOut()).append(" more\n");
    }
    text.append("\nAll recent alerts: ").append(settings.publicUrl()).append("/api/alerts\n");
    return text.toString();
  }

  /** The webhook body in the receiver's format. */
  public String webhookBody(@Body AlertGroup group) throws Exception {
    ObjectNode body = json.createObjectNode();
    WebhookFormat format = settings.webhookFormat();
    if (format == WebhookFormat.SLACK) {
      body.put("text", subject(group) + "\n" + text(group));
    } else if (format == WebhookFormat.TEAMS) {
      // Teams Workflows: {"type":"message","attachments":[{contentType adaptive card, content}]}
      body.put("type", "message");
      ObjectNode attachment = body.putArray("attachments").addObject();
      attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
      ObjectNode card = attachment.putObject("content");
      card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
      card.put("type", "AdaptiveCard");
      card.put("version", "1.4");
      ArrayNode blocks = card.putArray("body");
      ObjectNode title = blocks.addObject();
      title.put("type", "TextBlock").put("weight", "Bolder").put("wrap", true);
      title.put("text", subject(group));
      ObjectNode detail = blocks.addObject();
      detail.put("type", "TextBlock").put("wrap", true).put("text", text(group));
    } else {
      body.put("connection", connectionId);
      body.put("code", group.code());
      body.put("count", group.count());
      body.put("first", group.first().toString());
      body.put("last", group.last().toString());
      body.put("subject", subject(group));
      ArrayNode messages = body.putArray("messages");
      group
          .messages()
          .forEach(
              (message, count) -> {
                ObjectNode m = messages.addObject();
                m.put("message", message);
                m.put("count", count);
                String order = group.orderOf(message);
                if (order != null) {
                  m.put("orderNumber", order);
                  m.put("link", orderLink(order));
                }
              });
      body.put("alerts", settings.publicUrl() + "/api/alerts");
    }
    return json.writeValueAsString(body);
  }

  /** Logs a delivery that failed, without the endpoint (a webhook URL is a secret). */
  public void deliveryFailed(
      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause,
      @ExchangeProperty("alertChannel") String channel,
      @ExchangeProperty("alertCode") String code) {
    String why =
        cause instanceof HttpOperationFailedException http
            ? "the receiver answered HTTP " + http.getStatusCode()
            : cause.getClass().getSimpleName()
                + (cause.getMessage() == null
                    ? ""
                    : ": " + cause.getMessage().replaceAll("https?://\\S+", "<url>"));
    LOG.warn("Could not deliver the alert '{}' by {}: {}", code, channel, why);
  }

  private String orderLink(String orderNumber) {
    // the dashboard's page of the order: its state, reason and trace, with Retry and Skip
    return settings.publicUrl() + "/console/order?n=" + orderNumber;
  }
}
