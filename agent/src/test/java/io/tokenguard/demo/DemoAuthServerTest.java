package io.tokenguard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoAuthServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private DemoAuthServer server;

    @BeforeEach
    void start() throws Exception {
        server = new DemoAuthServer().accessTokenLifetimeMillis(60_000).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void liveAccessTokenIsAcceptedAndTheBodyEchoed() throws Exception {
        Grant grant = server.issueGrant();
        assertTrue(grant.accessToken().matches("at-[A-Za-z0-9_-]{32}"), "access token shape");
        assertTrue(grant.refreshToken().matches("rt-[A-Za-z0-9_-]{32}"), "refresh token shape");
        long now = System.currentTimeMillis();
        assertTrue(grant.expiresAtMillis() > now + 50_000 && grant.expiresAtMillis() <= now + 60_000);
        assertTrue(server.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"));
        assertEquals(server.baseUrl() + "/oauth/token", server.tokenUrl().toString());

        String body = "{\"hello\":\"w\u00f6rld\"}";
        HttpResponse<String> response = api("POST", "/v1/messages", "Bearer " + grant.accessToken(), body);
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode json = JSON.readTree(response.body());
        assertTrue(json.path("ok").asBoolean());
        assertEquals("POST", json.path("method").asText());
        assertEquals("/v1/messages", json.path("path").asText());
        assertEquals(Wire.sha256Hex(body.getBytes(StandardCharsets.UTF_8)), json.path("body_sha256").asText());
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, json.path("body_length").asInt());
        assertEquals(body, json.path("echo").asText());

        HttpResponse<String> get = api("GET", "/v1/models/x", "Bearer " + grant.accessToken(), null);
        assertEquals(200, get.statusCode());
        assertEquals("GET", JSON.readTree(get.body()).path("method").asText());
        assertEquals(2, server.apiCalls());
        assertEquals(2, server.apiOk());
        assertEquals(0, server.apiUnauthorized());
    }

    @Test
    void largeBodiesAreHashedButNotEchoed() throws Exception {
        Grant grant = server.issueGrant();
        String body = "x".repeat(10_000);
        JsonNode json = JSON.readTree(api("PUT", "/v1/big", "Bearer " + grant.accessToken(), body).body());
        assertEquals(10_000, json.path("body_length").asInt());
        assertFalse(json.has("echo"));
        assertEquals(Wire.sha256Hex(body.getBytes(StandardCharsets.UTF_8)), json.path("body_sha256").asText());
    }

    @Test
    void unknownOrMissingBearerIs401() throws Exception {
        HttpResponse<String> response = api("GET", "/v1/messages", "Bearer placeholder", null);
        assertEquals(401, response.statusCode());
        JsonNode json = JSON.readTree(response.body());
        assertEquals("error", json.path("type").asText());
        assertEquals("authentication_error", json.path("error").path("type").asText());
        assertEquals("Invalid bearer token", json.path("error").path("message").asText());
        assertFalse(response.headers().firstValue("WWW-Authenticate").isPresent());
        assertEquals(401, api("GET", "/v1/messages", null, null).statusCode());
        assertEquals(2, server.apiUnauthorized());
        assertEquals(List.of("Bearer placeholder", ""), server.apiAuthorizations());

        server.wwwAuthenticate(true);
        response = api("GET", "/v1/messages", "Bearer nope", null);
        assertEquals("Bearer error=\"invalid_token\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(404, api("GET", "/elsewhere", null, null).statusCode());
    }

    @Test
    void accessTokensExpire() throws Exception {
        server.accessTokenLifetimeMillis(300);
        Grant grant = server.issueGrant();
        assertEquals(200, api("GET", "/v1/m", "Bearer " + grant.accessToken(), null).statusCode());
        Thread.sleep(400);
        HttpResponse<String> response = api("GET", "/v1/m", "Bearer " + grant.accessToken(), null);
        assertEquals(401, response.statusCode());
        assertEquals("OAuth token has expired", JSON.readTree(response.body()).path("error").path("message").asText());
        assertFalse(server.isLiveAccessToken(grant.accessToken()));

        JsonNode refreshed = JSON.readTree(refreshForm("refresh_token=" + grant.refreshToken() + "&grant_type=refresh_token").body());
        assertEquals("0.3", refreshed.path("expires_in").asText(), "fractional seconds");
        server.accessTokenLifetimeMillis(10_000);
        refreshed = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + refreshed.path("refresh_token").asText()).body());
        assertTrue(refreshed.path("expires_in").isIntegralNumber());
        assertEquals(10, refreshed.path("expires_in").asInt());
    }

    @Test
    void refreshRotatesAndTheOldRefreshTokenDies() throws Exception {
        Grant grant = server.issueGrant();
        HttpResponse<String> response = refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken());
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        JsonNode json = JSON.readTree(response.body());
        String access = json.path("access_token").asText();
        String refresh = json.path("refresh_token").asText();
        assertEquals("Bearer", json.path("token_type").asText());
        assertEquals(60, json.path("expires_in").asInt());
        assertNotEquals(grant.accessToken(), access);
        assertNotEquals(grant.refreshToken(), refresh);
        assertEquals(access, server.newestAccessToken());
        assertEquals(refresh, server.newestRefreshToken());
        assertFalse(server.isLiveRefreshToken(grant.refreshToken()));
        assertTrue(server.isLiveRefreshToken(refresh));
        // The old access token stays valid until it expires (only the refresh token rotates).
        assertEquals(200, api("GET", "/v1/m", "Bearer " + grant.accessToken(), null).statusCode());
        assertEquals(200, api("GET", "/v1/m", "Bearer " + access, null).statusCode());
        assertEquals(1, server.refreshes());
        assertEquals(List.of("application/x-www-form-urlencoded"), server.tokenRequestContentTypes());
        assertTrue(server.issuedSecrets().containsAll(List.of(grant.accessToken(), grant.refreshToken(), access, refresh)));
        assertEquals(4, server.issuedSecrets().size());
        assertTrue(server.issuedAsPair(grant.accessToken(), grant.refreshToken()));
        assertTrue(server.issuedAsPair(access, refresh));
        assertFalse(server.issuedAsPair(access, grant.refreshToken()), "a mix of two answers is no pair");
        assertFalse(server.issuedAsPair(grant.accessToken(), refresh));
        assertFalse(server.issuedAsPair("at-unknown", refresh));
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeFamily() throws Exception {
        Grant grant = server.issueGrant();
        Grant other = server.issueGrant(); // another family, must survive
        JsonNode first = JSON.readTree(refreshJson("{\"grant_type\":\"refresh_token\",\"refresh_token\":\"" + grant.refreshToken() + "\"}").body());
        String access = first.path("access_token").asText();
        String refresh = first.path("refresh_token").asText();

        HttpResponse<String> replay = refreshJson("{\"grant_type\":\"refresh_token\",\"refresh_token\":\"" + grant.refreshToken() + "\"}");
        assertEquals(400, replay.statusCode());
        JsonNode error = JSON.readTree(replay.body());
        assertEquals("invalid_grant", error.path("error").asText());
        assertEquals("Refresh token not found or invalid", error.path("error_description").asText());
        assertEquals(1, server.reuseDetections());
        assertEquals(1, server.invalidGrants());

        // Every token of the family is dead now: the first and the newest access token, the newest refresh token.
        assertEquals(401, api("GET", "/v1/m", "Bearer " + grant.accessToken(), null).statusCode());
        assertEquals(401, api("GET", "/v1/m", "Bearer " + access, null).statusCode());
        assertFalse(server.isLiveRefreshToken(refresh));
        HttpResponse<String> newest = refreshForm("grant_type=refresh_token&refresh_token=" + refresh);
        assertEquals(400, newest.statusCode());
        assertEquals("invalid_grant", JSON.readTree(newest.body()).path("error").asText());
        assertEquals(1, server.reuseDetections(), "a revoked (not rotated) token is no reuse");
        assertEquals(2, server.invalidGrants());

        // The other family is untouched.
        assertEquals(200, api("GET", "/v1/m", "Bearer " + other.accessToken(), null).statusCode());
        assertEquals(200, refreshForm("grant_type=refresh_token&refresh_token=" + other.refreshToken()).statusCode());
        assertEquals(List.of("application/json", "application/json", "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded"), server.tokenRequestContentTypes());
        assertEquals(4, server.refreshRequests());
        assertEquals(2, server.refreshes());
    }

    @Test
    void withoutReuseDetectionARotatedTokenIsJustInvalid() throws Exception {
        server.reuseDetection(false);
        Grant grant = server.issueGrant();
        String refresh = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).body())
                .path("refresh_token").asText();
        assertEquals(400, refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).statusCode());
        assertEquals(0, server.reuseDetections());
        assertTrue(server.isLiveRefreshToken(refresh));
    }

    @Test
    void unknownRefreshTokenAndOtherGrantTypes() throws Exception {
        HttpResponse<String> unknown = refreshForm("grant_type=refresh_token&refresh_token=rt-nope");
        assertEquals(400, unknown.statusCode());
        assertEquals("invalid_grant", JSON.readTree(unknown.body()).path("error").asText());
        assertEquals(0, server.reuseDetections());
        assertEquals(1, server.invalidGrants());

        HttpResponse<String> password = refreshForm("grant_type=password&username=a&password=b");
        assertEquals(400, password.statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(password.body()).path("error").asText());
        assertEquals(400, refreshForm("grant_type=refresh_token").statusCode());
        HttpResponse<String> text = http.send(HttpRequest.newBuilder(server.tokenUrl())
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, text.statusCode());
        assertEquals(0, server.refreshes());
    }

    @Test
    void earlyRevocationKillsAccessTokensButNotRefreshTokens() throws Exception {
        Grant grant = server.issueGrant();
        assertEquals(1, server.revokeAllAccessTokens());
        HttpResponse<String> response = api("GET", "/v1/m", "Bearer " + grant.accessToken(), null);
        assertEquals(401, response.statusCode());
        assertEquals("authentication_error", JSON.readTree(response.body()).path("error").path("type").asText());
        JsonNode refreshed = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).body());
        assertEquals(200, api("GET", "/v1/m", "Bearer " + refreshed.path("access_token").asText(), null).statusCode());
    }

    @Test
    void rotationOffAndOmittedRefreshTokenKeepTheOldOne() throws Exception {
        server.rotation(false);
        Grant grant = server.issueGrant();
        JsonNode json = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).body());
        assertEquals(grant.refreshToken(), json.path("refresh_token").asText());
        server.rotation(true).omitRefreshToken(true);
        json = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).body());
        assertFalse(json.has("refresh_token"));
        assertTrue(json.has("access_token"));
        assertTrue(server.isLiveRefreshToken(grant.refreshToken()));
        assertEquals(200, refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).statusCode());
        assertEquals(3, server.refreshes());
    }

    @Test
    void revokeAfterEachApiOkRejectsTheNextRequest() throws Exception {
        server.revokeAfterEachApiOk(true);
        Grant grant = server.issueGrant();
        assertEquals(200, api("GET", "/v1/m", "Bearer " + grant.accessToken(), null).statusCode());
        assertEquals(401, api("GET", "/v1/m", "Bearer " + grant.accessToken(), null).statusCode());
        String access = JSON.readTree(refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).body())
                .path("access_token").asText();
        assertEquals(200, api("GET", "/v1/m", "Bearer " + access, null).statusCode());
        assertFalse(server.isLiveAccessToken(access));
    }

    @Test
    void expectedClientIdInBodyOrBasicAuth() throws Exception {
        server.expectedClientId("my-client");
        Grant grant = server.issueGrant();
        HttpResponse<String> wrong = refreshForm("grant_type=refresh_token&client_id=other&refresh_token=" + grant.refreshToken());
        assertEquals(401, wrong.statusCode());
        assertEquals("invalid_client", JSON.readTree(wrong.body()).path("error").asText());
        assertEquals(401, refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).statusCode());
        HttpResponse<String> right = refreshJson("{\"grant_type\":\"refresh_token\",\"client_id\":\"my-client\",\"refresh_token\":\""
                + grant.refreshToken() + "\"}");
        assertEquals(200, right.statusCode());
        String refresh = JSON.readTree(right.body()).path("refresh_token").asText();
        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(server.tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("my-client:secret".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + refresh)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, basic.statusCode());
        assertEquals("my-client", server.tokenRequests().get(3).get("client_id"));
    }

    @Test
    void refreshLatencyAndManyConcurrentApiCalls() throws Exception {
        server.refreshLatencyMillis(200);
        Grant grant = server.issueGrant();
        long start = System.nanoTime();
        assertEquals(200, refreshForm("grant_type=refresh_token&refresh_token=" + grant.refreshToken()).statusCode());
        assertTrue(System.nanoTime() - start >= 200_000_000L, "latency applied");

        server.apiLatencyMillis(300);
        String access = server.newestAccessToken();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        start = System.nanoTime();
        for (int i = 0; i < 120; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/c/" + i))
                    .header("Authorization", "Bearer " + access).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertEquals(200, call.get().statusCode());
        }
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "served concurrently, not one after another");
        assertEquals(120, server.apiOk());
    }

    private HttpResponse<String> api(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> refreshForm(String form) throws Exception {
        return http.send(HttpRequest.newBuilder(server.tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> refreshJson(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(server.tokenUrl())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
