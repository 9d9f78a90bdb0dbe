package io.tokenguard.guard;

import io.tokenguard.token.TokenManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The token manager, once the agent's start on its own thread has loaded the credentials (null when the
 * start gave up). Only the first {@link #open} counts. A plain latch: it is made on the host's start-up
 * path, where a {@link CompletableFuture} would also load and set up the JDK's ForkJoinPool; a future is
 * made only for an asynchronous request that comes before the start is done.
 */
final class StartGate {
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean open;
    private volatile TokenManager tokens;
    private CompletableFuture<TokenManager> asyncWaiters; // guarded by this

    void open(TokenManager tokens) {
        CompletableFuture<TokenManager> waiters;
        synchronized (this) {
            if (open) {
                return;
            }
            this.tokens = tokens;
            open = true;
            waiters = asyncWaiters;
        }
        opened.countDown();
        if (waiters != null) {
            waiters.complete(tokens);
        }
    }

    boolean isOpen() {
        return open;
    }

    /** The token manager now: null while the start is not done, or when it gave up. */
    TokenManager now() {
        return tokens;
    }

    /** Waits at most {@code millis} for the start; null when it is not done by then or gave up. */
    TokenManager await(long millis) throws InterruptedException {
        if (!open) {
            opened.await(millis, TimeUnit.MILLISECONDS);
        }
        return tokens;
    }

    /** Completes when the start is done (never exceptionally). */
    synchronized CompletableFuture<TokenManager> whenOpen() {
        if (open) {
            return CompletableFuture.completedFuture(tokens);
        }
        if (asyncWaiters == null) {
            asyncWaiters = new CompletableFuture<>();
        }
        return asyncWaiters;
    }
}
