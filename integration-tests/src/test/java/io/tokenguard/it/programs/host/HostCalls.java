package io.tokenguard.it.programs.host;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What the host programs share: guarded calls with the placeholder token (JDK HttpClient), and the lines
 * that report their outcome. The programs are run from a copy of this package alone, with only their own
 * libraries and configuration files on the class path, so they use nothing else from the test classes.
 *
 * <p>Outcome lines, on standard output: {@code status=CODE} per call, then {@code system_properties=...}
 * (the names, to show the agent sets none) and last {@code calls=N failures=M}.
 */
final class HostCalls {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI url;
    private final List<Integer> statuses = new ArrayList<>();

    HostCalls(String url) {
        this.url = URI.create(url);
    }

    /**
     * What the logging hosts do with {@code args = <url> <calls>}: log a few lines through their framework
     * (the same lines whatever the answers; {@code otherError} logs through a second logger,
     * {@code host.other}), make the guarded calls, and report.
     */
    static void script(String[] args, String framework, Consumer<String> info, Consumer<String> debug,
            Consumer<String> warn, Consumer<String> otherError) {
        info.accept("host starting, logging through " + framework);
        debug.accept("a debug line of the host");
        HostCalls calls = new HostCalls(args[0]);
        int count = Integer.parseInt(args[1]);
        for (int i = 1; i <= count; i++) {
            calls.call();
            info.accept("call " + i + " answered");
        }
        warn.accept("a warning of the host");
        otherError.accept("an error line of the host");
        calls.finish();
    }

    /** One GET with {@code Authorization: Bearer placeholder}; its status, or -1 on an exception. */
    int call() {
        int status;
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer placeholder").build();
            status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            System.out.println("exception=" + e);
            status = -1;
        }
        statuses.add(status);
        System.out.println("status=" + status);
        return status;
    }

    void finish() {
        TreeSet<String> names = new TreeSet<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (!name.startsWith("tokenguard.")) {
                names.add(name);
            }
        }
        System.out.println("system_properties=" + String.join(",", names));
        long failures = statuses.stream().filter(status -> status != 200).count();
        System.out.println("calls=" + statuses.size() + " failures=" + failures);
    }
}
