package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a child JVM the way a user would: {@code java -javaagent:<agent jar> -Dtokenguard.K=V ... -cp
 * <test classes> <main class> args}, with a hard timeout, capturing its standard output and error.
 */
public final class AgentJvm {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Jdk jdk;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean agent = true;
    private List<String> program = List.of();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Consumer<Result> onFinish = result -> { };

    private AgentJvm(Jdk jdk) {
        this.jdk = jdk;
    }

    public static AgentJvm on(Jdk jdk) {
        return new AgentJvm(jdk);
    }

    /** The agent jar under test, from the system property surefire sets. */
    public static Path agentJar() {
        String path = System.getProperty("tokenguard.agent.jar");
        assertTrue(path != null && Files.isRegularFile(Paths.get(path)),
                "agent jar missing: " + path + " (build it: mvn -B install -DskipTests)");
        return Paths.get(path).toAbsolutePath().normalize();
    }

    static String testClasses() {
        String path = System.getProperty("test.classes");
        return path != null ? path : Paths.get("target", "test-classes").toAbsolutePath().toString();
    }

    /** {@code -Dtokenguard.KEY=VALUE}. */
    public AgentJvm set(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    public AgentJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public AgentJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public AgentJvm withoutAgent() {
        agent = false;
        return this;
    }

    public AgentJvm timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** A main class from the test classes. */
    public AgentJvm main(Class<?> mainClass, Object... args) {
        return main(List.of(), mainClass, args);
    }

    /** A main class from the test classes, with these jars after them on the class path. */
    public AgentJvm main(List<Path> libraries, Class<?> mainClass, Object... args) {
        StringBuilder classPath = new StringBuilder(testClasses());
        for (Path library : libraries) {
            classPath.append(java.io.File.pathSeparatorChar).append(library);
        }
        List<String> command = new ArrayList<>(List.of("-cp", classPath.toString(), mainClass.getName()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        program = command;
        return this;
    }

    /**
     * A main class on exactly this class path, without the test classes: a program that brings its own
     * class path and resources, as a real application does (see {@code HostIsolationTest}).
     */
    public AgentJvm classPath(List<Path> entries, String mainClass, Object... args) {
        StringBuilder classPath = new StringBuilder();
        for (Path entry : entries) {
            classPath.append(classPath.length() == 0 ? "" : java.io.File.pathSeparator).append(entry);
        }
        List<String> command = new ArrayList<>(List.of("-cp", classPath.toString(), mainClass));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        program = command;
        return this;
    }

    /** {@code java [-javaagent:...] -jar <jar> args}: an executable application jar. */
    public AgentJvm jar(Path jar, Object... args) {
        List<String> command = new ArrayList<>(List.of("-jar", jar.toString()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        program = command;
        return this;
    }

    /** {@code java -jar <agent jar> args}: the command line. */
    public AgentJvm agentCli(String... args) {
        List<String> command = new ArrayList<>(List.of("-jar", agentJar().toString()));
        command.addAll(Arrays.asList(args));
        program = command;
        agent = false;
        return this;
    }

    AgentJvm onFinish(Consumer<Result> listener) {
        this.onFinish = listener;
        return this;
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        if (agent) {
            command.add("-javaagent:" + agentJar());
        }
        command.addAll(jvmArgs);
        settings.forEach((key, value) -> command.add("-Dtokenguard." + key + "=" + value));
        command.addAll(program);
        return command;
    }

    public Running start() {
        if (program.isEmpty()) {
            throw new IllegalStateException("no program: call main(...) or agentCli(...)");
        }
        List<String> command = command();
        ProcessBuilder builder = new ProcessBuilder(command);
        // Nothing from the test JVM's environment may configure the child behind the test's back.
        builder.environment().keySet().removeIf(name -> name.startsWith("TOKENGUARD_")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return new Running(jdk, command, process, timeout, onFinish);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    public Result run() {
        return start().await();
    }

    /** A child JVM that is running. */
    public static final class Running {
        private final Jdk jdk;
        private final List<String> command;
        private final Process process;
        private final long startNanos = System.nanoTime();
        private final long deadlineNanos;
        private final Capture stdout;
        private final Capture stderr;
        private final Consumer<Result> onFinish;
        private Result result;

        Running(Jdk jdk, List<String> command, Process process, Duration timeout, Consumer<Result> onFinish) {
            this.jdk = jdk;
            this.command = command;
            this.process = process;
            this.deadlineNanos = startNanos + timeout.toNanos();
            this.stdout = new Capture(process.getInputStream(), "stdout");
            this.stderr = new Capture(process.getErrorStream(), "stderr");
            this.onFinish = onFinish;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String stdoutSoFar() {
            return stdout.text();
        }

        public String stderrSoFar() {
            return stderr.text();
        }

        /** Waits for the child; kills it and fails the test when it outlives its timeout. */
        public synchronized Result await() {
            if (result != null) {
                return result;
            }
            boolean exited;
            try {
                exited = process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (!exited) {
                kill();
                fail("child JVM did not finish in time and was killed\n" + result.describe());
            }
            finish(process.exitValue());
            return result;
        }

        /** Ends the child now (after a failed assertion); keeps what it printed. */
        synchronized Result kill() {
            if (result == null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finish(-1);
            }
            return result;
        }

        private void finish(int exitCode) {
            stdout.join();
            stderr.join();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            result = new Result(jdk, command, exitCode, stdout.text(), stderr.text(), millis);
            onFinish.accept(result);
        }
    }

    /** Reads one stream of the child into memory as it comes. */
    private static final class Capture {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final Thread thread;

        Capture(InputStream in, String name) {
            thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "child-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void join() {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
