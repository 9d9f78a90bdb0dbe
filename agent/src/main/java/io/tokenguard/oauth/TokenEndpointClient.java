package io.tokenguard.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.bootstrap.PassThrough;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Calls the OAuth 2.0 token endpoint with the refresh_token grant (RFC 6749 §6). One attempt per call:
 * retrying is the caller's decision, since a replayed rotated refresh token can revoke the whole grant.
 */
public final class TokenEndpointClient {
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_DESCRIPTION = 200;
    private static final Set<String> TERMINAL_ERRORS = Set.of("invalid_grant", "invalid_client",
            "unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_request");

    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final ClientAuth auth;
    private final RequestFormat format;
    private final String scope;
    private final int timeoutMillis;

    /** @param clientId nullable, as are clientSecret and scope; BASIC needs both id and secret */
    public TokenEndpointClient(URI tokenUrl, String clientId, String clientSecret, ClientAuth auth,
            RequestFormat format, String scope, Duration timeout) {
        this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
        if (!"https".equalsIgnoreCase(tokenUrl.getScheme()) && !"http".equalsIgnoreCase(tokenUrl.getScheme())) {
            throw new IllegalArgumentException("token URL must be http or https: " + tokenUrl);
        }
        this.auth = Objects.requireNonNull(auth, "auth");
        if (auth == ClientAuth.BASIC && (clientId == null || clientSecret == null)) {
            throw new IllegalArgumentException("basic client authentication needs a client id and a client secret");
        }
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.format = Objects.requireNonNull(format, "format");
        this.scope = scope == null || scope.isEmpty() ? null : scope;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    public TokenResponse refresh(String refreshToken) throws TokenEndpointException {
        if (refreshToken == null || refreshToken.isEmpty()) {
            throw new IllegalArgumentException("no refresh token");
        }
        // Our own call must pass the agent's instrumentation untouched, or it would try to guard itself.
        PassThrough.enter();
        try {
            return exchange(refreshToken);
        } finally {
            PassThrough.exit();
        }
    }

    /** The endpoint's answer to {@link #probe()}. */
    public static final class ProbeAnswer {
        public final int status;
        /** The OAuth {@code error} code of the answer, or null. */
        public final String error;
        /** The {@code Location} header (of a redirect, which is never followed), or null. */
        public final String location;

        ProbeAnswer(int status, String error, String location) {
            this.status = status;
            this.error = error;
            this.location = location;
        }
    }

    /**
     * A refresh request that carries neither a refresh token nor the client secret, sent as a refresh is
     * (same URL, format, timeouts, no redirect followed): an RFC 6749 server refuses it ({@code 400
     * invalid_request}), which shows it is there and speaks OAuth, and nothing is spent.
     *
     * @throws IOException when there is no HTTP answer (the cause says why: DNS, connection, TLS, timeout)
     */
    public ProbeAnswer probe() throws IOException {
        byte[] body = requestBody(null, false);
        PassThrough.enter();
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) tokenUrl.toURL().openConnection();
            send(connection, body, false);
            int status = connection.getResponseCode();
            JsonNode root = parseObject(readBody(connection, status));
            String error = root == null ? null : text(root.get("error"));
            return new ProbeAnswer(status, error != null && Syntax.ERROR_CODE.matcher(error).matches() ? error : null,
                    connection.getHeaderField("Location"));
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
            PassThrough.exit();
        }
    }

    /**
     * POSTs {@code body} on {@code connection}, set up as every call to the endpoint is. {@code
     * clientCredentials}: also the client secret, in the header with {@code client-auth=basic}.
     */
    private void send(HttpURLConnection connection, byte[] body, boolean clientCredentials) throws IOException {
        connection.setRequestMethod("POST");
        connection.setConnectTimeout(timeoutMillis);
        connection.setReadTimeout(timeoutMillis);
        connection.setInstanceFollowRedirects(false); // a redirect must never carry the refresh token elsewhere
        connection.setUseCaches(false);
        connection.setDoOutput(true);
        // Streaming mode stops HttpURLConnection from silently re-sending the POST after an I/O
        // failure, which would replay the refresh token. The price: it discards the body of a 401,
        // so a 401 reports only its status (terminal all the same).
        connection.setFixedLengthStreamingMode(body.length);
        connection.setRequestProperty("Content-Type", format == RequestFormat.JSON
                ? "application/json" : "application/x-www-form-urlencoded; charset=UTF-8");
        connection.setRequestProperty("Accept", "application/json");
        if (clientCredentials && auth == ClientAuth.BASIC) {
            String credentials = formEncode(clientId) + ":" + formEncode(clientSecret);
            connection.setRequestProperty("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
    }

    private TokenResponse exchange(String refreshToken) throws TokenEndpointException {
        byte[] body = requestBody(refreshToken, true);
        HttpURLConnection connection = null;
        int status = 0;
        ExchangeDeadline deadline = null;
        try {
            connection = (HttpURLConnection) tokenUrl.toURL().openConnection();
            deadline = ExchangeDeadline.start(connection, timeoutMillis);
            send(connection, body, true);
            status = connection.getResponseCode();
            deadline.check(status); // a connection closed under it may pass for a short but complete answer
            if (status < 100) {
                throw new TokenEndpointException(0, "invalid_response", "not an HTTP response", false, null, null);
            }
            // No deadline check here: a complete body that came just as the deadline passed is still the
            // answer, and may carry a rotated refresh token that must not be thrown away.
            byte[] response = readBody(connection, status);
            return interpret(status, connection.getContentType(), connection.getHeaderField("Retry-After"), response,
                    refreshToken, System.currentTimeMillis());
        } catch (SocketTimeoutException e) {
            throw transportFailure(status, "timeout", e, refreshToken);
        } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
            throw transportFailure(status, "connect_failed", e, refreshToken);
        } catch (IOException e) {
            if (deadline != null && deadline.passed()) {
                throw deadline.failure(status, e);
            }
            throw transportFailure(status, "io_error", e, refreshToken);
        } finally {
            if (deadline != null) {
                deadline.cancel();
            }
            if (connection != null) {
                connection.disconnect(); // one call every few hours: no point keeping the socket alive
            }
        }
    }

    /** @param refreshToken null for a probe; {@code clientCredentials}: false for a probe (no secret at all) */
    private byte[] requestBody(String refreshToken, boolean clientCredentials) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "refresh_token");
        if (refreshToken != null) {
            params.put("refresh_token", refreshToken);
        }
        if ((auth != ClientAuth.BASIC || !clientCredentials) && clientId != null) {
            params.put("client_id", clientId);
        }
        if (clientCredentials && auth == ClientAuth.POST && clientSecret != null) {
            params.put("client_secret", clientSecret);
        }
        if (scope != null) {
            params.put("scope", scope);
        }
        if (format == RequestFormat.JSON) {
            ObjectNode object = Json.MAPPER.createObjectNode();
            params.forEach(object::put);
            try {
                return Json.MAPPER.writeValueAsBytes(object);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode a map of strings", e);
            }
        }
        StringJoiner form = new StringJoiner("&");
        params.forEach((name, value) -> form.add(formEncode(name) + "=" + formEncode(value)));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The body, or null when there is none or it is larger than any token response could be. */
    private static byte[] readBody(HttpURLConnection connection, int status) throws IOException {
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in == null) {
                return null;
            }
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    /**
     * The whole reading of an answer, a pure function of what came over the wire (so that it can be fuzzed
     * without a socket): a token, or a {@link TokenEndpointException}, never anything else.
     *
     * @param body null when there was none or it was too large
     */
    TokenResponse interpret(int status, String contentType, String retryAfter, byte[] body, String refreshToken,
            long nowMillis) throws TokenEndpointException {
        try {
            if (status / 100 == 2) {
                return success(status, contentType, body);
            }
            throw failure(status, body, retryAfter, refreshToken, nowMillis);
        } catch (RuntimeException unexpected) {
            // A parser corner we did not foresee must cost one refresh attempt, not the host's request.
            throw new TokenEndpointException(status, "invalid_response", "unreadable answer ("
                    + unexpected.getClass().getSimpleName() + ")", false, null, null);
        }
    }

    private static TokenResponse success(int status, String contentType, byte[] body) throws TokenEndpointException {
        JsonNode root = parseObject(body);
        if (root == null) {
            // Typically a proxy's or load balancer's HTML page: transient, never a reason to give up the grant.
            throw new TokenEndpointException(status, "invalid_response", "the answer is not a JSON object"
                    + describeContentType(contentType), false, null, null);
        }
        JsonNode accessToken = root.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.textValue().isEmpty()) {
            throw new TokenEndpointException(status, "invalid_response", "no access_token in the response", false,
                    null, null);
        }
        // The token goes into HTTP headers: a line break would inject headers of its own, and clients such
        // as OkHttp throw at anything outside visible ASCII (RFC 6750 b64token is a subset of it).
        if (!Syntax.TOKEN_CHARS.matcher(accessToken.textValue()).matches()) {
            throw new TokenEndpointException(status, "invalid_response",
                    "access_token contains characters not allowed in an HTTP header", false, null, null);
        }
        JsonNode refreshToken = root.get("refresh_token");
        JsonNode scope = root.get("scope");
        return new TokenResponse(accessToken.textValue(),
                refreshToken != null && refreshToken.isTextual() ? refreshToken.textValue() : null,
                expiresInMillis(root.get("expires_in")), scope != null && scope.isTextual() ? scope.textValue() : null);
    }

    /**
     * Seconds, integral or not, as a number or a numeric string; unusable values mean "unknown".
     *
     * <p>Zero and negative values are "unknown" too, deliberately. Read literally they would make a token
     * that is expired on arrival: every request would then wait for a refresh that yields another such
     * token, a refresh loop against the endpoint. As "unknown" the token is used until the API rejects it,
     * and that 401 leads to one single-flight refresh, as for a server that never says {@code expires_in}.
     */
    static Long expiresInMillis(JsonNode node) {
        BigDecimal seconds;
        if (node == null) {
            return null;
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return null; // 1e400 is read as infinity, which has no decimal value
        } else if (node.isNumber()) {
            seconds = node.decimalValue();
        } else if (node.isTextual() && node.textValue().trim().matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
            seconds = new BigDecimal(node.textValue().trim());
        } else {
            return null;
        }
        if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            return null; // zero, negative or beyond 68 years: no real expiry
        }
        long millis = seconds.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValue();
        return millis > 0 ? millis : null;
    }

    private static String describeContentType(String contentType) {
        if (contentType == null) {
            return " (no content type)";
        }
        String printable = contentType.replaceAll("[^\\x20-\\x7E]", "?");
        return " (content type " + (printable.length() > 60 ? printable.substring(0, 60) : printable) + ")";
    }

    private TokenEndpointException failure(int status, byte[] body, String retryAfter, String refreshToken,
            long nowMillis) {
        String error = null;
        String description = null;
        JsonNode root = parseObject(body);
        if (root != null) {
            JsonNode node = root.get("error");
            if (node != null && node.isTextual()) {
                error = node.textValue();
                description = text(root.get("error_description"));
            } else if (node != null && node.isObject()) {
                // Anthropic's API error shape: {"type":"error","error":{"type":"...","message":"..."}}
                error = text(node.get("type"));
                description = text(node.get("message"));
            }
        }
        if (error == null || !Syntax.ERROR_CODE.matcher(error).matches() || !error.equals(redact(error, refreshToken))) {
            error = "http_" + status;
        }
        boolean terminal = status == 401 || (status == 400 && TERMINAL_ERRORS.contains(error));
        return new TokenEndpointException(status, error, redact(description, refreshToken), terminal,
                retryAfterMillis(retryAfter, nowMillis), null);
    }

    private TokenEndpointException transportFailure(int status, String error, IOException e, String refreshToken) {
        String description = redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), refreshToken);
        return new TokenEndpointException(status, error, description, false, null, e);
    }

    private static JsonNode parseObject(byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /**
     * Server text made safe to log: our secrets (also in their form-encoded shape, as an echoed request
     * body shows them) replaced, line breaks flattened, then cut to 200 characters.
     */
    private String redact(String text, String refreshToken) {
        if (text == null) {
            return null;
        }
        for (String secret : new String[] {refreshToken, clientSecret}) {
            if (secret != null && !secret.isEmpty()) {
                text = text.replace(formEncode(secret), "[redacted]").replace(secret, "[redacted]");
            }
        }
        text = Syntax.CONTROL.matcher(text).replaceAll(" ");
        if (text.length() > MAX_DESCRIPTION) {
            int end = Character.isHighSurrogate(text.charAt(MAX_DESCRIPTION - 1)) ? MAX_DESCRIPTION - 1 : MAX_DESCRIPTION;
            text = text.substring(0, end);
        }
        return text;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
    static Long retryAfterMillis(String value, long nowMillis) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.matches("[0-9]{1,9}")) {
            return Long.parseLong(trimmed) * 1000;
        }
        try {
            long at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowMillis);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Built on the first refresh, not at start: the mapper loads some four hundred classes. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * Compiled at the first answer, not when the agent starts: the regular expressions' classes and lambdas
     * would otherwise be loaded in every host at start-up, for a refresh that may come an hour later.
     */
    private static final class Syntax {
        /** RFC 6749 §5.2: error codes are printable ASCII without '"' and '\'. Anything else is not a code. */
        static final Pattern ERROR_CODE = Pattern.compile("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");
        static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}]");
        static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]+");

        private Syntax() {}
    }
}
