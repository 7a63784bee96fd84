package org.sqexact.exact;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * The Exact Online division the connector books in, read by every Exact URL ({@code
 * /api/v1/{division}/…}, notes §1.3). It comes from {@code EXACT_DIVISION} when that is set (then
 * it is fixed), otherwise from the choice made in the connect wizard, kept in the database (table
 * {@code connection}). 0 means "not chosen yet": the connector starts, the dashboard and the wizard
 * work, and no division-scoped call is made until a division is chosen. A new choice applies from
 * the next call on, without a restart.
 */
public final class ExactDivision implements IntSupplier {

  /** Keeps a chosen division (the connection's row in the database). */
  public interface Store {
    void save(int division);
  }

  private final boolean fixed;
  private final Store store;
  private final List<IntConsumer> listeners = new CopyOnWriteArrayList<>();
  private volatile int current;

  /**
   * @param current the division in use at start, 0 when none is chosen yet
   * @param fixed whether {@code EXACT_DIVISION} set it (the wizard may not switch it then)
   */
  public ExactDivision(int current, boolean fixed, Store store) {
    this.current = Math.max(current, 0);
    this.fixed = fixed;
    this.store = store;
  }

  /** A division that never changes (tests and tools). */
  public static ExactDivision of(int division) {
    return new ExactDivision(division, true, d -> {});
  }

  @Override
  public int getAsInt() {
    return current;
  }

  /** Whether a division is chosen (by the setting or the wizard). */
  public boolean chosen() {
    return current > 0;
  }

  /** Whether {@code EXACT_DIVISION} fixes the division (environment values win). */
  public boolean fixed() {
    return fixed;
  }

  /**
   * Books in {@code division} from the next call on, and keeps the choice in the database.
   *
   * @return whether the division changed
   * @throws IllegalStateException when {@code EXACT_DIVISION} fixes another division
   */
  public synchronized boolean choose(int division) {
    if (division <= 0) {
      throw new IllegalArgumentException("a division is a positive number, got " + division);
    }
    if (division == current) {
      return false;
    }
    if (fixed) {
      throw new IllegalStateException(
          "EXACT_DIVISION is set to " + current + "; it wins over a choice in the wizard");
    }
    store.save(division);
    current = division;
    for (IntConsumer l : listeners) {
      l.accept(division);
    }
    return true;
  }

  /** Called with the new division after each change (caches of the old division are dropped). */
  public void onChange(IntConsumer listener) {
    listeners.add(listener);
  }
}
