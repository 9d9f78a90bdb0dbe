package io.tokenguard.it.suite.program;

import java.util.concurrent.CompletableFuture;

/**
 * How one HTTP client sends a request: the only part of the shared suite that differs between clients.
 * A driver is an ordinary program's use of its client (it knows nothing about tokenguard) and is
 * created once per child JVM by its public no-argument constructor; {@link #send} is called from many
 * threads at once.
 *
 * <p>To add a client: implement this in this package, compile it against the oldest supported version
 * of the library, and add a {@code Stack} for each version to test (see {@code ClientSuiteTest}).
 */
public interface Driver {
    /** Sends the request and returns the status and body; a failure to get any answer throws. */
    Reply send(Call call) throws Exception;

    /** The client's asynchronous API, or null when it has none. */
    default CompletableFuture<Reply> sendAsync(Call call) {
        return null;
    }

    /** Frees the client's threads and connections so that the JVM can exit. */
    default void close() throws Exception {}
}
