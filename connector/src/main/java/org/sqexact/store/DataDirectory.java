package org.sqexact.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.sqexact.config.SettingsException;

/**
 * The data directory ({@code CONNECTOR_DATA_DIR}): the embedded database, the secret key, the
 * generated database password and the generated API token. Only the connector's user may enter it
 * (700) or read its files (600); on file systems without POSIX permissions (Windows) the
 * directory's ACL applies.
 */
public final class DataDirectory {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;

  private DataDirectory(Path dir) {
    this.dir = dir;
  }

  /** Creates the directory when missing and restricts it and its files to the owner. */
  public static DataDirectory open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SettingsException(
          "CONNECTOR_DATA_DIR (connector.data-dir): cannot create " + dir + ": " + e.getMessage());
    }
    DataDirectory d = new DataDirectory(dir);
    d.restrict();
    return d;
  }

  public Path path() {
    return dir;
  }

  /** Directory 700, its files 600 (again after the database created its files). */
  public void restrict() {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          if (Files.isRegularFile(f)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
          }
        }
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's ACL decides
    } catch (IOException e) {
      throw new SettingsException(
          "CONNECTOR_DATA_DIR (connector.data-dir): cannot restrict "
              + dir
              + " to its owner: "
              + e.getMessage());
    }
  }

  /** A generated secret and whether it was generated just now. */
  public record Secret(String value, boolean generated) {}

  /**
   * The secret kept in {@code name}, generated (32 random bytes, URL-safe base64) and written with
   * mode 600 when the file does not exist yet.
   */
  public Secret secret(String name) {
    Path file = dir.resolve(name);
    try {
      if (Files.exists(file)) {
        String v = Files.readString(file).trim();
        if (v.isEmpty()) {
          throw new SettingsException(
              "the file " + file + " is empty; delete it to generate a new value");
        }
        return new Secret(v, false);
      }
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      String v = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Path tmp = file.resolveSibling(name + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not POSIX: the directory's ACL decides
      }
      Files.writeString(tmp, v + "\n");
      Files.move(tmp, file);
      return new Secret(v, true);
    } catch (IOException e) {
      throw new SettingsException("cannot read or create " + file + ": " + e.getMessage());
    }
  }

  /** Whether a file exists in the directory. */
  public boolean has(String name) {
    return Files.exists(dir.resolve(name));
  }
}
