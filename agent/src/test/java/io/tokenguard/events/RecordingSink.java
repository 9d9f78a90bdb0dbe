package io.tokenguard.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Keeps every event, for assertions. */
public final class RecordingSink implements EventSink {
    public static final class Recorded {
        public final Level level;
        public final String event;
        public final Map<String, Object> fields;

        Recorded(Level level, String event, Map<String, Object> fields) {
            this.level = level;
            this.event = event;
            this.fields = fields;
        }

        @Override
        public String toString() {
            return level + " " + event + " " + fields;
        }
    }

    private final List<Recorded> events = new ArrayList<>();

    @Override
    public synchronized void emit(Level level, String event, Map<String, Object> fields) {
        events.add(new Recorded(level, event, fields));
    }

    public synchronized List<Recorded> named(String event) {
        return events.stream().filter(e -> e.event.equals(event)).collect(Collectors.toList());
    }

    public synchronized String all() {
        return events.stream().map(Recorded::toString).collect(Collectors.joining("\n"));
    }
}
