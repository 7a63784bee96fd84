package org.sqexact.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * Exact Online's OAuth tokens for one connection, encrypted at rest. A refresh runs inside {@link
 * #locked}, which holds a row lock ({@code SELECT ... FOR UPDATE}) so that only one process
 * refreshes at a time, and commits the rotated refresh token before the new access token is used.
 */
public final class TokenStore {

  /** The stored tokens (decrypted). */
  public record Tokens(
      String refreshToken,
      String accessToken,
      Instant accessIssuedAt,
      Instant accessExpiresAt,
      Instant refreshIssuedAt,
      long refreshCount,
      String problem) {

    public boolean hasAccessToken() {
      return accessToken != null && accessIssuedAt != null;
    }
  }

  /** The locked row during a refresh: read it, then write the new tokens. */
  public interface LockedRow {
    Tokens read();

    void write(String refreshToken, String accessToken, Instant issuedAt, Instant expiresAt);

    void markProblem(String problem);
  }

  private final Database db;
  private final SecretBox box;
  private final String connectionId;
  private final Clock clock;

  public TokenStore(Database db, SecretBox box, String connectionId, Clock clock) {
    this.db = db;
    this.box = box;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  /**
   * Creates the row on first start and stores the first refresh token from the settings while the
   * store is empty. A configured token also replaces a stored one that Exact rejected (the operator
   * re-authorised) when it differs from the one seeded before.
   */
  public void seed(String firstRefreshToken) {
    try {
      seedOnce(firstRefreshToken);
    } catch (StoreException e) {
      if (!(e.getCause() instanceof SQLException s) || !Sql.isDuplicateKey(s)) {
        throw e;
      }
      // several nodes starting at once: another one created the row first (a row that does not
      // exist yet cannot be locked by SELECT … FOR UPDATE); now it exists and is locked properly
      seedOnce(firstRefreshToken);
    }
  }

  private void seedOnce(String firstRefreshToken) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      String storedRefresh = null;
      String seedFingerprint = null;
      String keyFingerprint = null;
      String problem = null;
      boolean exists = false;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT refresh_token_enc, seed_fingerprint, key_fingerprint, problem FROM"
                  + " exact_token WHERE connection_id = ? FOR UPDATE")) {
        ps.setString(1, connectionId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            exists = true;
            storedRefresh = rs.getString(1);
            seedFingerprint = rs.getString(2);
            keyFingerprint = rs.getString(3);
            problem = rs.getString(4);
          }
        }
      }
      if (exists
          && storedRefresh != null
          && keyFingerprint != null
          && !keyFingerprint.equals(box.fingerprint())) {
        box.decrypt(storedRefresh); // raises the clear "encrypted with another key" problem
      }
      String offered = firstRefreshToken == null ? null : SecretBox.sha256(firstRefreshToken);
      boolean useOffered =
          offered != null
              && (storedRefresh == null || (problem != null && !offered.equals(seedFingerprint)));
      Instant now = clock.instant();
      if (!exists) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO exact_token (connection_id, refresh_token_enc, seed_fingerprint,"
                    + " key_fingerprint, refresh_issued_at, updated_at) VALUES (?, ?, ?, ?, ?,"
                    + " ?)")) {
          ps.setString(1, connectionId);
          ps.setString(2, useOffered ? box.encrypt(firstRefreshToken) : null);
          ps.setString(3, useOffered ? offered : null);
          ps.setString(4, box.fingerprint());
          ps.setTimestamp(5, useOffered ? Database.ts(now) : null);
          ps.setTimestamp(6, Database.ts(now));
          ps.executeUpdate();
        }
      } else if (useOffered) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE exact_token SET refresh_token_enc = ?, seed_fingerprint = ?,"
                    + " key_fingerprint = ?, access_token_enc = NULL, access_issued_at = NULL,"
                    + " access_expires_at = NULL, refresh_issued_at = ?, problem = NULL,"
                    + " updated_at = ? WHERE connection_id = ?")) {
          ps.setString(1, box.encrypt(firstRefreshToken));
          ps.setString(2, offered);
          ps.setString(3, box.fingerprint());
          ps.setTimestamp(4, Database.ts(now));
          ps.setTimestamp(5, Database.ts(now));
          ps.setString(6, connectionId);
          ps.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot prepare the token store", e);
    }
  }

  /** Replaces whatever is stored by this refresh token (the demo sandbox starts a new chain). */
  public void reset(String refreshToken) {
    seed(null);
    locked(
        row -> {
          row.markProblem(null);
          return null;
        });
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE exact_token SET refresh_token_enc = ?, access_token_enc = NULL,"
                    + " access_issued_at = NULL, access_expires_at = NULL, refresh_issued_at = ?,"
                    + " key_fingerprint = ?, problem = NULL, updated_at = ? WHERE connection_id = ?")) {
      ps.setString(1, box.encrypt(refreshToken));
      ps.setTimestamp(2, Database.ts(clock.instant()));
      ps.setString(3, box.fingerprint());
      ps.setTimestamp(4, Database.ts(clock.instant()));
      ps.setString(5, connectionId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot reset the token store", e);
    }
  }

  /** Reads the stored tokens without locking. */
  public Tokens read() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(select(false))) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? map(rs) : null;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the token store", e);
    }
  }

  /**
   * Runs {@code work} while holding the row lock; what it writes is committed when it returns (also
   * when it throws after writing a problem).
   */
  public <T> T locked(Function<LockedRow, T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        Tokens current;
        try (PreparedStatement ps = c.prepareStatement(select(true))) {
          ps.setString(1, connectionId);
          try (ResultSet rs = ps.executeQuery()) {
            current = rs.next() ? map(rs) : null;
          }
        }
        Tokens snapshot = current;
        LockedRow row =
            new LockedRow() {
              @Override
              public Tokens read() {
                return snapshot;
              }

              @Override
              public void write(
                  String refreshToken, String accessToken, Instant issuedAt, Instant expiresAt) {
                update(
                    c,
                    "UPDATE exact_token SET refresh_token_enc = ?, access_token_enc = ?,"
                        + " access_issued_at = ?, access_expires_at = ?, refresh_issued_at = ?,"
                        + " refresh_count = refresh_count + 1, problem = NULL, key_fingerprint = ?,"
                        + " updated_at = ? WHERE connection_id = ?",
                    box.encrypt(refreshToken),
                    box.encrypt(accessToken),
                    Database.ts(issuedAt),
                    Database.ts(expiresAt),
                    Database.ts(issuedAt),
                    box.fingerprint(),
                    Database.ts(clock.instant()),
                    connectionId);
                commit(c);
              }

              @Override
              public void markProblem(String problem) {
                update(
                    c,
                    "UPDATE exact_token SET problem = ?, updated_at = ? WHERE connection_id = ?",
                    problem,
                    Database.ts(clock.instant()),
                    connectionId);
                commit(c);
              }
            };
        T result = work.apply(row);
        c.commit();
        return result;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot lock the token store", e);
    }
  }

  private static void commit(Connection c) {
    try {
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot commit the token store", e);
    }
  }

  private static void update(Connection c, String sql, Object... args) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write the token store", e);
    }
  }

  private String select(boolean forUpdate) {
    return "SELECT refresh_token_enc, access_token_enc, access_issued_at, access_expires_at,"
        + " refresh_issued_at, refresh_count, problem FROM exact_token WHERE connection_id = ?"
        + (forUpdate ? " FOR UPDATE" : "");
  }

  private Tokens map(ResultSet rs) throws SQLException {
    return new Tokens(
        box.decrypt(rs.getString(1)),
        box.decrypt(rs.getString(2)),
        Database.instant(rs.getTimestamp(3)),
        Database.instant(rs.getTimestamp(4)),
        Database.instant(rs.getTimestamp(5)),
        rs.getLong(6),
        rs.getString(7));
  }
}
