package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every scenario shares: demo servers that are closed after the test, child JVMs that are killed
 * after it, credential files, and the check that runs after every test: no token the servers ever
 * issued appears in anything any child printed.
 */
abstract class ScenarioBase {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The shape of every token a DemoAuthServer issues: catches tokens of servers the test cannot see. */
    static final Pattern TOKEN_SHAPE = Pattern.compile("\\b(?:at|rt)-[A-Za-z0-9_-]{32}");

    @TempDir
    Path tmp;

    private final List<DemoAuthServer> servers = new ArrayList<>();
    private final List<AgentJvm.Running> children = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private final List<String> ownSecrets = new ArrayList<>();

    /** A started server (access tokens live {@code lifetimeMillis}; rotation and reuse detection on). */
    DemoAuthServer server(long lifetimeMillis) {
        try {
            DemoAuthServer server = new DemoAuthServer().accessTokenLifetimeMillis(lifetimeMillis)
                    .rotation(true).reuseDetection(true).start();
            servers.add(server);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A child JVM with the agent, guarding {@code server} with the generic layout file {@code credentials}. */
    AgentJvm agent(Jdk jdk, DemoAuthServer server, Path credentials) {
        return jvm(jdk)
                .set("hosts", "127.0.0.1:" + server.port())
                .set("credentials-file", credentials)
                .set("token-url", server.tokenUrl());
    }

    /** The same with {@code preset=claude-code} and its file layout, pointed at {@code server}. */
    AgentJvm claudeCodeAgent(Jdk jdk, DemoAuthServer server, Path credentials) {
        return jvm(jdk)
                .set("preset", "claude-code")
                .set("credentials-file", credentials)
                .set("token-url", server.tokenUrl())
                .set("hosts", "127.0.0.1:" + server.port());
    }

    /** Any child JVM; its output is checked for secrets after the test. */
    AgentJvm jvm(Jdk jdk) {
        return AgentJvm.on(jdk).onFinish(this::record);
    }

    AgentJvm.Running start(AgentJvm jvm) {
        AgentJvm.Running running = jvm.start();
        synchronized (children) {
            children.add(running);
        }
        return running;
    }

    private void record(Result result) {
        synchronized (results) {
            results.add(result);
        }
    }

    /** {@code {"access_token":..,"refresh_token":..,"expires_at":<epoch seconds>}}, mode 0600. */
    Path genericCredentials(Grant grant) {
        return write("credentials.json", genericLayout(grant));
    }

    static ObjectNode genericLayout(Grant grant) {
        ObjectNode root = JSON.createObjectNode();
        root.put("access_token", grant.accessToken());
        root.put("refresh_token", grant.refreshToken());
        root.put("expires_at", grant.expiresAtSeconds());
        return root;
    }

    /** Claude Code's layout: {@code {"claudeAiOauth":{"accessToken","refreshToken","expiresAt":<epoch ms>}}}. */
    static ObjectNode claudeCodeLayout(Grant grant) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode oauth = root.putObject("claudeAiOauth");
        oauth.put("accessToken", grant.accessToken());
        oauth.put("refreshToken", grant.refreshToken());
        oauth.put("expiresAt", grant.expiresAtMillis());
        return root;
    }

    /**
     * Claude Code's layout with fields tokenguard does not own, inside {@code claudeAiOauth} and beside it,
     * that must all survive.
     */
    static ObjectNode claudeCodeCredentials(Grant grant) {
        ObjectNode root = claudeCodeLayout(grant);
        ObjectNode oauth = (ObjectNode) root.path("claudeAiOauth");
        oauth.putArray("scopes").add("user:inference").add("user:profile");
        oauth.put("subscriptionType", "max");
        oauth.put("rateLimitTier", "default_claude_max_5x");
        root.put("userID", "u-1234");
        root.putObject("mcpOAuth").putObject("server-a").put("clientId", "abc").putArray("list").add(1).add(2);
        return root;
    }

    Path write(String name, ObjectNode json) {
        try {
            Path file = tmp.resolve(name);
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As a login tool does it: a new file beside the old one, mode 0600, renamed over it. */
    static byte[] replaceAtomically(Path file, JsonNode json) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        Path temp = file.resolveSibling(file.getFileName() + ".login.tmp");
        Files.write(temp, bytes);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return bytes;
    }

    /** Polls until the condition holds; fails after {@code seconds}. */
    static void await(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A secret of the test's own, such as a client secret: searched for in all output like the tokens. */
    String secret(String value) {
        synchronized (ownSecrets) {
            ownSecrets.add(value);
        }
        return value;
    }

    /**
     * Runs after every test: children killed, servers closed, then no secret in any output: the children's
     * standard output and error, and every {@code *.log} file the test left in its directory.
     */
    @AfterEach
    void noSecretInAnyOutput() {
        List<AgentJvm.Running> running;
        synchronized (children) {
            running = new ArrayList<>(children);
        }
        for (AgentJvm.Running child : running) {
            child.kill(); // a no-op for children that finished
        }
        List<String> secrets = new ArrayList<>();
        for (DemoAuthServer server : servers) {
            secrets.addAll(server.issuedSecrets());
            server.close();
        }
        List<Result> all;
        synchronized (results) {
            all = new ArrayList<>(results);
        }
        synchronized (ownSecrets) {
            secrets.addAll(ownSecrets);
        }
        for (Result result : all) {
            assertNoSecret(result.stdout(), secrets, "the child's stdout", result.describe());
            assertNoSecret(result.stderr(), secrets, "the child's stderr", result.describe());
        }
        for (Path log : logFiles()) {
            try {
                assertNoSecret(Files.readString(log), secrets, "the log file " + log, log.toString());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + log, e);
            }
        }
    }

    private List<Path> logFiles() {
        if (tmp == null || !Files.isDirectory(tmp)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f))
                    .collect(java.util.stream.Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + tmp, e);
        }
    }

    private static void assertNoSecret(String output, List<String> secrets, String where, String context) {
        for (String secret : secrets) {
            assertTrue(!output.contains(secret), "a secret (fp of it: " + io.tokenguard.token.Fingerprint.of(secret)
                    + ") appears in " + where + "\n" + context.replace(secret, "<SECRET>"));
        }
        Matcher m = TOKEN_SHAPE.matcher(output);
        assertTrue(!m.find(), "something shaped like a token appears in " + where + "\n"
                + TOKEN_SHAPE.matcher(context).replaceAll("<TOKEN>"));
    }
}
