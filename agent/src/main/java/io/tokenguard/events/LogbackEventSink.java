package io.tokenguard.events;

import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.recovery.ResilientFileOutputStream;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.util.FileUtil;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes events through a Logback appender of the agent's own, configured here in code. It never runs
 * Logback's auto-configuration, so it never reads the host's {@code logback.xml}, and it shares nothing
 * with the host's logging (the classes are relocated and live in the agent's class loader).
 *
 * <p>The agent formats each line itself and filters by level itself, so it uses Logback's appenders (the
 * file or standard error, the lock that keeps lines whole, recovery from I/O errors, status reports)
 * without its loggers or SLF4J: 24 fewer classes to load at every start of the host.
 *
 * <p>Lines: {@code text} is {@code 2026-11-22T02:30:00.123Z INFO  tokenguard event=NAME key=value ...};
 * {@code json} is one object per line with {@code ts}, {@code level}, {@code logger}, {@code event} and the
 * event's fields.
 */
public final class LogbackEventSink implements EventSink {
    private final OutputStreamAppender<String> appender;
    private final boolean json;
    /** The lowest level written. */
    private final Level threshold;

    /**
     * @param level {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}
     * @param file null for standard error
     */
    public LogbackEventSink(String format, String level, Path file) {
        this.json = "json".equals(format);
        this.threshold = threshold(level);
        ContextBase context = new ContextBase();
        context.setName("tokenguard");
        if (file != null) {
            appender = new LogFileAppender(file.toFile());
        } else {
            ConsoleAppender<String> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        EncoderBase<String> encoder = new LineEncoder();
        encoder.setContext(context);
        encoder.start();
        // Logback keeps its own I/O failures (a full disk, /dev/full) to itself; tell the user once.
        context.getStatusManager().add(new FailureReport(json, file == null ? "standard error" : file.toString()));
        appender.setContext(context);
        appender.setName("tokenguard");
        appender.setEncoder(encoder);
        appender.start();
        context.start();
    }

    /** Says the first error Logback reports (it keeps its own I/O failures to itself) on standard error. */
    private static final class FailureReport implements StatusListener {
        private final boolean json;
        private final String where;
        private final AtomicBoolean reported = new AtomicBoolean();

        FailureReport(boolean json, String where) {
            this.json = json;
            this.where = where;
        }

        @Override
        public void addStatusEvent(Status status) {
            if (status.getLevel() == Status.ERROR && reported.compareAndSet(false, true)) {
                StandardError.once(json, "agent.log_failed", "file", where, "exception",
                        status.getThrowable() == null ? "none" : status.getThrowable().getClass().getName(),
                        "message", status.getMessage(),
                        "action", "events are dropped while the log cannot be written; requests are guarded as before");
            }
        }
    }

    /**
     * Logback's {@code FileAppender} as the agent uses it (append, parent folders made, the resilient stream
     * that recovers from I/O errors), without its start-up status message: that message is Logback's only
     * string concatenation on this path, and Logback is compiled with {@code invokedynamic} concatenation,
     * whose first use spins about a dozen method-handle classes in the host at every start. It also skips
     * {@code FileSize}, whose class initializer compiles a regular expression.
     */
    private static final class LogFileAppender extends OutputStreamAppender<String> {
        private static final int BUFFER_BYTES = 8192;
        private final File file;

        LogFileAppender(File file) {
            this.file = file;
        }

        @Override
        public void start() {
            try {
                FileUtil.createMissingParentDirectories(file);
                ResilientFileOutputStream out = new ResilientFileOutputStream(file, true, BUFFER_BYTES);
                out.setContext(getContext());
                setOutputStream(out);
            } catch (IOException e) {
                addError("cannot open the log file " + file, e);
                return;
            }
            super.start();
        }
    }

    /** One formatted line, and the line separator. */
    private static final class LineEncoder extends EncoderBase<String> {
        private static final byte[] SEPARATOR = System.lineSeparator().getBytes(StandardCharsets.UTF_8);

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(String line) {
            byte[] text = line.getBytes(StandardCharsets.UTF_8);
            byte[] bytes = new byte[text.length + SEPARATOR.length];
            System.arraycopy(text, 0, bytes, 0, text.length);
            System.arraycopy(SEPARATOR, 0, bytes, text.length, SEPARATOR.length);
            return bytes;
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }

    private static Level threshold(String level) {
        switch (level == null ? "info" : level) {
            case "trace":
            case "debug":
                return Level.DEBUG;
            case "warn":
                return Level.WARN;
            case "error":
                return Level.ERROR;
            default:
                return Level.INFO;
        }
    }

    @Override
    public void emit(Level level, String event, Map<String, Object> fields) {
        if (level.compareTo(threshold) < 0) {
            return;
        }
        appender.doAppend(json ? json(level, event, fields) : text(level, event, fields));
    }

    static String text(Level level, String event, Map<String, Object> fields) {
        StringBuilder line = Timestamps.appendUtc(new StringBuilder(128), System.currentTimeMillis()).append(' ')
                .append(level.name());
        for (int i = level.name().length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(" tokenguard event=").append(event);
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            line.append(' ').append(field.getKey()).append('=');
            String value = String.valueOf(field.getValue());
            if (value.isEmpty() || value.indexOf(' ') >= 0 || value.indexOf('"') >= 0 || value.indexOf('=') >= 0) {
                line.append('"').append(escape(value)).append('"');
            } else {
                line.append(escape(value));
            }
        }
        return line.toString();
    }

    static String json(Level level, String event, Map<String, Object> fields) {
        StringBuilder line = Timestamps.appendUtc(new StringBuilder(160).append("{\"ts\":\""), System.currentTimeMillis())
                .append("\",\"level\":\"").append(level.name())
                .append("\",\"logger\":\"tokenguard\",\"event\":\"").append(escape(event)).append('"');
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            line.append(",\"").append(escape(field.getKey())).append("\":");
            Object value = field.getValue();
            if (value instanceof Number || value instanceof Boolean) {
                line.append(value);
            } else {
                line.append('"').append(escape(String.valueOf(value))).append('"');
            }
        }
        return line.append('}').toString();
    }

    /** JSON string escaping; also keeps text lines one line each (no raw CR/LF from a server's message). */
    private static String escape(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = null;
            if (c == '"') {
                replacement = "\\\"";
            } else if (c == '\\') {
                replacement = "\\\\";
            } else if (c == '\n') {
                replacement = "\\n";
            } else if (c == '\r') {
                replacement = "\\r";
            } else if (c == '\t') {
                replacement = "\\t";
            } else if (c < 0x20) {
                replacement = String.format("\\u%04x", (int) c);
            }
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }
}
