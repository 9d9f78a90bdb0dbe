package io.tokenguard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.events.EventSink.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file as a user reads it: which levels reach it, one whole line per event, UTF-8. */
class LogbackEventSinkTest {
    @TempDir
    Path dir;

    private List<String> emitEachLevel(String format, String level) throws Exception {
        Path file = dir.resolve(level + "-" + format + ".log");
        LogbackEventSink sink = new LogbackEventSink(format, level, file);
        for (Level each : Level.values()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("level_name", each.name());
            fields.put("note", "tokenguard \u2713 line\nbreak");
            sink.emit(each, "test.event", fields);
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void onlyTheConfiguredLevelAndAboveAreWritten() throws Exception {
        List<String> warn = emitEachLevel("text", "warn");
        assertEquals(2, warn.size(), String.join("\n", warn));
        assertTrue(warn.get(0).contains(" WARN  tokenguard event=test.event level_name=WARN"), warn.get(0));
        assertTrue(warn.get(1).contains(" ERROR tokenguard event=test.event level_name=ERROR"), warn.get(1));
        assertEquals(3, emitEachLevel("text", "info").size());
        assertEquals(1, emitEachLevel("text", "error").size());
        assertEquals(4, emitEachLevel("text", "debug").size());
        assertEquals(4, emitEachLevel("text", "trace").size(), "trace writes debug events too");
    }

    @Test
    void eachEventIsOneWholeUtf8Line() throws Exception {
        List<String> json = emitEachLevel("json", "info");
        assertEquals(3, json.size(), String.join("\n", json));
        assertTrue(json.get(0).startsWith("{\"ts\":\"") && json.get(0).endsWith("}"), json.get(0));
        assertTrue(json.get(0).contains("\"note\":\"tokenguard \u2713 line\\nbreak\""), json.get(0));
        List<String> text = emitEachLevel("text", "info");
        assertTrue(text.get(0).endsWith("note=\"tokenguard \u2713 line\\nbreak\""), text.get(0));
    }

    @Test
    void theFileIsAppendedToAndItsMissingFoldersAreMade() throws Exception {
        Path file = dir.resolve("logs/tokenguard/agent.log");
        new LogbackEventSink("text", "info", file).emit(Level.INFO, "first.run", Map.of());
        new LogbackEventSink("text", "info", file).emit(Level.INFO, "second.run", Map.of());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).endsWith("event=first.run") && lines.get(1).endsWith("event=second.run"),
                String.join("\n", lines));
    }

    @Test
    void aLogFileThatCannotBeOpenedIsSaidOnceOnStandardError() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("a-folder.log"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LogbackEventSink sink = new LogbackEventSink("text", "info", folder);
            sink.emit(Level.INFO, "dropped.one", Map.of());
            sink.emit(Level.ERROR, "dropped.two", Map.of());
        } finally {
            System.setErr(originalErr);
        }
        List<String> said = err.toString(StandardCharsets.UTF_8).lines().collect(java.util.stream.Collectors.toList());
        assertEquals(1, said.size(), String.join("\n", said));
        assertTrue(said.get(0).contains("event=agent.log_failed file=" + folder), said.get(0));
        assertTrue(said.get(0).contains("exception=java.io.FileNotFoundException"), said.get(0));
    }
}
