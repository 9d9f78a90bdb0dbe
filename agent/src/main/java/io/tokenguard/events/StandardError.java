package io.tokenguard.events;

import io.tokenguard.events.EventSink.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last resort when the log itself fails: one event line, in the text format, on standard error. Callers
 * make sure it is said once; nothing here may throw.
 */
final class StandardError {
    private StandardError() {}

    /** @param json the line as {@code log.format=json} writes it, else as {@code text} */
    static void once(boolean json, String event, String... keyValues) {
        try {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                fields.put(keyValues[i], keyValues[i + 1]);
            }
            System.err.println(json ? LogbackEventSink.json(Level.ERROR, event, fields)
                    : LogbackEventSink.text(Level.ERROR, event, fields));
        } catch (RuntimeException | LinkageError ignored) {
            // Nowhere left to say it.
        }
    }
}
