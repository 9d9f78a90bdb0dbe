package io.tokenguard.oauth;

import java.net.HttpURLConnection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A bound on the whole exchange. The connect and read timeouts bound each wait for a byte, so an
 * endpoint that trickles its answer a byte at a time would hold the refresh (and every request
 * waiting on it after its own refresh-timeout) for as long as it likes. When the bound passes, the
 * connection is closed under the reading thread, which then fails at once.
 */
final class ExchangeDeadline {
    /** One daemon thread, started on the first refresh and gone after a minute without one. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ScheduledFuture<?> task;
    private final int timeoutMillis;
    private volatile boolean passed;

    private ExchangeDeadline(HttpURLConnection connection, int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        task = TIMER.schedule(() -> {
            passed = true;
            connection.disconnect();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    static ExchangeDeadline start(HttpURLConnection connection, int timeoutMillis) {
        return new ExchangeDeadline(connection, timeoutMillis);
    }

    boolean passed() {
        return passed;
    }

    void check(int status) throws TokenEndpointException {
        if (passed) {
            throw failure(status, null);
        }
    }

    TokenEndpointException failure(int status, Throwable cause) {
        return new TokenEndpointException(status, "timeout", "no complete answer within " + timeoutMillis + " ms",
                false, null, cause);
    }

    void cancel() {
        task.cancel(false);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(null, r, "tokenguard-refresh-deadline", 0, false);
            t.setDaemon(true);
            return t;
        });
        timer.setKeepAliveTime(60, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
