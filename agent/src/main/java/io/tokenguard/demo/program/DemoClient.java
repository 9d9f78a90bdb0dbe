package io.tokenguard.demo.program;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's "user program": an ordinary JDK HttpClient program that knows nothing about tokenguard. It
 * sends {@code Authorization: Bearer placeholder} (the agent puts the real token there), calls the API
 * from several threads for some seconds, and ends with {@code calls=N failures=M}.
 *
 * <p>It sits at the root of the agent jar, which is the child's class path, so it may use JDK classes
 * only. Keep it one class file without nested classes (lambdas are fine): where the jar does not have it
 * at its root, the demo copies this one class file out to a temporary class path.
 *
 * <p>Usage: {@code DemoClient <url> [threads] [seconds]}
 */
public final class DemoClient {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static final int FAILURES_SHOWN = 5;
    private static boolean done;

    private DemoClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DemoClient <url> [threads] [seconds]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();

        System.out.println("program: " + threads + " threads calling " + url + " for " + seconds + " s");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> work(client, url, id, end), "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        Thread progress = new Thread(() -> progress(start, end), "progress");
        progress.setDaemon(true);
        progress.start();
        for (Thread worker : workers) {
            worker.join();
        }
        synchronized (DemoClient.class) {
            done = true;
            System.out.println("calls=" + CALLS.get() + " failures=" + FAILURES.get());
            System.out.flush();
        }
        System.exit(0);
    }

    private static void work(HttpClient client, URI url, int thread, long end) {
        int n = 0;
        while (System.nanoTime() < end) {
            n++;
            boolean post = (n + thread) % 2 == 0;
            String body = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello #" + n
                    + " from thread " + thread + "\"}]}";
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer placeholder");
            if (post) {
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.GET();
            }
            String method = post ? "POST" : "GET";
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                CALLS.incrementAndGet();
                if (response.statusCode() != 200) {
                    fail(method + " answered " + response.statusCode() + ": " + response.body());
                } else if (post && !response.body().contains(sha256Hex(body))) {
                    fail(method + " body did not arrive intact: " + response.body());
                }
            } catch (Exception e) {
                CALLS.incrementAndGet();
                fail(method + " failed: " + e);
                if (e instanceof InterruptedException) {
                    return;
                }
            }
            pause(100 + ThreadLocalRandom.current().nextInt(101));
        }
    }

    private static void fail(String what) {
        if (FAILURES.incrementAndGet() <= FAILURES_SHOWN) {
            say("program: FAILURE " + what);
        }
    }

    private static void progress(long start, long end) {
        int second = 0;
        while (System.nanoTime() < end) {
            pause(1000);
            second++;
            say("program: t=" + second + "s calls=" + CALLS.get() + " failures=" + FAILURES.get());
        }
    }

    /** Prints a line unless the final line is out (it must stay the last one). */
    private static synchronized void say(String line) {
        if (!done) {
            System.out.println(line);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(64);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
