package org.sqexact.order;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Collects the priced lines of the split, in order, into one list. */
public final class DocumentLineAggregator implements AggregationStrategy {

  @Override
  public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
    DocumentLine line = newExchange.getMessage().getBody(DocumentLine.class);
    if (oldExchange == null) {
      List<DocumentLine> lines = new ArrayList<>();
      lines.add(line);
      newExchange.getMessage().setBody(lines);
      return newExchange;
    }
    @SuppressWarnings("unchecked")
    List<DocumentLine> lines = oldExchange.getMessage().getBody(List.class);
    lines.add(line);
    return oldExchange;
  }
}
