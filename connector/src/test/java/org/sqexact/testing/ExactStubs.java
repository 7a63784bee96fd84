package org.sqexact.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** WireMock answers as Exact Online sends them: bodies, status codes and rate-limit headers. */
public final class ExactStubs {

  public static final String DIVISION = "123456";
  public static final String REST = "/api/v1/" + DIVISION + "/";

  private ExactStubs() {}

  /** A token response: {@code expires_in} is a string, as Exact sends it. */
  public static void token(
      WireMockExtension wm, String refreshIn, String refreshOut, String access) {
    wm.stubFor(
        post(urlPathEqualTo("/api/oauth2/token"))
            .withRequestBody(containing("refresh_token=" + refreshIn + "&"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\""
                            + access
                            + "\",\"token_type\":\"bearer\",\"expires_in\":\"600\",\"refresh_token\":\""
                            + refreshOut
                            + "\"}")));
  }

  /** A chain of refreshes RT1 → RT2 → … with access tokens AT1, AT2, …. */
  public static void tokenChain(WireMockExtension wm, int length) {
    for (int i = 1; i <= length; i++) {
      token(wm, "RT" + i, "RT" + (i + 1), "AT" + i);
    }
  }

  public static void me(WireMockExtension wm, int currentDivision) {
    wm.stubFor(
        get(urlPathEqualTo("/api/v1/current/Me"))
            .willReturn(
                json(
                    200,
                    "{\"d\":{\"results\":[{\"__metadata\":{\"type\":\"Exact.Web.Api.Models.System.Me\"},"
                        + "\"CurrentDivision\":"
                        + currentDivision
                        + ",\"UserID\":\"5f6b3a3e-8d0c-4c2f-9a8e-2d0f1f0e6d11\",\"UserName\":\"api\","
                        + "\"LanguageCode\":\"nl-NL\"}]}}")));
  }

  /** A JSON answer with Exact's rate-limit headers (plenty left). */
  public static ResponseDefinitionBuilder json(int status, String body) {
    return withRateHeaders(
        aResponse()
            .withStatus(status)
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body),
        59,
        4999);
  }

  public static ResponseDefinitionBuilder withRateHeaders(
      ResponseDefinitionBuilder b, int minutelyRemaining, int dailyRemaining) {
    Instant now = Instant.now();
    long minuteReset = now.plusSeconds(60).toEpochMilli() / 60000 * 60000;
    long dayReset =
        LocalDate.now(ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay()
            .toInstant(ZoneOffset.UTC)
            .toEpochMilli();
    return b.withHeader("X-RateLimit-Limit", "5000")
        .withHeader("X-RateLimit-Remaining", Integer.toString(dailyRemaining))
        .withHeader("X-RateLimit-Reset", Long.toString(dayReset))
        .withHeader("X-RateLimit-Minutely-Limit", "60")
        .withHeader("X-RateLimit-Minutely-Remaining", Integer.toString(minutelyRemaining))
        .withHeader("X-RateLimit-Minutely-Reset", Long.toString(minuteReset));
  }

  /** Exact's error body. */
  public static String error(String message) {
    return "{\"error\":{\"code\":\"\",\"message\":{\"lang\":\"\",\"value\":\"" + message + "\"}}}";
  }

  /** A list page as Exact sends it. */
  public static String page(String rowsJson, String next) {
    return "{\"d\":{\"results\":["
        + rowsJson
        + "]"
        + (next == null ? "" : ",\"__next\":\"" + next + "\"")
        + "}}";
  }
}
