package io.tokenguard.it;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two plain servers on 127.0.0.1 for the redirect cases: a guarded API whose every answer is a redirect
 * ({@code /302/...} or {@code /307/...}) to the other one, the landing server, which is not guarded and
 * answers 200. Both record the headers of every request they get, so a test can tell which headers
 * followed the program across the redirect.
 */
final class RedirectServers implements AutoCloseable {
    private final HttpServer guarded;
    private final HttpServer landing;
    private final List<Map<String, String>> guardedRequests = new ArrayList<>();
    private final List<Map<String, String>> landingRequests = new ArrayList<>();

    RedirectServers() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        landing = HttpServer.create(loopback, 0);
        landing.createContext("/", exchange -> answer(exchange, landingRequests, 200, null));
        guarded = HttpServer.create(loopback, 0);
        guarded.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String status = path.substring(1, 4);
            // "/302/localhost/..." goes to another host name, "/307/same-ip/..." to another port of 127.0.0.1.
            String host = path.startsWith("/localhost", 4) ? "localhost" : "127.0.0.1";
            answer(exchange, guardedRequests, Integer.parseInt(status),
                    "http://" + host + ":" + landing.getAddress().getPort() + "/landed" + path);
        });
        landing.start();
        guarded.start();
    }

    /** A guarded URL that answers {@code status} (302 or 307) with a redirect to the landing server. */
    URI redirect(int status, boolean otherHostName) {
        return URI.create("http://127.0.0.1:" + guarded.getAddress().getPort() + "/" + status
                + (otherHostName ? "/localhost" : "/same-ip") + "/v1/messages");
    }

    /**
     * URLs that only look like the guarded server's and reach the landing server: userinfo naming the guarded
     * host ({@code http://127.0.0.1:<guarded port>@localhost:<landing port>/}), and the guarded address with
     * the landing server's port.
     */
    List<URI> lookalikes() {
        int guardedPort = guarded.getAddress().getPort();
        int landingPort = landing.getAddress().getPort();
        return List.of(URI.create("http://127.0.0.1:" + guardedPort + "@localhost:" + landingPort + "/userinfo"),
                URI.create("http://127.0.0.1:" + landingPort + "/other-port"));
    }

    /** The entry for {@code hosts}: the guarded server only, with its port. */
    String guardedHost() {
        return "127.0.0.1:" + guarded.getAddress().getPort();
    }

    /** Headers (names in lower case) of every request the guarded server got. */
    List<Map<String, String>> guardedRequests() {
        synchronized (guardedRequests) {
            return new ArrayList<>(guardedRequests);
        }
    }

    /** Headers (names in lower case) of every request the landing server got. */
    List<Map<String, String>> landingRequests() {
        synchronized (landingRequests) {
            return new ArrayList<>(landingRequests);
        }
    }

    private static void answer(HttpExchange exchange, List<Map<String, String>> log, int status, String location)
            throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            Headers request = exchange.getRequestHeaders();
            request.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            synchronized (log) {
                log.add(headers);
            }
            byte[] body = ("{\"ok\":" + (status == 200) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        guarded.stop(0);
        landing.stop(0);
    }
}
