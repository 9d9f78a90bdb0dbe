package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code BurstProgram <url> <n>}: N threads wait at a latch and then send one GET each, all at once.
 * Prints the statuses seen ({@code statuses={200=100}}) and {@code calls=N failures=M}.
 */
public final class BurstProgram {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        HttpClient client = Programs.client();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(30)).header("Authorization", Programs.PLACEHOLDER).build(),
                            HttpResponse.BodyHandlers.ofString());
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (response.statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    statuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
                    if (failures.incrementAndGet() <= 3) {
                        System.out.println("FAILURE " + e);
                    }
                }
            }, "burst-" + i);
            threads.add(thread);
            thread.start();
        }
        ready.await();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("statuses=" + new TreeMap<>(statuses).toString().replace(" ", ""));
        System.out.println("calls=" + n + " failures=" + failures.get());
    }
}
