package org.sqexact.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Identical alerts of one interval, grouped under their cause (the alert code): how many, when the
 * first and the last came, each distinct message with its count, and the orders they name. The
 * operator gets one message per group instead of one per alert.
 */
public final class AlertGroup {

  /** Distinct messages kept per group; beyond it only the count grows. */
  static final int MAX_MESSAGES = 20;

  private final String code;
  private final Instant first;
  private Instant last;
  private int count;
  private final Map<String, Integer> messages = new LinkedHashMap<>();
  private final Map<String, String> orders = new LinkedHashMap<>();
  private int messagesLeftOut;

  public AlertGroup(String code, Instant first) {
    this.code = code;
    this.first = first;
    this.last = first;
  }

  /** Adds one alert: its moment, its message and the order it is about (may be null). */
  public void add(Instant at, String message, String orderNumber) {
    count++;
    if (at != null && at.isAfter(last)) {
      last = at;
    }
    if (messages.containsKey(message) || messages.size() < MAX_MESSAGES) {
      messages.merge(message, 1, Integer::sum);
      if (orderNumber != null && !orderNumber.isBlank()) {
        orders.putIfAbsent(message, orderNumber);
      }
    } else {
      messagesLeftOut++;
    }
  }

  public String code() {
    return code;
  }

  public Instant first() {
    return first;
  }

  public Instant last() {
    return last;
  }

  public int count() {
    return count;
  }

  /** Distinct messages in the order they first came, with how often each came. */
  public Map<String, Integer> messages() {
    return new LinkedHashMap<>(messages);
  }

  /** The order a message is about, or null. */
  public String orderOf(String message) {
    return orders.get(message);
  }

  /** The orders named, in the order they came. */
  public List<String> orderNumbers() {
    return new ArrayList<>(new LinkedHashSet<>(orders.values()));
  }

  /** Alerts whose distinct message was not kept (more than {@value #MAX_MESSAGES} kinds). */
  public int messagesLeftOut() {
    return messagesLeftOut;
  }
}
