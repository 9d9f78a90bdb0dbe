package io.tokenguard.events;

import java.util.Map;

/** Where lifecycle events go. The agent's is {@link LogbackEventSink}; unit tests record them. */
public interface EventSink {
    enum Level { DEBUG, INFO, WARN, ERROR }

    /** @param fields in the order they should be printed; values are never secrets */
    void emit(Level level, String event, Map<String, Object> fields);
}
