package io.tokenguard.events;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes events through a Logback context of the agent's own, configured here in code. It never runs
 * Logback's auto-configuration, so it never reads the host's {@code logback.xml}, and it shares nothing
 * with the host's logging (the classes are relocated and live in the agent's class loader).
 *
 * <p>Lines: {@code text} is {@code 2026-11-22T02:30:00.123Z INFO  tokenguard event=NAME key=value ...};
 * {@code json} is one object per line with {@code ts}, {@code level}, {@code logger}, {@code event} and the
 * event's fields.
 */
public final class LogbackEventSink implements EventSink {
    private final Logger logger;
    private final boolean json;

    /** @param file null for standard error */
    public LogbackEventSink(String format, String level, Path file) {
        this.json = "json".equals(format);
        LoggerContext context = new LoggerContext();
        context.setName("tokenguard");
        // Normally set by Logback's SLF4J provider, which the agent deliberately never initializes.
        context.setMDCAdapter(new LogbackMDCAdapter());
        OutputStreamAppender<ILoggingEvent> appender;
        if (file != null) {
            FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
            fileAppender.setFile(file.toString());
            fileAppender.setAppend(true);
            appender = fileAppender;
        } else {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        LayoutBase<ILoggingEvent> layout = new LayoutBase<ILoggingEvent>() {
            @Override
            public String doLayout(ILoggingEvent event) {
                return event.getMessage() + System.lineSeparator();
            }
        };
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        // Logback keeps its own I/O failures (a full disk, /dev/full) to itself; tell the user once.
        AtomicBoolean failureReported = new AtomicBoolean();
        String where = file == null ? "standard error" : file.toString();
        context.getStatusManager().add((StatusListener) status -> {
            if (status.getLevel() == Status.ERROR && failureReported.compareAndSet(false, true)) {
                StandardError.once(json, "agent.log_failed", "file", where, "exception",
                        status.getThrowable() == null ? "none" : status.getThrowable().getClass().getName(),
                        "message", status.getMessage(),
                        "action", "events are dropped while the log cannot be written; requests are guarded as before");
            }
        });
        appender.setContext(context);
        appender.setName("tokenguard");
        appender.setEncoder(encoder);
        appender.start();
        logger = context.getLogger("tokenguard");
        logger.setAdditive(false);
        logger.setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
        logger.addAppender(appender);
        context.start();
    }

    @Override
    public void emit(Level level, String event, Map<String, Object> fields) {
        ch.qos.logback.classic.Level logbackLevel = toLogback(level);
        if (!logger.isEnabledFor(logbackLevel)) {
            return;
        }
        String line = json ? json(level, event, fields) : text(level, event, fields);
        switch (level) {
            case DEBUG:
                logger.debug(line);
                break;
            case WARN:
                logger.warn(line);
                break;
            case ERROR:
                logger.error(line);
                break;
            default:
                logger.info(line);
        }
    }

    private static ch.qos.logback.classic.Level toLogback(Level level) {
        switch (level) {
            case DEBUG:
                return ch.qos.logback.classic.Level.DEBUG;
            case WARN:
                return ch.qos.logback.classic.Level.WARN;
            case ERROR:
                return ch.qos.logback.classic.Level.ERROR;
            default:
                return ch.qos.logback.classic.Level.INFO;
        }
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
