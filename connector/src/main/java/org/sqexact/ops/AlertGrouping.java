package org.sqexact.ops;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregation strategy of the {@code operator-alerts} route: folds the alerts of one cause
 * (correlated on the alert code) that arrive within one interval into one {@link AlertGroup}.
 */
public final class AlertGrouping implements AggregationStrategy {

  @Override
  public Exchange aggregate(Exchange grouped, Exchange next) {
    Map<?, ?> alert = next.getMessage().getBody(Map.class);
    String code = text(alert.get("code"), "alert");
    Instant at = instant(alert.get("at"));
    Exchange target = grouped == null ? next : grouped;
    AlertGroup group =
        grouped == null ? new AlertGroup(code, at) : grouped.getMessage().getBody(AlertGroup.class);
    group.add(at, text(alert.get("message"), code), text(alert.get("orderNumber"), null));
    target.getMessage().setBody(group);
    return target;
  }

  private static String text(Object value, String fallback) {
    return value == null || value.toString().isBlank() ? fallback : value.toString();
  }

  private static Instant instant(Object value) {
    try {
      return value == null ? Instant.now() : Instant.parse(value.toString());
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
