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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code StatusesProgram <url> <threads> <seconds>}: GETs the URL from N threads for S seconds (and at least three times each) and counts
 * what came back, whatever it was. Prints {@code started}, then at the end exactly
 * {@code statuses={200=N, 401=M} exceptions=E slowest_ms=T}, and the first exception seen, if any.
 */
public final class StatusesProgram {
    /** Each thread calls at least this often, however slowly the machine runs. */
    private static final int MIN_CALLS = 3;
    private static final Map<Integer, Integer> STATUSES = new TreeMap<>();
    private static final AtomicLong SLOWEST = new AtomicLong();
    private static final List<String> EXCEPTIONS = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int threads = Integer.parseInt(args[1]);
        HttpClient client = Programs.client();
        // From here, not from the JVM's start: on a busy machine starting can take longer than the run.
        long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
        System.out.println("started");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> loop(client, url, end), "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        synchronized (EXCEPTIONS) {
            if (!EXCEPTIONS.isEmpty()) {
                System.out.println("first exception: " + EXCEPTIONS.get(0));
            }
            synchronized (STATUSES) {
                System.out.println("statuses=" + STATUSES + " exceptions=" + EXCEPTIONS.size() + " slowest_ms="
                        + SLOWEST.get());
            }
        }
    }

    private static void loop(HttpClient client, URI url, long end) {
        for (int n = 0; n < MIN_CALLS || System.nanoTime() < end; n++) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Authorization", Programs.PLACEHOLDER).build();
            long started = System.nanoTime();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                synchronized (STATUSES) {
                    STATUSES.merge(status, 1, Integer::sum);
                }
            } catch (Exception e) {
                synchronized (EXCEPTIONS) {
                    EXCEPTIONS.add(e.toString());
                }
            }
            SLOWEST.accumulateAndGet(Duration.ofNanos(System.nanoTime() - started).toMillis(), Math::max);
            Programs.pause(20 + ThreadLocalRandom.current().nextInt(30));
        }
    }
}
