package org.sqexact.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.SettingsException;

/**
 * Encrypts secrets at rest (the Exact refresh and access tokens) with AES-256-GCM. The key is
 * {@code CONNECTOR_SECRET_KEY} (32 bytes, base64); without it a key is generated once and kept in
 * {@code <data dir>/secret.key}, readable by the owner only.
 */
public final class SecretBox {

  private static final Logger LOG = LoggerFactory.getLogger(SecretBox.class);
  private static final String PREFIX = "v1:";
  private static final int IV_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final String fingerprint;

  private SecretBox(byte[] keyBytes) {
    this.key = new SecretKeySpec(keyBytes, "AES");
    this.fingerprint = fingerprintOf(keyBytes);
  }

  /** The key from the setting, or from (a new) key file in the data directory. */
  public static SecretBox fromSettings(String configuredKey, Path dataDir) {
    if (configuredKey != null) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(configuredKey);
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (bytes.length != 32) {
        throw new SettingsException(
            "CONNECTOR_SECRET_KEY (connector.secret-key) must be 32 random bytes in base64"
                + " (for example the output of: openssl rand -base64 32)");
      }
      return new SecretBox(bytes);
    }
    return new SecretBox(keyFile(dataDir.resolve("secret.key")));
  }

  private static byte[] keyFile(Path file) {
    try {
      if (Files.exists(file)) {
        byte[] bytes = Base64.getDecoder().decode(Files.readString(file).trim());
        if (bytes.length != 32) {
          throw new SettingsException(
              "the key file " + file + " is damaged; restore it or set CONNECTOR_SECRET_KEY");
        }
        return bytes;
      }
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Base64.getEncoder().encodeToString(bytes) + "\n");
      ownerOnly(tmp);
      Files.move(tmp, file);
      LOG.info(
          "Generated the secret key that encrypts tokens at rest: {} (keep it with the database)",
          file);
      return bytes;
    } catch (IOException e) {
      throw new SettingsException(
          "cannot read or create the key file "
              + file
              + " ("
              + e.getMessage()
              + "); set CONNECTOR_SECRET_KEY or CONNECTOR_DATA_DIR");
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
      Files.setPosixFilePermissions(file, perms);
    } catch (UnsupportedOperationException e) {
      java.io.File f = file.toFile();
      boolean ok =
          f.setReadable(false, false)
              && f.setReadable(true, true)
              && f.setWritable(false, false)
              && f.setWritable(true, true);
      if (!ok) {
        LOG.warn("Could not restrict the permissions of {} to its owner", file);
      }
    }
  }

  /** A short, non-secret identifier of the key, to detect a changed key. */
  public String fingerprint() {
    return fingerprint;
  }

  public String encrypt(String plain) {
    if (plain == null) {
      return null;
    }
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  public String decrypt(String stored) {
    if (stored == null) {
      return null;
    }
    if (!stored.startsWith(PREFIX)) {
      throw new IllegalStateException("a stored secret has an unknown format");
    }
    try {
      byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, IV_BYTES));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SettingsException(
          "the token store was encrypted with another key: set CONNECTOR_SECRET_KEY to the key"
              + " used before, or re-authorise Exact Online");
    }
  }

  /** SHA-256 of a value, hex: to recognise a value again without storing it. */
  public static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String fingerprintOf(byte[] keyBytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(keyBytes);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
