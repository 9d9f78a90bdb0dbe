package io.tokenguard.bench.refresh;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code RevokedBurst <api url> <token url> <threads> <rounds>}, run with the agent. One shared JDK client,
 * N threads, warmed up. Prints the plain round trips (a request; a token-endpoint exchange), then per round:
 * a burst of one request per thread released at once (the token valid), {@code revoke} (the driver revokes
 * the token and answers with a line), a second burst (each request meets a 401, the agent refreshes once
 * and retries), {@code burst-done}. Latencies in microseconds; any status but 200 ends the run with exit 1.
 */
public final class RevokedBurst {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RevokedBurst() {}

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        URI tokenUrl = URI.create(args[1]);
        int threads = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        BufferedReader driver = new BufferedReader(new InputStreamReader(System.in));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        burst(pool, threads, api, 300 / Math.max(1, threads / 10)); // warm-up: JIT, connections
        System.out.println("request_rtt_us=" + medianMicros(api, null, 400));
        System.out.println("endpoint_rtt_us=" + medianMicros(tokenUrl, "grant_type=refresh_token&refresh_token=not-a-token", 400));
        System.out.println("endpoint_new_connection_rtt_us=" + newConnectionMicros(tokenUrl, 40));
        for (int round = -1; round < rounds; round++) {
            // Round -1 is the process's first refresh: the refresh path's classes load and nothing is
            // compiled yet. Reported apart; the rounds after it are the steady state.
            String tag = round < 0 ? "first-" : "";
            System.out.println(tag + "baseline=" + join(burst(pool, threads, api, 1)));
            System.out.println("revoke");
            driver.readLine();
            System.out.println(tag + "revoked=" + join(burst(pool, threads, api, 1)));
            System.out.println("burst-done");
            driver.readLine();
        }
        pool.shutdown();
        System.out.println("done");
    }

    /**
     * Each thread makes {@code each} requests, all released together after 100 ms idle; the latencies of the
     * last ones.
     */
    private static long[] burst(ExecutorService pool, int threads, URI api, int each) throws Exception {
        Thread.sleep(100);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                long last = 0;
                for (int i = 0; i < each; i++) {
                    last = call(api, null);
                }
                return last;
            }));
        }
        long[] micros = new long[threads];
        for (int t = 0; t < threads; t++) {
            micros[t] = results.get(t).get();
        }
        return micros;
    }

    private static long medianMicros(URI uri, String form, int times) throws Exception {
        long[] micros = new long[times];
        for (int i = 0; i < times; i++) {
            micros[i] = call(uri, form);
        }
        Arrays.sort(micros);
        return micros[times / 2];
    }

    /**
     * The median of POSTs to the token endpoint, each on a new connection after 20 ms idle, made the way the
     * agent makes a refresh (HttpURLConnection, streaming, disconnected after): a refresh comes once an hour
     * or after a revocation, never on a warm kept-alive connection. For context next to the budget.
     */
    private static long newConnectionMicros(URI tokenUrl, int times) throws Exception {
        byte[] form = "grant_type=refresh_token&refresh_token=not-a-token".getBytes(StandardCharsets.US_ASCII);
        long[] micros = new long[times];
        for (int i = 0; i < times; i++) {
            Thread.sleep(20);
            long start = System.nanoTime();
            HttpURLConnection connection = (HttpURLConnection) tokenUrl.toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(form.length);
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(form);
            }
            int status = connection.getResponseCode();
            try (InputStream in = connection.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            connection.disconnect();
            micros[i] = (System.nanoTime() - start) / 1000;
            if (status != 400) {
                System.out.println("unexpected status " + status + " from " + tokenUrl);
                System.exit(1);
            }
        }
        Arrays.sort(micros);
        return micros[times / 2];
    }

    /** One request (a GET, or a POST of {@code form}); its latency in microseconds. */
    private static long call(URI uri, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer placeholder");
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        }
        long start = System.nanoTime();
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - start) / 1000;
        int expected = form == null ? 200 : 400;
        if (response.statusCode() != expected) {
            System.out.println("unexpected status " + response.statusCode() + " from " + uri);
            System.exit(1);
        }
        return micros;
    }

    private static String join(long[] values) {
        StringBuilder out = new StringBuilder();
        for (long value : values) {
            out.append(out.length() == 0 ? "" : ",").append(value);
        }
        return out.toString();
    }
}
