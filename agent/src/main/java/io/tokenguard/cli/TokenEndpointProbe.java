package io.tokenguard.cli;

import io.tokenguard.cli.Doctor.Line;
import io.tokenguard.cli.Doctor.Status;
import io.tokenguard.agent.CoreFromSettings;
import io.tokenguard.config.Settings;
import io.tokenguard.oauth.TokenEndpointClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Whether the token endpoint answers, without spending anything: a refresh_token grant request that
 * carries no refresh token (nor client secret). An RFC 6749 server answers it 400 {@code invalid_request}
 * (or 401 {@code invalid_client}); any HTTP answer proves the endpoint is reachable, a connection or TLS
 * failure is the problem the agent would meet at its first refresh.
 */
final class TokenEndpointProbe {
    private TokenEndpointProbe() {}

    static List<Line> probe(Settings settings) {
        URI url = settings.tokenUrl();
        try {
            TokenEndpointClient.ProbeAnswer answer = CoreFromSettings.tokenEndpoint(settings).probe();
            return judge(url, answer.status, answer.error, answer.location);
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
}
