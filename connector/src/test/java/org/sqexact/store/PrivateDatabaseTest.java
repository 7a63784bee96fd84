package org.sqexact.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.ConnectorHarness;

/**
 * The embedded database is private: no network port (only the operator port listens, on 127.0.0.1),
 * a generated password kept with the secret key, the data directory 700 and its files 600; a
 * database from before the password gets it at the next start. A port already in use stops start-up
 * with one line and exit code 2.
 */
class PrivateDatabaseTest {

  private static Map<String, String> embeddedSettings(Path dataDir) {
    Map<String, String> s = ConnectorHarness.settings("http://localhost:1", "http://localhost:1");
    s.remove("connector.db-url"); // the default: the embedded H2 file in the data directory
    s.remove("connector.api-token"); // generated and kept in the data directory
    s.put("connector.data-dir", dataDir.toString());
    return s;
  }

  @Test
  void onlyTheOperatorPortListensAndTheDataDirectoryIsTheOwnersAlone() throws Exception {
    Path dataDir = Path.of("connector/target/test-data", UUID.randomUUID().toString());
    Map<String, String> settings = embeddedSettings(dataDir);
    Set<String> before = listening();
    try (ConnectorHarness connector = ConnectorHarness.start(settings, null)) {
      Set<String> opened = listening();
      opened.removeAll(before);
      int port = Integer.parseInt(settings.get("connector.http-port"));
      assertEquals(
          Set.of("127.0.0.1:" + port),
          opened,
          "the connector opened these listening sockets (no database port, only the operator's,"
              + " on 127.0.0.1)");
      assertEquals(200, connector.call("GET", "/api/status").statusCode(), "the generated token");
    }
    assertEquals("rwx------", perms(dataDir));
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path f : files.toList()) {
        names.add(f.getFileName().toString());
        if (Files.isRegularFile(f)) {
          assertEquals("rw-------", perms(f), f.toString());
        }
      }
    }
    assertTrue(
        names.containsAll(List.of("db.password", "api.token", "connector.mv.db")),
        names.toString());
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("connector");
    SQLException refused =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
    assertEquals("28000", refused.getSQLState(), "user sa with the empty password is refused");
  }

  @Test
  void aDatabaseFromBeforeThePasswordGetsOne() throws Exception {
    Path dataDir = Path.of("connector/target/test-data", UUID.randomUUID().toString());
    Files.createDirectories(dataDir);
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("connector");
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      assertFalse(c.isClosed()); // created as the connector used to: sa, empty password
    }
    try (ConnectorHarness connector = ConnectorHarness.start(embeddedSettings(dataDir), null)) {
      assertEquals(200, connector.call("GET", "/api/status").statusCode());
    }
    assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
    String password = Files.readString(dataDir.resolve("db.password")).trim();
    try (Connection c = DriverManager.getConnection(url, "sa", password)) {
      assertFalse(c.isClosed());
    }
  }

  @Test
  void aPortInUseStopsStartUpWithOneLineAndExitCode2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path dataDir = Path.of("connector/target/test-data", UUID.randomUUID().toString());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("org.sqexact.ConnectorApplication");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("CONNECTOR_HTTP_PORT", Integer.toString(taken.getLocalPort()));
      env.put("CONNECTOR_DATA_DIR", dataDir.toString());
      env.put("CONNECTOR_DEMO", "on");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue(), out);
      assertTrue(
          out.contains(
              "Configuration error: CONNECTOR_HTTP_PORT (connector.http-port): port "
                  + taken.getLocalPort()),
          out);
      assertFalse(out.contains("\tat "), "no stack trace: " + out);
    }
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /**
   * The listening TCP sockets this JVM holds ("address:port"), from /proc: the socket inodes among
   * its file descriptors, looked up in the kernel's TCP tables.
   */
  private static Set<String> listening() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    Map<String, String> byInode = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path t = Path.of(table);
      if (!Files.exists(t)) {
        continue;
      }
      List<String> lines = Files.readAllLines(t); // read once: the table changes all the time
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A")) { // 0A: LISTEN
          byInode.put(f[9], address(f[1]));
        }
      }
    }
    Set<String> out = new HashSet<>();
    for (String inode : inodes) {
      if (byInode.containsKey(inode)) {
        out.add(byInode.get(inode));
      }
    }
    return out;
  }

  /** "0100007F:1F90" → "127.0.0.1:8080"; IPv6 any → "[::]:port". */
  private static String address(String hex) {
    String[] parts = hex.split(":");
    int port = Integer.parseInt(parts[1], 16);
    String a = parts[0];
    if (a.length() == 8) {
      return Integer.parseInt(a.substring(6, 8), 16)
          + "."
          + Integer.parseInt(a.substring(4, 6), 16)
          + "."
          + Integer.parseInt(a.substring(2, 4), 16)
          + "."
          + Integer.parseInt(a.substring(0, 2), 16)
          + ":"
          + port;
    }
    if (a.equals("00000000000000000000000000000000")) {
      return "[::]:" + port;
    }
    if (a.equals("0000000000000000FFFF00000100007F")) {
      return "127.0.0.1:" + port;
    }
    return "[" + a + "]:" + port;
  }
}
