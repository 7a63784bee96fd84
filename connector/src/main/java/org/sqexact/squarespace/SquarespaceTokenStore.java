package org.sqexact.squarespace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.store.StoreException;

/**
 * The Squarespace OAuth tokens of one connection ({@code squarespace_token}), encrypted at rest
 * with the connector's secret key like Exact's tokens. A refresh runs inside {@link #locked}, which
 * holds the row lock ({@code SELECT … FOR UPDATE}): Squarespace rotates the refresh token on every
 * refresh, so two processes refreshing at once would leave one of them with a dead token.
 */
public final class SquarespaceTokenStore {

  /** The stored tokens, decrypted. */
  public record Tokens(
      String refreshToken,
      String accessToken,
      Instant accessExpiresAt,
      Instant refreshExpiresAt,
      long refreshCount,
      String problem) {}

  /** The row while it is locked. */
  public interface Locked {
    Tokens read();

    void write(String refresh, String access, Instant accessExpires, Instant refreshExpires);

    void markProblem(String problem);
  }

  private final Database db;
  private final SecretBox box;
  private final String connectionId;
  private final Clock clock;

  public SquarespaceTokenStore(Database db, SecretBox box, String connectionId, Clock clock) {
    this.db = db;
    this.box = box;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  /** The stored tokens, or null before the first consent. */
  public Tokens read() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? map(rs) : null;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the Squarespace tokens", e);
    }
  }

  /** Runs {@code work} while holding the row lock (the row is created when missing). */
  public <T> T locked(Function<Locked, T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        ensureRow(c);
        Tokens current;
        try (PreparedStatement ps = c.prepareStatement(SELECT + " FOR UPDATE")) {
          ps.setString(1, connectionId);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            current = map(rs);
          }
        }
        T result =
            work.apply(
                new Locked() {
                  @Override
                  public Tokens read() {
                    return current;
                  }

                  @Override
                  public void write(
                      String refresh,
                      String access,
                      Instant accessExpires,
                      Instant refreshExpires) {
                    update(
                        c,
                        "UPDATE squarespace_token SET refresh_token_enc = ?, access_token_enc = ?,"
                            + " access_expires_at = ?, refresh_expires_at = ?, refresh_count ="
                            + " refresh_count + 1, problem = NULL, updated_at = ? WHERE"
                            + " connection_id = ?",
                        refresh == null ? null : box.encrypt(refresh),
                        box.encrypt(access),
                        ts(accessExpires),
                        ts(refreshExpires),
                        ts(clock.instant()),
                        connectionId);
                  }

                  @Override
                  public void markProblem(String problem) {
                    update(
                        c,
                        "UPDATE squarespace_token SET problem = ?, updated_at = ? WHERE"
                            + " connection_id = ?",
                        problem,
                        ts(clock.instant()),
                        connectionId);
                  }
                });
        c.commit();
        return result;
      } catch (RuntimeException e) {
        c.commit(); // a problem written before the failure is kept
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot lock the Squarespace tokens", e);
    }
  }

  private void ensureRow(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM squarespace_token WHERE connection_id = ?")) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    update(
        c,
        "INSERT INTO squarespace_token (connection_id, updated_at) VALUES (?, ?)",
        connectionId,
        ts(clock.instant()));
  }

  private static final String SELECT =
      "SELECT refresh_token_enc, access_token_enc, access_expires_at, refresh_expires_at,"
          + " refresh_count, problem FROM squarespace_token WHERE connection_id = ?";

  private Tokens map(ResultSet rs) throws SQLException {
    return new Tokens(
        box.decrypt(rs.getString(1)),
        box.decrypt(rs.getString(2)),
        instant(rs.getTimestamp(3)),
        instant(rs.getTimestamp(4)),
        rs.getLong(5),
        rs.getString(6));
  }

  private static void update(Connection c, String sql, Object... args) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the Squarespace tokens", e);
    }
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
