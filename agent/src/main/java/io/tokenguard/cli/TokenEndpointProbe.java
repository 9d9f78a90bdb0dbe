package io.tokenguard.cli;

import io.tokenguard.cli.Doctor.Line;
import io.tokenguard.cli.Doctor.Status;
import io.tokenguard.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Whether the token endpoint answers, without spending anything: a refresh_token grant request that
 * carries no refresh token (nor client secret). An RFC 6749 server answers it 400 {@code invalid_request}
 * (or 401 {@code invalid_client}); any HTTP answer proves the endpoint is reachable, a connection or TLS
 * failure is the problem the agent would meet at its first refresh.
 */
final class TokenEndpointProbe {
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64})\"");

    private TokenEndpointProbe() {}

    static List<Line> probe(Settings settings) {
        URI url = settings.tokenUrl();
        boolean json = "json".equals(settings.tokenRequestFormat());
        String clientId = settings.clientId();
        byte[] body = (json
                ? "{\"grant_type\":\"refresh_token\"" + (clientId == null ? "" : ",\"client_id\":\"" + jsonEscape(clientId) + "\"") + "}"
                : "grant_type=refresh_token" + (clientId == null ? "" : "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.refreshTimeout().toMillis()));
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setConnectTimeout(timeout);
            connection.setReadTimeout(timeout);
            connection.setInstanceFollowRedirects(false); // as the agent: a redirect is reported, never followed
            connection.setUseCaches(false);
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            connection.setRequestProperty("Content-Type", json ? "application/json"
                    : "application/x-www-form-urlencoded; charset=UTF-8");
            connection.setRequestProperty("Accept", "application/json");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            String error = errorCode(connection, status);
            return judge(url, status, error, connection.getHeaderField("Location"));
        } catch (SSLException e) {
            return failed(url, "TLS with the token endpoint failed (" + e.getMessage() + ")",
                    "check the URL's host name and this JVM's trust store (javax.net.ssl.trustStore)");
        } catch (UnknownHostException e) {
            return failed(url, "its host does not resolve", "check tokenguard.token-url and this machine's DNS");
        } catch (ConnectException | NoRouteToHostException e) {
            return failed(url, "cannot connect (" + e.getMessage() + ")",
                    "check tokenguard.token-url, that the server runs, and any firewall or proxy in between");
        } catch (SocketTimeoutException e) {
            return failed(url, "no answer within refresh-timeout " + settings.refreshTimeout().toMillis() + " ms",
                    "check the network path, or raise tokenguard.refresh-timeout");
        } catch (IOException e) {
            return failed(url, "the request failed (" + e + ")", "check tokenguard.token-url");
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static List<Line> judge(URI url, int status, String error, String location) {
        String answered = url + " answered HTTP " + status + (error == null ? "" : " " + error);
        if (status / 100 == 3) {
            return Line.of(Status.FAIL, "token-url", answered + ", a redirect to " + location
                    + ": the agent never follows one (it would carry the refresh token elsewhere)",
                    "set tokenguard.token-url to the endpoint itself");
        }
        if (status == 404 || status == 405) {
            return Line.of(Status.WARN, "token-url", answered + ": the server answers but this may not be its "
                    + "token endpoint", "check the path in tokenguard.token-url");
        }
        if (status / 100 == 5) {
            return Line.of(Status.WARN, "token-url", answered + ": the server answers but has a problem of its own",
                    "none on this side; the agent retries failed refreshes with a backoff");
        }
        return Line.of(Status.OK, "token-url", answered + " to a probe without a refresh token: reachable"
                + (error != null ? " and speaking OAuth" : "") + " (no refresh token spent)", null);
    }

    private static List<Line> failed(URI url, String problem, String fix) {
        return Line.of(Status.FAIL, "token-url", url + ": " + problem, fix);
    }

    /** The OAuth {@code error} code of the answer, when it has one. */
    private static String errorCode(HttpURLConnection connection, int status) {
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in == null) {
                return null;
            }
            Matcher m = ERROR.matcher(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String jsonEscape(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
