package org.sqexact.ops.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar squarespace-exact-connector.jar --hash-password}: reads a password from standard
 * input (one line; typed without echo when a terminal is attached) and prints its bcrypt hash for
 * CONNECTOR_USERS ({@code name:hash}).
 */
public final class PasswordHashCommand {

  /** Passwords shorter than this are refused. */
  static final int MIN_LENGTH = 12;

  private PasswordHashCommand() {}

  public static int run(InputStream in, PrintStream out, PrintStream err) {
    String password;
    java.io.Console console = System.console();
    try {
      if (console != null && in == System.in) {
        char[] typed = console.readPassword("Password for the dashboard: ");
        password = typed == null ? null : new String(typed);
      } else {
        password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      }
    } catch (IOException e) {
      err.println("Cannot read the password: " + e.getMessage());
      return 2;
    }
    if (password == null || password.length() < MIN_LENGTH) {
      err.println("Give a password of at least " + MIN_LENGTH + " characters on standard input");
      return 2;
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
      err.println("bcrypt uses at most 72 bytes of a password: give a shorter one");
      return 2;
    }
    out.println(ConsoleUsers.hash(password));
    return 0;
  }
}
