package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code LoopProgram <url> <threads> <seconds>}: calls the URL from N threads for S seconds, GET and POST
 * in turn with short pauses; a failure is any status but 200, a POST whose body did not arrive intact, or
 * an exception. Prints {@code started} once, then at the end exactly {@code calls=N failures=M}.
 */
public final class LoopProgram {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int threads = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        HttpClient client = Programs.client();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        System.out.println("started threads=" + threads + " seconds=" + seconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> loop(client, url, id, end), "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("calls=" + CALLS.get() + " failures=" + FAILURES.get());
    }

    private static void loop(HttpClient client, URI url, int thread, long end) {
        for (int n = 0; System.nanoTime() < end; n++) {
            boolean post = (n + thread) % 2 == 1;
            String body = "{\"thread\":" + thread + ",\"n\":" + n + ",\"text\":\"h\u00e9llo \u2603\"}";
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Authorization", Programs.PLACEHOLDER);
            if (post) {
                request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            }
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                CALLS.incrementAndGet();
                if (response.statusCode() != 200) {
                    fail((post ? "POST" : "GET") + " status=" + response.statusCode() + " body=" + response.body());
                } else if (post && !Programs.sha256Hex(body).equals(Programs.jsonField(response.body(), "body_sha256"))) {
                    fail("POST body changed on the way: " + response.body());
                }
            } catch (Exception e) {
                CALLS.incrementAndGet();
                fail((post ? "POST" : "GET") + " exception=" + e);
            }
            Programs.pause(40 + ThreadLocalRandom.current().nextInt(40));
        }
    }

    private static void fail(String what) {
        if (FAILURES.incrementAndGet() <= 5) {
            System.out.println("FAILURE " + what);
        }
    }
}
