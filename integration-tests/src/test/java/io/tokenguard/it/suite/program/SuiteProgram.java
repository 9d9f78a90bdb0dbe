package io.tokenguard.it.suite.program;

import static io.tokenguard.it.programs.Programs.jsonField;
import static io.tokenguard.it.programs.Programs.sha256Hex;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared suite's child program: {@code SuiteProgram <driver class> <scenario> args...}. Every scenario
 * is what an ordinary program does with its client; it prints what it saw, ending with
 * {@code calls=N failures=M}. Scenarios:
 * <ul>
 *   <li>{@code loop <url> <threads> <seconds>}: GET and POST in turn from N threads; a failure is any
 *       status but 200, a POST body that did not arrive intact, or an exception.</li>
 *   <li>{@code burst <url> <n> sync|async}: N requests leave at the same instant (N threads, or N async
 *       calls from one thread); prints {@code statuses={200=N}}.</li>
 *   <li>{@code bodies <url>}: a JSON POST, a 256 KiB binary POST, a text PUT; one {@code body=} line each.</li>
 *   <li>{@code oneshot <url> <bytes>}: one POST whose body can be read once; prints {@code status=}.</li>
 *   <li>{@code twohosts <guarded url> <unguarded url>}: prints the statuses of each.</li>
 *   <li>{@code statuses <url> <threads> <seconds> [stop file]}: GETs from N threads that go on whatever
 *       the answer, until the time is up or the stop file exists. As each second of the clock ends,
 *       prints {@code second=<epoch second> statuses={200=N,401=M} slowest_ms=T} for the calls that
 *       ended in it ({@code -1}: no answer, an exception). A failure is a call that got no answer.</li>
 *   <li>{@code gets <url>...}: one GET to each URL in turn (the client follows any redirect as it is set
 *       up to); prints {@code get=<i> status=N} ({@code -1} and the exception's class when the client
 *       refused the URL). A failure is any status but 200.</li>
 * </ul>
 */
