package io.tokenguard.it.suite.program;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code HttpURLConnection}, which has no asynchronous API. Programs use it in more ways than one, and
 * each must meet the retried answer, so the driver takes turns: it asks for the status first, for the
 * headers first, or for the body first (which throws for a 4xx, as programs then find out); and it sends a
 * body in the JDK's default buffered mode or in fixed-length streaming mode. A body that can be read once
 * goes out in chunked streaming mode.
 */
public final class UrlConnectionDriver implements Driver {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Reply send(Call call) throws Exception {
        int turn = calls.getAndIncrement();
        HttpURLConnection connection = (HttpURLConnection) call.url.toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod(call.method);
        connection.setRequestProperty("Authorization", Call.PLACEHOLDER);
        if (call.body != null) {
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", call.contentType);
            if (call.oneShot) {
                connection.setChunkedStreamingMode(4096);
            } else if (turn % 2 == 1) {
                connection.setFixedLengthStreamingMode(call.body.length);
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(call.body);
            }
        }
        return answer(connection, turn % 3);
    }

    private static Reply answer(HttpURLConnection connection, int firstAsk) throws IOException {
        if (firstAsk == 1) {
            connection.getHeaderFields();
        } else if (firstAsk == 2) {
            try {
                String body = read(connection.getInputStream());
                return new Reply(connection.getResponseCode(), body);
            } catch (IOException rejected) {
                // A 4xx: its status and body are read below, as programs do.
            }
        }
        int status = connection.getResponseCode();
        return new Reply(status, read(status < 400 ? connection.getInputStream() : connection.getErrorStream()));
    }

    /** The body as text; "" when there is none (the JDK keeps no body of a 401 in streaming mode). */
    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (InputStream body = in) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
