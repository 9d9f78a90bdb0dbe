package io.tokenguard.it.programs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code UrlConnectionProgram <url> <threads> <seconds> [calls per thread]}: {@link LoopProgram} written
 * with {@code HttpURLConnection} only. Each thread turns through a GET that asks for the status first, a
 * POST in the JDK's default (buffered) mode that reads the body first, and a fixed-length streaming POST
 * that reads a header first, so that every kind of first call meets a rejected token now and then. A
 * failure is any status but 200, a POST body the server did not receive intact, or an exception. Prints
 * {@code started} once, then at the end exactly {@code calls=N failures=M}.
 */
public final class UrlConnectionProgram {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        URL url = new URL(args[0]);
        int threads = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        int callsPerThread = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        System.out.println("started threads=" + threads + " seconds=" + seconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> loop(url, id, end, callsPerThread), "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("calls=" + CALLS.get() + " failures=" + FAILURES.get());
    }

    private static void loop(URL url, int thread, long end, int calls) {
        for (int n = 0; n < calls && System.nanoTime() < end; n++) {
            int kind = (n + thread) % 3;
            String body = "{\"thread\":" + thread + ",\"n\":" + n + ",\"text\":\"h\u00e9llo \u2603\"}";
            try {
                CALLS.incrementAndGet();
                String failure = kind == 0 ? get(url) : post(url, body.getBytes(StandardCharsets.UTF_8), kind == 2);
                if (failure != null) {
                    fail(failure);
                }
            } catch (Exception e) {
                fail((kind == 0 ? "GET" : "POST") + " exception=" + e);
            }
            Programs.pause(40 + ThreadLocalRandom.current().nextInt(40));
        }
    }

    private static HttpURLConnection open(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestProperty("Authorization", Programs.PLACEHOLDER);
        return connection;
    }

    /** Null when the call went as it should, else what went wrong. */
    private static String get(URL url) throws IOException {
        HttpURLConnection connection = open(url);
        int status = connection.getResponseCode();
        String answer = read(status == 200 ? connection.getInputStream() : connection.getErrorStream());
        return status == 200 ? null : "GET status=" + status + " body=" + answer;
    }

    private static String post(URL url, byte[] body, boolean fixedLength) throws IOException {
        HttpURLConnection connection = open(url);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        if (fixedLength) {
            connection.setFixedLengthStreamingMode(body.length);
        }
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        String answer;
        if (fixedLength) {
            String statusLine = connection.getHeaderField(0);
            if (!statusLine.contains(" 200")) {
                return "POST(fixed) status line=" + statusLine;
            }
            answer = read(connection.getInputStream());
        } else {
            answer = read(connection.getInputStream()); // a 401 here would throw
        }
        String received = Programs.jsonField(answer, "body_sha256");
        return Programs.sha256Hex(body).equals(received) ? null : "POST body changed on the way: " + answer;
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void fail(String what) {
        if (FAILURES.incrementAndGet() <= 5) {
            System.out.println("FAILURE " + what);
        }
    }
}