public final class SuiteProgram {
    public static final String JSON_BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"caf\u00e9 \u2603 \\\"quoted\\\" & = + % \\n end\"}],\"max_tokens\":16}";
    public static final String PUT_BODY = "plain text body, line 1\nline 2\n";
    public static final int BINARY_LENGTH = 256 * 1024;

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        Driver driver = (Driver) Class.forName(args[0]).getConstructor().newInstance();
        try {
            switch (args[1]) {
                case "loop" -> loop(driver, URI.create(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
                case "burst" -> burst(driver, URI.create(args[2]), Integer.parseInt(args[3]), "async".equals(args[4]));
                case "bodies" -> bodies(driver, URI.create(args[2]));
                case "oneshot" -> oneShot(driver, URI.create(args[2]), Integer.parseInt(args[3]));
                case "twohosts" -> twoHosts(driver, URI.create(args[2]), URI.create(args[3]));
                case "statuses" -> statuses(driver, URI.create(args[2]), Integer.parseInt(args[3]),
                        Long.parseLong(args[4]), args.length > 5 ? Path.of(args[5]) : null);
                case "gets" -> gets(driver, java.util.Arrays.copyOfRange(args, 2, args.length));
                default -> throw new IllegalArgumentException("unknown scenario " + args[1]);
            }
        } finally {
            driver.close();
        }
        System.out.println("calls=" + CALLS.get() + " failures=" + FAILURES.get());
    }

    private static void loop(Driver driver, URI url, int threads, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        System.out.println("started threads=" + threads + " seconds=" + seconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    boolean post = (n + thread) % 2 == 1;
                    String body = "{\"thread\":" + thread + ",\"n\":" + n + ",\"text\":\"h\u00e9llo \u2603\"}";
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    Call call = post ? Call.withBody("POST", url, bytes, "application/json") : Call.get(url);
                    try {
                        Reply reply = driver.send(call);
                        CALLS.incrementAndGet();
                        if (reply.status != 200) {
                            fail(call.method + " status=" + reply.status + " body=" + reply.body);
                        } else if (post && !sha256Hex(bytes).equals(jsonField(reply.body, "body_sha256"))) {
                            fail("POST body changed on the way: " + reply.body);
                        }
                    } catch (Exception e) {
                        CALLS.incrementAndGet();
                        fail(call.method + " exception=" + e);
                    }
                    pause(40 + ThreadLocalRandom.current().nextInt(40));
                }
            }, "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static void burst(Driver driver, URI url, int n, boolean async) throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        if (async) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                CompletableFuture<Reply> reply = driver.sendAsync(Call.get(url));
                if (reply == null) {
                    throw new IllegalStateException("this client has no async API");
                }
                replies.add(reply);
            }
            for (CompletableFuture<Reply> reply : replies) {
                try {
                    count(statuses, reply.get(60, TimeUnit.SECONDS).status);
                } catch (Exception e) {
                    count(statuses, -1);
                    fail("async exception=" + e);
                }
            }
        } else {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread thread = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        count(statuses, driver.send(Call.get(url)).status);
                    } catch (Exception e) {
                        count(statuses, -1);
                        fail("exception=" + e);
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
        }
        System.out.println("statuses=" + new TreeMap<>(statuses).toString().replace(" ", ""));
    }

    private static void count(Map<Integer, AtomicInteger> statuses, int status) {
        CALLS.incrementAndGet();
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (status != 200) {
            FAILURES.incrementAndGet();
        }
    }

    private static void bodies(Driver driver, URI url) throws Exception {
        byte[] binary = new byte[BINARY_LENGTH];
        new Random(42).nextBytes(binary);
        sendBody(driver, "json", Call.withBody("POST", url, JSON_BODY.getBytes(StandardCharsets.UTF_8), "application/json"));
        sendBody(driver, "binary", Call.withBody("POST", url, binary, "application/octet-stream"));
        sendBody(driver, "put", Call.withBody("PUT", url, PUT_BODY.getBytes(StandardCharsets.UTF_8), "text/plain"));
    }

    private static void sendBody(Driver driver, String name, Call call) throws Exception {
        Reply reply = driver.send(call);
        CALLS.incrementAndGet();
        System.out.println("body=" + name + " status=" + reply.status + " sent_sha256=" + sha256Hex(call.body)
                + " sent_length=" + call.body.length + " response=" + reply.body);
        if (reply.status != 200 || !sha256Hex(call.body).equals(jsonField(reply.body, "body_sha256"))) {
            FAILURES.incrementAndGet();
        }
    }

    private static void oneShot(Driver driver, URI url, int bytes) throws Exception {
        byte[] body = new byte[bytes];
        new Random(7).nextBytes(body);
        Reply reply = driver.send(Call.withBody("POST", url, body, "application/octet-stream").oneShot());
        CALLS.incrementAndGet();
        System.out.println("status=" + reply.status + " servers_401_body=" + reply.body.contains("authentication_error"));
    }

    private static void twoHosts(Driver driver, URI guarded, URI unguarded) throws Exception {
        System.out.println("unguarded_status=" + driver.send(Call.get(unguarded)).status);
        System.out.println("unguarded_status_again=" + driver.send(Call.get(unguarded)).status);
        System.out.println("guarded_status=" + driver.send(Call.get(guarded)).status);
        CALLS.addAndGet(3);
    }

    private static void gets(Driver driver, String[] urls) {
        for (int i = 0; i < urls.length; i++) {
            CALLS.incrementAndGet();
            try {
                Reply reply = driver.send(Call.get(URI.create(urls[i])));
                System.out.println("get=" + i + " status=" + reply.status);
                if (reply.status != 200) {
                    fail("GET " + urls[i] + " status=" + reply.status);
                }
            } catch (Exception e) {
                System.out.println("get=" + i + " status=-1 exception=" + e.getClass().getName());
                fail("GET " + urls[i] + " exception=" + e);
            }
        }
    }

    private static void statuses(Driver driver, URI url, int threads, long seconds, Path stopFile)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ConcurrentSkipListMap<Long, Second> perSecond = new ConcurrentSkipListMap<>();
        System.out.println("started threads=" + threads + " seconds=" + seconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end && (stopFile == null || !Files.exists(stopFile))) {
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = driver.send(Call.get(url)).status;
                    } catch (Exception e) {
                        status = -1;
                        fail("GET exception=" + e);
                    }
                    CALLS.incrementAndGet();
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    perSecond.computeIfAbsent(System.currentTimeMillis() / 1000, s -> new Second()).add(status, millis);
                    pause(40 + ThreadLocalRandom.current().nextInt(40));
                }
            }, "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        Thread reporter = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                pause(1000 - System.currentTimeMillis() % 1000 + 50);
                printSecondsBefore(perSecond, System.currentTimeMillis() / 1000);
            }
        }, "reporter");
        reporter.setDaemon(true);
        reporter.start();
        for (Thread worker : workers) {
            worker.join();
        }
        reporter.interrupt();
        reporter.join();
        printSecondsBefore(perSecond, Long.MAX_VALUE);
    }

    /** Prints (once) every second before {@code limit}. */
    private static void printSecondsBefore(ConcurrentSkipListMap<Long, Second> perSecond, long limit) {
        for (Map.Entry<Long, Second> entry = perSecond.firstEntry(); entry != null && entry.getKey() < limit;
                entry = perSecond.firstEntry()) {
            perSecond.remove(entry.getKey());
            System.out.println("second=" + entry.getKey() + " " + entry.getValue());
        }
    }

    /** The calls that ended in one second of the clock. */
    private static final class Second {
        private final Map<Integer, Integer> statuses = new TreeMap<>();
        private long slowestMillis;

        synchronized void add(int status, long millis) {
            statuses.merge(status, 1, Integer::sum);
            slowestMillis = Math.max(slowestMillis, millis);
        }

        @Override
        public synchronized String toString() {
            return "statuses=" + statuses.toString().replace(" ", "") + " slowest_ms=" + slowestMillis;
        }
    }

    private static void fail(String what) {
        if (FAILURES.incrementAndGet() <= 5) {
            System.out.println("FAILURE " + what);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
