package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement on its own connection: the small JDBC plumbing the stores share (those of other
 * packages too: webhook notifications, stock, fulfilments).
 */
public final class Sql {

  /** Maps the current row. */
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Sql() {}

  /** The rows of a query; {@code what} names the store in an error. */
  public static <T> List<T> query(
      Database db, String what, String sql, Row<T> row, Object... args) {
    return queryAtMost(db, what, 0, sql, row, args);
  }

  /** The first {@code limit} rows of a query (0: all); {@code what} names the store in an error. */
  public static <T> List<T> queryAtMost(
      Database db, String what, int limit, String sql, Row<T> row, Object... args) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setMaxRows(limit);
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the " + what, e);
    }
  }

  /** Runs an insert, update or delete; returns the rows it touched. */
  public static int update(Database db, String what, String sql, Object... args) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the " + what, e);
    }
  }

  /**
   * Runs an insert; false when the row exists already (a unique key refused it), so of several
   * callers inserting the same row exactly one gets true.
   */
  public static boolean insertUnlessDuplicate(
      Database db, String what, String sql, Object... args) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (isDuplicateKey(e)) {
        return false;
      }
      throw new StoreException("cannot write the " + what, e);
    }
  }

  /** Whether the statement failed on a unique key (SQLState 23505). */
  static boolean isDuplicateKey(SQLException e) {
    // 23505: unique violation, the SQLState of H2 and PostgreSQL alike
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }
}
