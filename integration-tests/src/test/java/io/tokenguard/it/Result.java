package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What a child JVM did: exit code, standard output and error, and helpers to read the agent's events. */
public final class Result {
    private static final Pattern FINAL = Pattern.compile("^calls=(\\d+) failures=(\\d+)(.*)$");
    private static final Pattern FIELD = Pattern.compile("(?:^|\\s)([A-Za-z_][A-Za-z0-9_.]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private final Jdk jdk;
    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final long millis;

    Result(Jdk jdk, List<String> command, int exitCode, String stdout, String stderr, long millis) {
        this.jdk = jdk;
        this.command = command;
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.millis = millis;
    }

    public int exitCode() {
        return exitCode;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    /** Wall time from start to exit. */
    public long millis() {
        return millis;
    }

    public List<String> stdoutLines() {
        return lines(stdout);
    }

    public List<String> stderrLines() {
        return lines(stderr);
    }

    /** Agent event lines with this name, text ({@code event=NAME}) or json ({@code "event":"NAME"}). */
    public List<String> events(String name) {
        return stderrLines().stream()
                .filter(line -> line.contains("event=" + name + " ") || line.endsWith("event=" + name)
                        || line.contains("\"event\":\"" + name + "\""))
                .collect(Collectors.toList());
    }

    /** The line of the one event with this name, which must be written exactly once, at this level. */
    public String onlyEvent(String name, String level) {
        List<String> lines = events(name);
        assertEquals(1, lines.size(), "how many " + name + " lines\n" + describe());
        assertTrue(lines.get(0).contains(" " + level + " ") || lines.get(0).contains("\"level\":\"" + level + "\""),
                name + " is written at " + level + "\n" + describe());
        return lines.get(0);
    }

    public int eventCount(String name) {
        return events(name).size();
    }

    /** The key=value fields of a text event line (quoted values unquoted). */
    public static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            String value = m.group(2);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            fields.put(m.group(1), value);
        }
        return fields;
    }

    /** The program's closing {@code calls=N failures=M} line, which must be its last line. */
    public long[] finalCounts() {
        List<String> lines = stdoutLines();
        assertTrue(!lines.isEmpty(), "the program printed nothing\n" + describe());
        Matcher m = FINAL.matcher(lines.get(lines.size() - 1));
        assertTrue(m.matches(), "the program's last line is not 'calls=N failures=M'\n" + describe());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    public long calls() {
        return finalCounts()[0];
    }

    public long failures() {
        return finalCounts()[1];
    }

    /** The value of {@code key=value} on the program's output line that starts with {@code prefix}. */
    public String outputValue(String key) {
        for (String line : stdoutLines()) {
            Map<String, String> fields = fields(line);
            if (fields.containsKey(key)) {
                return fields.get(key);
            }
        }
        throw new AssertionError("no " + key + "= in the program's output\n" + describe());
    }

    public Result assertExitCode(int expected) {
        assertEquals(expected, exitCode, "exit code\n" + describe());
        return this;
    }

    /** The program ran to the end and saw no failure at all. */
    public Result assertNoFailures() {
        assertExitCode(0);
        long[] counts = finalCounts();
        assertTrue(counts[0] > 0, "the program made no call\n" + describe());
        assertEquals(0, counts[1], "failures the program saw\n" + describe());
        return this;
    }

    public String describe() {
        return "--- child on " + jdk + ", exit " + exitCode + " after " + millis + " ms: "
                + String.join(" ", command) + "\n--- stdout:\n" + tail(stdout) + "\n--- stderr:\n" + tail(stderr)
                + "\n---";
    }

    private static String tail(String text) {
        int max = 12_000;
        return text.length() <= max ? text : "[... " + (text.length() - max) + " chars cut ...]\n"
                + text.substring(text.length() - max);
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(text.split("\\R")));
    }
}
