package org.sqexact.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks the signatures both APIs put on their webhook notifications. */
public final class WebhookSignatures {

  private WebhookSignatures() {}

  /**
   * Squarespace: {@code Squarespace-Signature} = hex(HMAC-SHA256(key = the subscription secret
   * decoded from hex, message = the raw request body as received)), compared in constant time
   * (squarespace-api.md §5, "Verifying notifications").
   */
  public static boolean squarespace(String secretHex, byte[] rawBody, String signatureHeader) {
    if (secretHex == null || secretHex.isBlank() || signatureHeader == null || rawBody == null) {
      return false;
    }
    byte[] key;
    byte[] given;
    try {
      key = HexFormat.of().parseHex(secretHex.trim());
      given = HexFormat.of().parseHex(signatureHeader.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(key, rawBody), given);
  }

  /**
   * Exact Online: {@code HashCode} = upper-case hex HMAC-SHA256 of the raw text between {@code
   * {"Content":} and {@code ,"HashCode":}, keyed with the app's webhook secret
   * (exact-online-api.md §4.11). Compared in constant time.
   */
  public static boolean exact(String secret, String rawBody) {
    if (secret == null || secret.isBlank() || rawBody == null) {
      return false;
    }
    String content = exactContent(rawBody);
    String hash = exactHashCode(rawBody);
    if (content == null || hash == null) {
      return false;
    }
    byte[] expected =
        hmac(secret.getBytes(StandardCharsets.UTF_8), content.getBytes(StandardCharsets.UTF_8));
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hash.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }

  /** The raw {@code Content} object of an Exact notification, as sent, or null. */
  static String exactContent(String rawBody) {
    String start = "{\"Content\":";
    int from = rawBody.indexOf(start);
    int to = rawBody.lastIndexOf(",\"HashCode\":");
    if (from < 0 || to < from + start.length()) {
      return null;
    }
    return rawBody.substring(from + start.length(), to);
  }

  private static String exactHashCode(String rawBody) {
    int at = rawBody.lastIndexOf(",\"HashCode\":");
    if (at < 0) {
      return null;
    }
    String rest = rawBody.substring(at + ",\"HashCode\":".length()).trim();
    if (!rest.startsWith("\"")) {
      return null;
    }
    int end = rest.indexOf('"', 1);
    return end < 0 ? null : rest.substring(1, end);
  }

  /** HMAC-SHA256. */
  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
