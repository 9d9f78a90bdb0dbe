package io.tokenguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code java -jar tokenguard-agent.jar demo}: an embedded token endpoint and API whose access tokens
 * live 3 seconds, a child JVM with the agent attached calling it from several threads, one early
 * revocation, and a summary of what the program saw (the point: no failure).
 */
final class Demo {
    static final String CLIENT_CLASS = "io.tokenguard.demo.program.DemoClient";
    private static final long LIFETIME_MILLIS = 3_000;
    private static final Pattern FINAL_LINE = Pattern.compile("^calls=(\\d+) failures=(\\d+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Object printLock = new Object();
    private volatile String finalLine;

    private Demo(PrintStream out) {
        this.out = out;
    }

    static int run(String[] args, File agentJar, PrintStream out, PrintStream err) {
        int seconds = 15;
        int threads = 4;
        try {
            for (int i = 0; i < args.length; i++) {
                if ("--seconds".equals(args[i]) && i + 1 < args.length) {
                    seconds = Integer.parseInt(args[++i]);
                } else if ("--threads".equals(args[i]) && i + 1 < args.length) {
                    threads = Integer.parseInt(args[++i]);
                } else {
                    throw new IllegalArgumentException(args[i]);
                }
            }
            if (seconds < 1 || threads < 1) {
                throw new IllegalArgumentException("values must be positive");
            }
        } catch (IllegalArgumentException e) {
            err.println("tokenguard demo: bad option (" + e.getMessage() + "); usage: demo [--seconds N] [--threads N]");
            return 2;
        }
        if (agentJar == null || !agentJar.isFile()) {
            err.println("tokenguard demo: run it from the agent jar: java -jar tokenguard-agent.jar demo");
            return 2;
        }
        try {
            return new Demo(out).go(agentJar, threads, seconds);
        } catch (IOException | InterruptedException e) {
            err.println("tokenguard demo: " + e);
            return 1;
        }
    }

    private int go(File agentJar, int threads, int seconds) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tokenguard-demo");
        Process[] child = new Process[1];
        Thread cleanup = new Thread(() -> {
            if (child[0] != null) {
                child[0].destroyForcibly();
            }
            deleteTree(dir);
        }, "tokenguard-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (DemoAuthServer server = new DemoAuthServer().accessTokenLifetimeMillis(LIFETIME_MILLIS)
                .rotation(true).reuseDetection(true).start()) {
            Path credentials = dir.resolve(".credentials.json");
            writeCredentials(credentials, server.issueGrant());

            String classPath = clientClassPath(agentJar, dir.resolve("classes"));
            String url = server.baseUrl() + "/v1/messages";
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.add("-javaagent:" + agentJar.getAbsolutePath());
            command.add("-Dtokenguard.preset=claude-code");
            command.add("-Dtokenguard.credentials-file=" + credentials);
            command.add("-Dtokenguard.token-url=" + server.tokenUrl());
            command.add("-Dtokenguard.hosts=127.0.0.1:" + server.port());
            command.add("-cp");
            command.add(classPath);
            command.add(CLIENT_CLASS);
            command.add(url);
            command.add(Integer.toString(threads));
            command.add(Integer.toString(seconds));

            say("tokenguard demo");
            say("  token endpoint and API : " + server.baseUrl() + " (access tokens live "
                    + LIFETIME_MILLIS / 1000 + " s, refresh tokens rotate, reuse detection on)");
            say("  credentials file       : " + credentials + " (Claude Code layout)");
            say("  program                : " + threads + " threads calling " + url + " for " + seconds
                    + " s; it knows nothing about tokens");
            say("  started as             : java -javaagent:" + agentJar.getName()
                    + " -Dtokenguard.preset=claude-code -Dtokenguard.credentials-file=... -Dtokenguard.token-url="
                    + server.tokenUrl() + " -Dtokenguard.hosts=127.0.0.1:" + server.port() + " -cp ... " + CLIENT_CLASS);
            say("");

            Process process = new ProcessBuilder(command).start();
            child[0] = process;
            process.getOutputStream().close();
            Thread stdout = pump(process.getInputStream(), true);
            Thread stderr = pump(process.getErrorStream(), false);

            revokeOnceAfterAWhile(server, process, seconds);

            boolean exited = process.waitFor(seconds + 60L, TimeUnit.SECONDS);
            if (!exited) {
                say("demo: the program did not finish in time; stopping it");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            stdout.join(5_000);
            stderr.join(5_000);
            return summary(server, credentials, exited ? process.exitValue() : -1);
        } finally {
            if (child[0] != null) {
                child[0].destroyForcibly();
            }
            deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /**
     * Once the program is calling, wait about 7 of its 15 seconds, then revoke every access token, a quarter
     * of a token's life after a refresh. Revoked at an arbitrary instant, the token could be the one a
     * refresh is just replacing: then no call meets a 401 and the demo shows nothing.
     */
    private void revokeOnceAfterAWhile(DemoAuthServer server, Process process, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.apiCalls() == 0 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long revokeAfter = Math.max(1_000L, seconds * 7_000L / 15);
        if (process.waitFor(revokeAfter, TimeUnit.MILLISECONDS)) {
            return;
        }
        int refreshes = server.refreshes();
        long nextRefreshBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIFETIME_MILLIS);
        while (server.refreshes() == refreshes && process.isAlive() && System.nanoTime() < nextRefreshBy) {
            Thread.sleep(10);
        }
        if (process.waitFor(LIFETIME_MILLIS / 4, TimeUnit.MILLISECONDS)) {
            return;
        }
        int revoked = server.revokeAllAccessTokens();
        say("demo: >>> the server revokes every access token NOW, before its expiry (" + revoked
                + " live token" + (revoked == 1 ? "" : "s") + " killed); the next calls get 401 <<<");
    }

    private int summary(DemoAuthServer server, Path credentials, int exitCode) {
        String line = finalLine;
        Matcher m = line == null ? null : FINAL_LINE.matcher(line);
        boolean known = m != null && m.matches();
        long calls = known ? Long.parseLong(m.group(1)) : -1;
        long failures = known ? Long.parseLong(m.group(2)) : -1;

        String kept = "unreadable";
        String newest = "unreadable";
        try {
            JsonNode root = JSON.readTree(credentials.toFile());
            JsonNode oauth = root.path("claudeAiOauth");
            boolean fieldsKept = "demo-user".equals(root.path("userID").asText(null))
                    && oauth.path("scopes").isArray() && oauth.path("scopes").size() == 1
                    && "user:inference".equals(oauth.path("scopes").path(0).asText(null))
                    && "demo".equals(oauth.path("subscriptionType").asText(null));
            kept = fieldsKept ? "yes" : "NO";
            boolean isNewest = oauth.path("refreshToken").asText("").equals(server.newestRefreshToken())
                    && server.isLiveRefreshToken(oauth.path("refreshToken").asText(""));
            newest = isNewest ? "yes" : "NO";
        } catch (IOException | RuntimeException e) {
            // reported as unreadable
        }

        say("");
        int rejected = server.apiUnauthorized();
        say("----------------------------------------------------------------------------");
        say("  calls made by the program            : " + (known ? calls : "unknown (no final line)"));
        say("  401s from the API                    : " + rejected + (known && failures == 0
                ? " (all absorbed by tokenguard: refreshed and retried)" : ""));
        say("  token refreshes                      : " + server.refreshes()
                + " (refresh-token rotation on; reuse detections: " + server.reuseDetections() + ")");
        say("  failures the program saw             : " + (known ? failures : "unknown"));
        say("  credentials file kept userID/scopes  : " + kept);
        say("  credentials file has the newest token: " + newest);
        say("----------------------------------------------------------------------------");
        boolean ok = known && failures == 0 && exitCode == 0;
        if (ok) {
            say("demo: the program saw no failure: every expired or revoked token was refreshed and the call"
                    + " retried by tokenguard.");
        } else if (!known || exitCode != 0) {
            say("demo: the program did not finish normally (exit code " + exitCode + ")");
        } else {
            say("demo: the program saw " + failures + " failure" + (failures == 1 ? "" : "s"));
        }
        return ok ? 0 : 1;
    }

    private Thread pump(InputStream stream, boolean programOutput) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (programOutput && FINAL_LINE.matcher(line).matches()) {
                        finalLine = line;
                    }
                    say(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, programOutput ? "demo-stdout" : "demo-stderr");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void say(String line) {
        synchronized (printLock) {
            out.println(line);
            out.flush();
        }
    }

    private static void writeCredentials(Path file, Grant grant) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode oauth = root.putObject("claudeAiOauth");
        oauth.put("accessToken", grant.accessToken());
        oauth.put("refreshToken", grant.refreshToken());
        oauth.put("expiresAt", grant.expiresAtMillis());
        oauth.putArray("scopes").add("user:inference");
        oauth.put("subscriptionType", "demo");
        root.put("userID", "demo-user");
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the temporary folder is private to the user already
        }
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /**
     * The agent jar itself when the demo program sits at its root; otherwise a folder with the program's
     * class file copied out of the agent's own classes.
     */
    private static String clientClassPath(File agentJar, Path classes) throws IOException {
        String resource = CLIENT_CLASS.replace('.', '/') + ".class";
        try (JarFile jar = new JarFile(agentJar, false)) {
            if (jar.getEntry(resource) != null) {
                return agentJar.getAbsolutePath();
            }
        }
        Path target = classes.resolve(resource);
        Files.createDirectories(target.getParent());
        ClassLoader loader = Demo.class.getClassLoader();
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the demo program " + resource + " is missing from the agent jar");
            }
            Files.copy(in, target);
        }
        return classes.toString();
    }

    private static String javaExecutable() {
        File bin = new File(System.getProperty("java.home"), "bin");
        File java = new File(bin, "java");
        if (!java.isFile()) {
            java = new File(bin, "java.exe");
        }
        return java.getPath();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
