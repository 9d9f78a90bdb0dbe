package io.tokenguard.instrumentation.urlconnection;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's setter calls on one connection, in the order it made them, so that a second connection
 * for the retry can be set up exactly like the first (same method, headers in the same order, timeouts,
 * streaming mode, authenticator, SSL factory). Only calls the real connection accepted are recorded.
 */
final class ConnectionSettings {
    /** One setter call; {@code E} is what it may throw ({@code ProtocolException} for the request method). */
    interface Setting<E extends Exception> {
        void applyTo(HttpURLConnection connection) throws E;
    }

    private final List<Setting<?>> recorded = new ArrayList<>();

    void add(Setting<?> setting) {
        recorded.add(setting);
    }

    /** Makes every recorded call again, in order, on a fresh connection. */
    void replayOn(HttpURLConnection connection) throws Exception {
        for (Setting<?> setting : recorded) {
            setting.applyTo(connection);
        }
    }
}
