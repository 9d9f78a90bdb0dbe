package io.tokenguard.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * One request to a guarded host, as the agent's core sees it, handed to the code the agent puts inside an
 * HTTP client library (which lives in the application's class loaders and can see only JDK types and
 * this package). The library code sets {@link #headerName()} to {@link #headerValue()}, sends, and asks
 * {@link #retryAfter} what a 401 means. Every event is written by the core.
 */
public interface GuardedCall {
    /** The header that carries the token. */
    String headerName();

    /** The header's value for the token this call holds (after a refresh: the fresh token). */
    String headerValue();

    /**
     * The request was answered with {@code status}. True means: resend it, with {@link #headerValue()} (now
     * the refreshed token), and report the answer to {@link #retried}. False means: hand the answer to the
     * program as it is. Blocks at most {@code refresh-timeout} while a refresh runs.
     *
     * @param bodyReplayable false when the request had a body that cannot be sent a second time
     */
    boolean retryAfter(int status, boolean bodyReplayable);

    /** Non-blocking form of {@link #retryAfter}, for clients whose callbacks must not block. */
    CompletableFuture<Boolean> retryAfterAsync(int status, boolean bodyReplayable);

    /**
     * The retry came back with {@code status}. True means: send the request once more, with {@link
     * #headerValue()}, and report that answer here too (it then always returns false). True comes only after
     * a 401 that may be the same revocation as the first; it blocks at most {@code refresh-timeout}.
     */
    boolean retried(int status);

    /** Non-blocking form of {@link #retried}. */
    CompletableFuture<Boolean> retriedAsync(int status);
}
