package org.sqexact.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.sqexact.exact.ExactReauthorizationRequiredException.Reason;
import org.sqexact.support.Bodies;

/**
 * Calls Exact Online's token endpoint through the {@code exact-token} route ({@code
 * direct:exact-token}) and turns its answers into tokens or into distinct, clear errors.
 */
public final class ExactTokenClient {

  /** A successful refresh. {@code expires_in} arrives as a string; it is parsed here. */
  public record TokenResponse(String accessToken, String refreshToken, Duration expiresIn) {}

  /** The token route of the default connection. */
  public static final String TOKEN = "direct:exact-token";

  private final ProducerTemplate template;
  private final String endpoint;
  private final String tokenUrl;
  private final String clientId;
  private final String clientSecret;

  public ExactTokenClient(
      ProducerTemplate template, String tokenUrl, String clientId, String clientSecret) {
    this(template, TOKEN, tokenUrl, clientId, clientSecret);
  }

  /**
   * @param endpoint the token route of this client's connection ({@code direct:exact-token-<id>}
   *     for a connection from {@code connections/}, docs/design/connections.md)
   */
  public ExactTokenClient(
      ProducerTemplate template,
      String endpoint,
      String tokenUrl,
      String clientId,
      String clientSecret) {
    this.template = template;
    this.endpoint = endpoint;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /** Exchanges the refresh token for a new access token and a new (rotated) refresh token. */
  public TokenResponse refresh(String refreshToken) {
    String form =
        "grant_type=refresh_token&refresh_token="
            + enc(refreshToken)
            + "&client_id="
            + enc(clientId)
            + "&client_secret="
            + enc(clientSecret);
    Exchange ex =
        template.request(
            endpoint,
            e -> {
              e.setProperty("exactTokenUrl", tokenUrl);
              e.getMessage().setBody(form);
            });
    Exception failure = ex.getException();
    if (failure != null) {
      boolean notSent = Bodies.hasCause(failure, ConnectException.class);
      throw new ExactTransientException(
          "Exact Online's token endpoint could not be reached ("
              + failure.getClass().getSimpleName()
              + "); "
              + (notSent
                  ? "the refresh was not sent"
                  : "if Exact issued new tokens anyway, the stored refresh token is now spent and"
                      + " re-authorisation will be needed"),
          "oauth2/token",
          0,
          notSent,
          failure);
    }
    int status = ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    String body = ex.getMessage().getBody(String.class);
    String reasonHeader = ex.getMessage().getHeader("Reason", String.class);
    JsonNode json = Bodies.parse(body);
    String error = json == null ? "" : json.path("error").asText("");
    String description = json == null ? "" : json.path("error_description").asText("");
    if (status == 200) {
      String access = json == null ? null : json.path("access_token").asText(null);
      String refresh = json == null ? null : json.path("refresh_token").asText(null);
      if (access == null || refresh == null) {
        throw new ExactTransientException(
            "Exact Online's token endpoint answered 200 without tokens",
            "oauth2/token",
            200,
            false,
            null);
      }
      return new TokenResponse(access, refresh, expiresIn(json.path("expires_in")));
    }
    String lower = (description + " " + error).toLowerCase(Locale.ROOT);
    if (lower.contains("old refresh token used")) {
      throw new ExactReauthorizationRequiredException(
          Reason.OLD_REFRESH_TOKEN_USED,
          "Exact Online rejected the stored refresh token: it was already used ('Old refresh token"
              + " used'). Another copy of this connector, or another tool with the same app, may"
              + " have refreshed it. Re-authorisation is needed: authorise the app again and give"
              + " the new refresh token to EXACT_REFRESH_TOKEN (see README, 'Re-authorising Exact"
              + " Online').");
    }
    if (lower.contains("refresh token expired") || lower.contains("token expired")) {
      throw new ExactReauthorizationRequiredException(
          Reason.REFRESH_TOKEN_EXPIRED,
          "Exact Online's refresh token has expired (unused for 30 days: "
              + description
              + "). Re-authorisation is needed: authorise the app again and give the new refresh"
              + " token to EXACT_REFRESH_TOKEN (see README, 'Re-authorising Exact Online').");
    }
    if ("TooEarlyToRefreshTokens".equalsIgnoreCase(reasonHeader)
        || lower.contains("access_token not expired")) {
      throw new ExactRateLimitedException(
          "Exact Online refused a token refresh as too early (TooEarlyToRefreshTokens); a new"
              + " access token may be requested at most once every 570 s",
          "oauth2/token",
          status,
          null);
    }
    if (status >= 500 || status == 429) {
      throw new ExactTransientException(
          "Exact Online's token endpoint answered " + status + " " + OData.errorMessage(json, body),
          "oauth2/token",
          status,
          false,
          null);
    }
    if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
      throw new ExactReauthorizationRequiredException(
          Reason.REJECTED,
          "Exact Online rejected the app's credentials ("
              + error
              + (description.isEmpty() ? "" : ": " + description)
              + "). Check EXACT_CLIENT_ID and EXACT_CLIENT_SECRET.");
    }
    throw new ExactReauthorizationRequiredException(
        Reason.REJECTED,
        "Exact Online refused the token refresh ("
            + status
            + " "
            + (error.isEmpty() ? OData.errorMessage(json, body) : error + ": " + description)
            + "). Re-authorisation is needed.");
  }

  static Duration expiresIn(JsonNode node) {
    String text = node == null || node.isMissingNode() || node.isNull() ? "" : node.asText().trim();
    try {
      return Duration.ofSeconds(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(600);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
