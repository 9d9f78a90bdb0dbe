package io.tokenguard.guard;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * While the credentials are dead (the server refused the refresh token and the file has not changed since),
 * every request to a guarded host is rejected, and logging each one would flood the log with two lines per
 * request for as long as nobody logs in. They are written for one rejected request per interval instead;
 * that request's {@code request.not_retried} line counts the ones left out since the last line
 * ({@code suppressed}).
 */
final class DeadCredentialsLog {
    static final long INTERVAL_MS = 10_000;

    private final AtomicLong nextLineAtMillis = new AtomicLong();
    private final AtomicInteger leftOut = new AtomicInteger();

    /** -1: leave this rejected request out of the log; else write it, with this many left out before it. */
    int admit(long nowMillis) {
        long next = nextLineAtMillis.get();
        if (nowMillis >= next && nextLineAtMillis.compareAndSet(next, nowMillis + INTERVAL_MS)) {
            return leftOut.getAndSet(0);
        }
        leftOut.incrementAndGet();
        return -1;
    }
}
