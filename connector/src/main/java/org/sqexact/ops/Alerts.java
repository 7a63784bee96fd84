package org.sqexact.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.store.ActivityLog;
import org.sqexact.support.PersonalValues;

/**
 * Tells the operator at once: every alert is logged, written to the activity log, kept for the
 * operator API and sent to the {@code operator-alerts} route ({@code direct:operator-alert}), where
 * users can add e-mail or a webhook in YAML.
 */
public final class Alerts implements BiConsumer<String, String> {

  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final int KEEP = 100;

  /** An alert as shown to the operator. */
  public record Alert(Instant at, String code, String message) {}

  private final ActivityLog activity;
  private final Clock clock;
  private final Deque<Alert> recent = new ArrayDeque<>();
  private volatile ProducerTemplate template;
  private volatile String connection;
  private volatile java.util.function.Consumer<String> listener = code -> {};

  public Alerts(ActivityLog activity, Clock clock) {
    this.activity = activity;
    this.clock = clock;
  }

  /** Connects the alerts to the routes once Camel runs. */
  public void useTemplate(ProducerTemplate template) {
    this.template = template;
  }

  @Override
  public void accept(String code, String message) {
    raise(code, message, null, null);
  }

  /**
   * The alerts of a connection from connections/ (several shops in one connector): each message
   * names the connection, so that the operator knows which shop it is about. The default
   * connection's alerts stay as they are.
   */
  public void forConnection(String id) {
    this.connection = id;
  }

  /** Is told the code of every alert raised (the metrics count them). */
  public void onRaise(java.util.function.Consumer<String> listener) {
    this.listener = listener;
  }

  /** Raises an alert, optionally about one order. */
  public void raise(String code, String rawMessage, String orderId, String orderNumber) {
    // alerts leave the connector (e-mail, webhook): never with a personal value of the order
    String message = PersonalValues.mask(rawMessage);
    String of = connection;
    if (of != null) {
      message = "Connection '" + of + "': " + message;
    }
    Alert alert = new Alert(clock.instant(), code, message);
    try {
      listener.accept(code);
    } catch (RuntimeException e) {
      // metrics must never stop an alert
    }
    synchronized (recent) {
      recent.addFirst(alert);
      while (recent.size() > KEEP) {
        recent.removeLast();
      }
    }
    try {
      activity.record(orderId, orderNumber, "alert " + code, "alert", message);
    } catch (RuntimeException e) {
      LOG.warn("Could not write the alert to the activity log: {}", e.getMessage());
    }
    ProducerTemplate t = template;
    if (t == null) {
      LOG.error("ALERT [{}] {}", code, message);
    } else {
      try {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", alert.at().toString());
        body.put("code", code);
        body.put("message", message);
        body.put("orderNumber", orderNumber);
        if (of != null) {
          body.put("connection", of);
        }
        t.sendBody("direct:operator-alert", body);
      } catch (RuntimeException e) {
        LOG.warn("Could not send the alert to the operator-alerts route: {}", e.getMessage());
      }
    }
  }

  /** The newest alerts, newest first. */
  public List<Alert> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }
}
