package io.tokenguard.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Holds events until the real sink is ready. The agent starts its log on a background thread (setting up
 * Logback takes a few dozen milliseconds the host's start-up should not wait for); anything said before
 * then is kept, in order, and written as soon as the log exists.
 */
public final class DeferredSink implements EventSink {
    private static final int MAX_HELD = 1000;

    private volatile EventSink delegate;
    private List<Object[]> held = new ArrayList<>();

    @Override
    public void emit(Level level, String event, Map<String, Object> fields) {
        EventSink ready = delegate;
        if (ready != null) {
            ready.emit(level, event, fields);
            return;
        }
        synchronized (this) {
            if (delegate == null) {
                if (held.size() < MAX_HELD) {
                    held.add(new Object[] {level, event, fields});
                }
                return;
            }
        }
        delegate.emit(level, event, fields);
    }

    /** Writes what was held to {@code sink}, then passes everything straight through. */
    @SuppressWarnings("unchecked")
    public synchronized void ready(EventSink sink) {
        if (delegate != null) {
            return;
        }
        for (Object[] event : held) {
            sink.emit((Level) event[0], (String) event[1], (Map<String, Object>) event[2]);
        }
        held = null;
        delegate = sink;
    }
}
