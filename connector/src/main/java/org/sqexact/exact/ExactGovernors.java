package org.sqexact.exact;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The rate governors of the process, one per Exact division: Exact counts its minutely and daily
 * limits per app and division (/work/shared/notes/exact-online-api.md), so two connections booking
 * into one division spend one budget, and connections on different divisions never wait for each
 * other.
 */
public final class ExactGovernors {

  private final Map<Integer, ExactRateGovernor> byDivision = new ConcurrentHashMap<>();

  /**
   * The division's governor, made by {@code create} the first time the division is asked for.
   *
   * @param division the division number; 0 while the connect wizard has not chosen one (the calls
   *     made then list divisions, and are counted apart)
   */
  public ExactRateGovernor forDivision(int division, Supplier<ExactRateGovernor> create) {
    return byDivision.computeIfAbsent(division, d -> create.get());
  }

  /** The divisions that have a governor. */
  public int size() {
    return byDivision.size();
  }
}
