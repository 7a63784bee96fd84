package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain java.net.http calls against a running sandbox, as the connector would make them. */
final class SandboxClient {

  static final ObjectMapper JSON = new ObjectMapper();

  final DemoSandbox sandbox;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  SandboxClient(DemoSandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** A response with its body parsed as JSON when possible. */
  record Reply(int status, HttpResponse<String> raw, JsonNode json) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (!r.body().isEmpty()) {
        try {
          json = JSON.readTree(r.body());
        } catch (IOException e) {
          json = null;
        }
      }
      return new Reply(r.statusCode(), r, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- Exact

  Reply token(String refreshToken) {
    return token(refreshToken, DemoSandbox.CLIENT_ID, DemoSandbox.CLIENT_SECRET);
  }

  Reply token(String refreshToken, String clientId, String clientSecret) {
    String form =
        "grant_type=refresh_token&refresh_token="
            + enc(refreshToken)
            + "&client_id="
            + enc(clientId)
            + "&client_secret="
            + enc(clientSecret);
    return send(
        HttpRequest.newBuilder(URI.create(sandbox.exactBaseUrl() + "/api/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  /** Refreshes with the currently valid refresh token and returns the access token. */
  String accessToken() {
    Reply r = token(sandbox.exact().currentRefreshToken());
    if (r.status() != 200) {
      throw new IllegalStateException("token refresh failed: " + r.raw().body());
    }
    return r.json().get("access_token").asText();
  }

  /** GET {exactBaseUrl}/api/v1/{pathAndQuery} with JSON accept. */
  Reply exactGet(String accessToken, String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create(sandbox.exactBaseUrl() + "/api/v1/" + pathAndQuery))
            .header("Authorization", "Bearer " + accessToken)
            .header("Accept", "application/json")
            .GET()
            .build());
  }

  Reply exactGetUrl(String accessToken, String absoluteUrl) {
    return send(
        HttpRequest.newBuilder(URI.create(absoluteUrl))
            .header("Authorization", "Bearer " + accessToken)
            .header("Accept", "application/json")
            .GET()
            .build());
  }

  Reply exactSend(String accessToken, String method, String path, String jsonBody) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(sandbox.exactBaseUrl() + "/api/v1/" + DemoSandbox.DIVISION + "/" + path))
            .header("Authorization", "Bearer " + accessToken)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json");
    b.method(
        method,
        jsonBody == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    return send(b.build());
  }

  Reply division(String accessToken, String pathAndQuery) {
    return exactGet(accessToken, DemoSandbox.DIVISION + "/" + pathAndQuery);
  }

  // ---------------------------------------------------------------- Squarespace

  Reply squarespace(String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create(sandbox.squarespaceBaseUrl() + pathAndQuery))
            .header("Authorization", "Bearer " + DemoSandbox.API_KEY)
            .header("User-Agent", "sqexact-tests/1.0")
            .GET()
            .build());
  }

  Reply squarespaceUrl(String absoluteUrl) {
    return send(
        HttpRequest.newBuilder(URI.create(absoluteUrl))
            .header("Authorization", "Bearer " + DemoSandbox.API_KEY)
            .header("User-Agent", "sqexact-tests/1.0")
            .GET()
            .build());
  }
}
