package org.sqexact.exact;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Exact Online's budgets of a division as every node of the connector sees them (kept in the shared
 * database): the calls left in the current minute window and the client errors per endpoint. Exact
 * counts per app and division, not per process, so two nodes that counted alone would each spend
 * the same minute (PQ#646 in /work/shared/notes/exact-online-api.md: a 429 with 49 calls "left").
 */
public interface SharedBudget {

  /** Client errors on one endpoint within the last hour, over all nodes. */
  record ErrorCount(int count, Instant oldest) {}

  /**
   * Takes one call from the division's minute window (atomically: of two nodes asking for the last
   * call, one gets it).
   *
   * @param limit calls per minute window (Exact: 60), for a window not seen yet
   * @return empty when the call may go; else the end of the used-up window
   */
  Optional<Instant> take(int division, int limit, Instant now);

  /**
   * What a response's headers said: {@code remaining} calls left in the window ending at {@code
   * windowEnd}. Within one window it only ever lowers the shared figure (calls other nodes have in
   * flight are not in Exact's count yet); a later window replaces it.
   */
  void observe(int division, int remaining, Instant windowEnd, Instant now);

  /** Records one client error of this node; the count over all nodes within the hour. */
  ErrorCount clientError(int division, String endpoint, Instant now);

  /** Pauses calls to an endpoint on every node until {@code until}. */
  void pause(int division, String endpoint, Instant until, Instant now);

  /** The endpoints any node has paused, with the end of the pause. */
  Map<String, Instant> paused(int division, Instant now);
}
