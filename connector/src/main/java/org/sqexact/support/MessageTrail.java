package org.sqexact.support;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.MessageHistory;

/**
 * The steps an exchange went through (Camel's message history, {@code camel.main.message-history}),
 * as one short line for the log when it fails: route and node ids only, never the message, so the
 * line carries no personal data.
 */
public final class MessageTrail {

  private static final int LAST = 12;

  private MessageTrail() {}

  /** "order-sync/bean3 → order-book/bean7 …", the last steps, or "" without history. */
  public static String of(Exchange exchange) {
    @SuppressWarnings("unchecked")
    List<MessageHistory> history = exchange.getProperty(Exchange.MESSAGE_HISTORY, List.class);
    if (history == null || history.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    int from = Math.max(0, history.size() - LAST);
    if (from > 0) {
      sb.append("… ");
    }
    for (int i = from; i < history.size(); i++) {
      MessageHistory h = history.get(i);
      if (i > from) {
        sb.append(" → ");
      }
      sb.append(h.getRouteId()).append('/').append(h.getNode().getId());
    }
    return sb.toString();
  }
}
