package org.sqexact.ops.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.sqexact.config.SettingsException;

/**
 * The dashboard's operators: {@code CONNECTOR_USERS} is {@code name:hash,name:hash}, the hashes
 * bcrypt ({@code java -jar … --hash-password} prints one). Passwords are never stored or logged.
 */
public final class ConsoleUsers {

  /** bcrypt's work factor: 2^12 rounds, about a quarter of a second per check. */
  static final int STRENGTH = 12;

  private static final BCryptPasswordEncoder ENCODER = new BCryptPasswordEncoder(STRENGTH);

  /**
   * Compared against when the name is unknown, so that the answer takes as long as for a known one.
   * Made at the first such login, not at start-up: a bcrypt hash at strength 12 costs about a
   * second of CPU in a JVM that has not compiled it yet (a fifth of the start-up's main thread in a
   * profile of the start).
   */
  private static final class Nobody {
    static final String HASH = ENCODER.encode("no such user: this hash matches nothing");
  }

  /** Hashes by name; a hash still being made (the demo's user) completes in the background. */
  private final Map<String, CompletableFuture<String>> hashes;

  private ConsoleUsers(Map<String, CompletableFuture<String>> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  /** Reads the setting; a malformed entry stops start-up naming it (never showing the hash). */
  public static ConsoleUsers parse(String setting) {
    Map<String, CompletableFuture<String>> out = new LinkedHashMap<>();
    if (setting != null) {
      int n = 0;
      for (String entry : setting.split(",")) {
        n++;
        String e = entry.trim();
        if (e.isEmpty()) {
          continue;
        }
        int colon = e.indexOf(':');
        String name = colon < 0 ? "" : e.substring(0, colon).trim();
        String hash = colon < 0 ? "" : e.substring(colon + 1).trim();
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")
            || !hash.matches("\\$2[aby]?\\$\\d\\d\\$.{53}")) {
          throw new SettingsException(
              "CONNECTOR_USERS (connector.users): entry "
                  + n
                  + " must be name:bcrypt-hash (print a hash with 'java -jar"
                  + " target/squarespace-exact-connector.jar --hash-password'), got a name '"
                  + (name.isEmpty() ? "?" : name)
                  + "' with "
                  + (hash.isEmpty() ? "no hash" : "a value that is not a bcrypt hash"));
        }
        out.put(name, CompletableFuture.completedFuture(hash));
      }
    }
    return new ConsoleUsers(out);
  }

  /**
   * One more operator (the demo's). The password is hashed on another thread, so the start does not
   * wait for it; a login before it is done waits instead.
   */
  public ConsoleUsers with(String name, String password) {
    Map<String, CompletableFuture<String>> more = new LinkedHashMap<>(hashes);
    more.put(name, CompletableFuture.supplyAsync(() -> hash(password)));
    return new ConsoleUsers(more);
  }

  public boolean isEmpty() {
    return hashes.isEmpty();
  }

  /** True when the password is the user's; takes as long for an unknown name. */
  public boolean check(String name, String password) {
    if (password == null || name == null) {
      return false;
    }
    CompletableFuture<String> pending = hashes.get(name);
    String hash = pending == null ? null : pending.join();
    boolean ok = BCrypt.checkpw(password, hash == null ? Nobody.HASH : hash);
    return ok && hash != null;
  }

  /** Whether an operator of this name is set up (only known names are written to the log). */
  public boolean knows(String name) {
    return name != null && hashes.containsKey(name);
  }

  /** A bcrypt hash of the password, for CONNECTOR_USERS. */
  public static String hash(String password) {
    return ENCODER.encode(password);
  }
}
