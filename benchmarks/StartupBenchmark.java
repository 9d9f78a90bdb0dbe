import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.tools.ToolProvider;

/**
 * Start-up cost of the agent: a tiny program that makes one java.net.http call to a protected API on
 * 127.0.0.1, started many times without and with tokenguard, interleaved so that machine load hits both
 * alike. Prints the median wall time of each and the ratio.
 *
 * Run (after mvn -B package):  java benchmarks/StartupBenchmark.java [rounds] [agent jar]
 */
public class StartupBenchmark {
    private static final String TOKEN = "bench-token-0123456789";

    private static final String PROGRAM = String.join("\n",
            "import java.net.URI;",
            "import java.net.http.*;",
            "public class OneCall {",
            "  public static void main(String[] a) throws Exception {",
            "    HttpResponse<String> r = HttpClient.newHttpClient().send(",
            "        HttpRequest.newBuilder(URI.create(a[0])).header(\"Authorization\", \"Bearer \" + a[1]).build(),",
            "        HttpResponse.BodyHandlers.ofString());",
            "    if (r.statusCode() != 200) { System.err.println(\"status \" + r.statusCode()); System.exit(1); }",
            "  }",
            "}");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String agentJar = new File(args.length > 1 ? args[1] : "agent/target/tokenguard-agent.jar").getAbsolutePath();
        if (!new File(agentJar).isFile()) {
            throw new IllegalStateException(agentJar + " is missing: run mvn -B package first");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", exchange -> {
            boolean ok = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (ok ? "{\"ok\":true}" : "{\"error\":\"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/messages";

        Path dir = Files.createTempDirectory("tokenguard-startup");
        Path source = dir.resolve("OneCall.java");
        Files.writeString(source, PROGRAM);
        if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), source.toString()) != 0) {
            throw new IllegalStateException("cannot compile the sample program");
        }
        Path credentials = dir.resolve("credentials.json");
        Files.writeString(credentials, "{\"access_token\":\"" + TOKEN + "\",\"refresh_token\":\"bench-refresh\","
                + "\"expires_at\":" + (System.currentTimeMillis() / 1000 + 86400) + "}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // Without the agent the program sends the valid token itself; with it, a placeholder that the
        // agent replaces: both get a 200, so both do the same work.
        List<String> plain = List.of(java, "-cp", dir.toString(), "OneCall", url, TOKEN);
        List<String> guarded = List.of(java, "-javaagent:" + agentJar, "-Dtokenguard.hosts=127.0.0.1",
                "-Dtokenguard.credentials-file=" + credentials, "-Dtokenguard.token-url=http://127.0.0.1:1/token",
                "-cp", dir.toString(), "OneCall", url, "placeholder");

        run(plain);
        run(guarded); // warm the file cache for both
        List<Long> without = new ArrayList<>();
        List<Long> with = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            without.add(run(plain));
            with.add(run(guarded));
        }
        server.stop(0);
        long a = median(without);
        long b = median(with);
        System.out.printf("java %s, %d cores, %d rounds%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), rounds);
        System.out.printf("without agent: median %d ms (min %d, max %d)%n", a, Collections.min(without), Collections.max(without));
        System.out.printf("with tokenguard: median %d ms (min %d, max %d)%n", b, Collections.min(with), Collections.max(with));
        System.out.printf("ratio with/without: %.3f%n", (double) b / a);
    }

    private static long run(List<String> command) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the sample program failed: " + output);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
