package io.tokenguard.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A token endpoint that misbehaves on purpose, written on raw sockets so that it can do what no
 * well-behaved server library allows: cut a body short, stall, answer with anything. Each request is
 * answered with the one fault it was built with; {@link #proxyTo} answers instead with what a real
 * token endpoint said, changed on its way (a wrong content type, an absurd {@code expires_in}).
 * It records when each request arrived.
 */
final class FaultyTokenEndpoint implements AutoCloseable {
    /** What to answer, written straight to the socket; may sleep or cut the connection. */
    interface Fault {
        void answer(OutputStream out, byte[] requestBody, String requestContentType) throws Exception;
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-token-endpoint");
        t.setDaemon(true);
        return t;
    });
    private final Fault fault;
    private final List<Long> hits = new ArrayList<>();

    FaultyTokenEndpoint(Fault fault) throws IOException {
        this.fault = fault;
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.execute(this::acceptLoop);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/oauth/token");
    }

    /** When each token request arrived (epoch milliseconds), in order. */
    synchronized List<Long> hits() {
        return new ArrayList<>(hits);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            synchronized (this) {
                hits.add(System.currentTimeMillis());
            }
            int length = 0;
            String contentType = null;
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("content-type:")) {
                    contentType = line.substring(13).trim();
                }
            }
            byte[] body = in.readNBytes(length);
            OutputStream out = client.getOutputStream();
            fault.answer(out, body, contentType);
            out.flush();
        } catch (Exception e) {
            // the client hung up (a timeout on its side): nothing to do
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) != -1; ) {
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    /** A complete answer with Content-Length; {@code headers} are extra lines, each ending in CRLF. */
    static Fault respond(int status, String contentType, String headers, String body) {
        return (out, requestBody, requestContentType) -> write(out, status, contentType, headers, body);
    }

    static void write(OutputStream out, int status, String contentType, String headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " Whatever\r\n" + (contentType == null ? "" : "Content-Type: "
                + contentType + "\r\n") + headers + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
    }

    /** Headers promise 200 bytes of JSON; the connection closes after the first few. */
    static Fault truncated() {
        return (out, requestBody, requestContentType) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n"
                    + "Connection: close\r\n\r\n{\"access_token\":\"at-cut").getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    /** Starts an answer, then sends one byte of a header line every 300 ms for {@code millis}. */
    static Fault trickleFor(long millis) {
        return (out, requestBody, requestContentType) -> {
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
            for (long end = System.currentTimeMillis() + millis; System.currentTimeMillis() < end; ) {
                out.write('.');
                out.flush();
                Thread.sleep(300);
            }
        };
    }

    /** Accepts the request and says nothing for {@code millis}. */
    static Fault silentFor(long millis) {
        return (out, requestBody, requestContentType) -> Thread.sleep(millis);
    }

    /**
     * Forwards the refresh to {@code tokenUrl} (a real token endpoint) and answers with its body changed by
     * {@code body}, under {@code contentType} (null: the real one).
     */
    static Fault proxyTo(URI tokenUrl, String contentType, UnaryOperator<String> body) {
        HttpClient http = HttpClient.newHttpClient();
        return (out, requestBody, requestContentType) -> {
            HttpResponse<String> real = http.send(HttpRequest.newBuilder(tokenUrl)
                    .header("Content-Type", requestContentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody)).build(),
                    HttpResponse.BodyHandlers.ofString());
            write(out, real.statusCode(), contentType != null ? contentType
                    : real.headers().firstValue("Content-Type").orElse(null), "", body.apply(real.body()));
        };
    }
}
