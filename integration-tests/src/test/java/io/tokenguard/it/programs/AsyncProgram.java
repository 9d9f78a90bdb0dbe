package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code AsyncProgram <url> <seconds> <batch>}: for S seconds, fires batches of requests with both
 * {@code sendAsync} overloads (with and without a push promise handler), GET and POST, on a client whose
 * executor has a single thread, and waits for each batch. Prints
 * {@code calls=N failures=M async2=A async3=B} at the end.
 */
public final class AsyncProgram {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        long seconds = Long.parseLong(args[1]);
        int batch = Integer.parseInt(args[2]);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "the-only-client-thread");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse.PushPromiseHandler<String> noPushes = (initiating, push, acceptor) -> { };
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        int async2 = 0;
        int async3 = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        System.out.println("started seconds=" + seconds + " batch=" + batch);
        for (int round = 0; System.nanoTime() < end; round++) {
            List<CompletableFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                boolean post = i % 2 == 1;
                String body = "{\"round\":" + round + ",\"i\":" + i + "}";
                HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                        .header("Authorization", Programs.PLACEHOLDER);
                if (post) {
                    builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                }
                HttpRequest request = builder.build();
                CompletableFuture<HttpResponse<String>> future;
                if ((round + i) % 2 == 0) {
                    future = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
                    async2++;
                } else {
                    future = client.sendAsync(request, HttpResponse.BodyHandlers.ofString(), noPushes);
                    async3++;
                }
                futures.add(future.handle((response, error) -> {
                    calls.incrementAndGet();
                    if (error != null) {
                        fail(failures, "exception=" + error);
                    } else if (response.statusCode() != 200) {
                        fail(failures, "status=" + response.statusCode() + " body=" + response.body());
                    } else if (post && !Programs.sha256Hex(body).equals(Programs.jsonField(response.body(), "body_sha256"))) {
                        fail(failures, "POST body changed: " + response.body());
                    }
                    return null;
                }));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            Programs.pause(50);
        }
        System.out.println("calls=" + calls.get() + " failures=" + failures.get() + " async2=" + async2
                + " async3=" + async3);
        System.exit(0);
    }

    private static void fail(AtomicInteger failures, String what) {
        if (failures.incrementAndGet() <= 5) {
            System.out.println("FAILURE " + what);
        }
    }
}
