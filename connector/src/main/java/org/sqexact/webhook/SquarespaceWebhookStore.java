package org.sqexact.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.sqexact.store.Database;
import org.sqexact.store.SecretBox;
import org.sqexact.store.StoreException;

/**
 * The Squarespace webhook subscriptions the connector created ({@code squarespace_webhook}), with
 * their secrets encrypted like the OAuth tokens: Squarespace returns a secret only when the
 * subscription is created or its secret rotated (squarespace-api.md §5).
 */
public final class SquarespaceWebhookStore {

  /** One subscription; the secret decrypted. */
  public record Subscription(String id, String endpointUrl, String topics, String secret) {}

  private final Database db;
  private final SecretBox box;
  private final String connectionId;
  private final Clock clock;
  private volatile List<String> secrets;

  public SquarespaceWebhookStore(Database db, SecretBox box, String connectionId, Clock clock) {
    this.db = db;
    this.box = box;
    this.connectionId = connectionId;
    this.clock = clock;
  }

  public List<Subscription> all() {
    List<Subscription> out = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT subscription_id, endpoint_url, topics, secret_enc FROM squarespace_webhook"
                    + " WHERE connection_id = ? ORDER BY created_at")) {
      ps.setString(1, connectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Subscription(
                  rs.getString(1), rs.getString(2), rs.getString(3), box.decrypt(rs.getString(4))));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the Squarespace webhook subscriptions", e);
    }
    return out;
  }

  /** The secrets that verify {@code Squarespace-Signature}, cached until a subscription changes. */
  public List<String> secrets() {
    List<String> s = secrets;
    if (s == null) {
      s = all().stream().map(Subscription::secret).toList();
      secrets = s;
    }
    return s;
  }

  /** Stores (or replaces) a subscription and its secret. */
  public void put(String id, String endpointUrl, List<String> topics, String secret) {
    remove(id);
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO squarespace_webhook (connection_id, subscription_id, endpoint_url,"
                    + " topics, secret_enc, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, connectionId);
      ps.setString(2, id);
      ps.setString(3, endpointUrl);
      ps.setString(4, String.join(",", topics));
      ps.setString(5, box.encrypt(secret));
      ps.setTimestamp(6, Timestamp.from(clock.instant()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store the Squarespace webhook subscription", e);
    } finally {
      secrets = null;
    }
  }

  /** Forgets a subscription; true when it was stored. */
  public boolean remove(String id) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM squarespace_webhook WHERE connection_id = ? AND subscription_id = ?")) {
      ps.setString(1, connectionId);
      ps.setString(2, id);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException("cannot remove the Squarespace webhook subscription", e);
    } finally {
      secrets = null;
    }
  }
}
