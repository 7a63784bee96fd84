package org.sqexact.ops.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sqexact.config.SettingsException;

/** CONNECTOR_USERS and the --hash-password command that fills it. */
class ConsoleUsersTest {

  private static String[] hashCommand(String stdin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PasswordHashCommand.run(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {
      Integer.toString(code),
      out.toString(StandardCharsets.UTF_8).trim(),
      err.toString(StandardCharsets.UTF_8).trim()
    };
  }

  @Test
  void theCommandPrintsAHashThatTheSettingAccepts() {
    String[] r = hashCommand("a long enough password\n");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].startsWith("$2a$12$"), r[1]);
    assertFalse(r[1].contains("a long enough password"));
    ConsoleUsers users =
        ConsoleUsers.parse("anna:" + r[1] + ", bob:" + ConsoleUsers.hash("bobs password 123"));
    assertTrue(users.check("anna", "a long enough password"));
    assertTrue(users.check("bob", "bobs password 123"));
    assertFalse(users.check("anna", "bobs password 123"));
    assertFalse(users.check("carol", "a long enough password"), "unknown users never log in");
    assertFalse(users.check("anna", null));
  }

  @Test
  void shortPasswordsAndBrokenEntriesAreRefusedWithoutShowingThem() {
    String[] r = hashCommand("short\n");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("at least 12 characters"), r[2]);
    assertEquals("", r[1]);

    SettingsException e =
        assertThrows(
            SettingsException.class, () -> ConsoleUsers.parse("anna:plaintext-password-here"));
    assertTrue(
        e.getMessage().startsWith("CONNECTOR_USERS (connector.users): entry 1"), e.getMessage());
    assertFalse(e.getMessage().contains("plaintext-password-here"), e.getMessage());
    assertTrue(ConsoleUsers.parse("").isEmpty());
  }

  @Test
  void afterTheLoginOnlyLocalDashboardPagesAreFollowed() {
    assertEquals("/console/order?n=1053", ConsoleDoor.safeNext("/console/order?n=1053"));
    assertEquals("/console/", ConsoleDoor.safeNext("https://evil.example/console/"));
    assertEquals("/console/", ConsoleDoor.safeNext("//evil.example/console/"));
    assertEquals("/console/", ConsoleDoor.safeNext("/console//evil.example"));
    assertEquals("/console/", ConsoleDoor.safeNext(null));
  }
}
