package io.tokenguard.token;

import io.tokenguard.events.Events;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.oauth.TokenEndpointException;
import io.tokenguard.oauth.TokenResponse;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.CredentialsException;
import io.tokenguard.store.FileStamp;
import io.tokenguard.store.RefreshLock;
import io.tokenguard.store.StoredCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns the current token and every refresh of it.
 *
 * <ul>
 *   <li>Single flight: however many threads see a 401 for one token generation, one refresh runs; a
 *       thread that saw a 401 for an older generation is handed the current token at once.</li>
 *   <li>Waiters go on as soon as the new token is known: the refresh writes it to the store afterwards,
 *       still holding the cross-process lock. A 401 for the new token during that write (a second
 *       revocation) queues one more refresh, which starts once the write is done. The JVM's shutdown
 *       waits for the write ({@link #awaitRefreshInFlight}).</li>
 *   <li>Proactive: once a token is within {@code refresh-skew} of expiry (never more than half its
 *       lifetime), the next request starts a refresh on the background thread and goes on with the
 *       still-valid token. Only a request holding an already expired token waits, bounded by
 *       {@code refresh-timeout}.</li>
 *   <li>The store is the shared truth: it is re-read before each refresh (another process or a new
 *       login may have written newer tokens, which are adopted instead of spending the refresh token),
 *       and watched cheaply (one stat a second at most, off the request thread) for outside changes.</li>
 *   <li>A refresh token the server calls dead is never sent again until the store changes.</li>
 * </ul>
 */
public final class TokenManager {
    /** Why a refresh started; the {@code trigger} field of {@code token.refresh.started}. */
    public enum Trigger {
        EXPIRING("expiring"), REJECTED("rejected"), EXPIRED("expired");

        final String label;

        Trigger(String label) {
            this.label = label;
        }
    }

    private static final long STAMP_CHECK_INTERVAL_MS = 1000;
    private static final long MIN_BACKOFF_MS = 1000;
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final int SPENT_REMEMBERED = 32;

    private final CredentialStore store;
    private final TokenEndpointClient endpoint;
    private final Events events;
    private final Clock clock;
    private final Duration skew;
    private final Duration refreshTimeout;
    private final String reloginHint;
    private final Executor background;
    /** Serializes refreshes across processes; null: this process only (unit tests). */
    private volatile RefreshLock refreshLock;
    private volatile boolean lockWarned;
    /** {@code on-invalid-grant=discard}: remove dead token fields from the file (after a backup). */
    private volatile boolean discardDeadCredentials;

    private final Object lock = new Object();
    private volatile Token current;
    /** The token this process last obtained from the endpoint in answer to a 401 ({@link #issuedAfterRejection}). */
    private volatile Token answeredRejection;
    private volatile long refreshAtMillis = Long.MAX_VALUE;
    private final AtomicLong nextStampCheckMillis = new AtomicLong();
    private final AtomicBoolean internalFailureLogged = new AtomicBoolean();
    private volatile FileStamp knownStamp;
    /** The store changed into something unreadable: reported if it stays so (not a write caught midway). */
    private volatile Unreadable unreadable;

    // Guarded by lock.
    /** The refresh running now (until its result is written and the cross-process lock released). */
    private Flight inflight;
    /** A refresh of the token {@code inflight} handed out, to start when {@code inflight} is over. */
    private Flight queued;
    private String deadRefreshToken;
    /** Refresh tokens this process rotated away, oldest first (bounded). */
    private final LinkedHashSet<String> spentRefreshTokens = new LinkedHashSet<>();
    private long nextAttemptAtMillis;
    private long backoffMillis;

    /** @param endpoint null when no token URL is configured: the agent injects but cannot refresh */
    public TokenManager(CredentialStore store, TokenEndpointClient endpoint, Events events, Clock clock,
            Duration skew, Duration refreshTimeout, String reloginHint, Executor background) {
        this.store = store;
        this.endpoint = endpoint;
        this.events = events;
        this.clock = clock;
        this.skew = skew;
        this.refreshTimeout = refreshTimeout;
        this.reloginHint = reloginHint;
        this.background = background;
    }

    /**
     * Serializes this manager's refreshes with every other process that shares the store (set once, before
     * the first request).
     */
    public TokenManager withRefreshLock(RefreshLock lock) {
        this.refreshLock = lock;
        return this;
    }

    /** {@code on-invalid-grant=discard}: a dead grant's fields are removed from the file, after a 0600 backup. */
    public TokenManager discardingDeadCredentials(boolean discard) {
        this.discardDeadCredentials = discard;
        return this;
    }

    /** Reads the store once at start. Returns the token, or null (the event says why). */
    public Token load() {
        nextStampCheckMillis.set(clock.millis() + STAMP_CHECK_INTERVAL_MS);
        try {
            StoredCredentials stored = store.read();
            knownStamp = stored.stamp();
            setCurrent(stored.token());
            events.tokenLoaded("file", stored.token());
            return stored.token();
        } catch (CredentialsException e) {
            knownStamp = store.stamp();
            events.credentialsInvalid(store.file().toString(), e.code(), e.getMessage()
                    + "; tokenguard will use the file once it is fixed; " + reloginHint);
            return null;
        }
    }

    /**
     * Waits (at most {@code refresh-timeout}) for a refresh that is under way to finish and write its
     * result. Called as the JVM shuts down: the server has likely rotated the refresh token already, and
     * a process that exits before saving the new one leaves a dead one in the file for everyone.
     */
    public void awaitRefreshInFlight() {
        long deadline = System.nanoTime() + refreshTimeout.toNanos();
        while (true) {
            Flight running;
            synchronized (lock) {
                running = inflight;
            }
            long left = deadline - System.nanoTime();
            if (running == null || left <= 0) {
                return;
            }
            try {
                running.over.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                return;
            }
        }
    }

    /** The token without side effects (may be null). */
    public Token current() {
        return current;
    }

    /**
     * The token to put on a request now. Starts a background refresh when the token is close to expiry;
     * waits (at most {@code refresh-timeout}) only when it has already expired. Null when there is none.
     */
    public Token tokenForRequest() {
        long now = clock.millis();
        watchStore(now);
        Token token = current;
        if (token == null || now < refreshAtMillis) {
            return token;
        }
        if (!token.isExpired(Instant.ofEpochMilli(now))) {
            refresh(Trigger.EXPIRING, token);
            return token;
        }
        Token fresh = await(refresh(Trigger.EXPIRED, token));
        return fresh != null ? fresh : token;
    }

    /**
     * The same, without blocking: completes at once unless the token has expired, then when the refresh
     * ends or {@code refresh-timeout} passes (with the expired token: the server decides).
     */
    public CompletableFuture<Token> tokenForRequestAsync() {
        long now = clock.millis();
        watchStore(now);
        Token token = current;
        if (token == null || now < refreshAtMillis) {
            return CompletableFuture.completedFuture(token);
        }
        if (!token.isExpired(Instant.ofEpochMilli(now))) {
            refresh(Trigger.EXPIRING, token);
            return CompletableFuture.completedFuture(token);
        }
        return bounded(refresh(Trigger.EXPIRED, token)).thenApply(fresh -> fresh != null ? fresh : token);
    }

    /**
     * Whether a 401 for {@code rejected} cannot lead to a retry because the credentials are dead: the server
     * refused this token's refresh token, and the store has offered nothing newer since.
     */
    public boolean credentialsDead(Token rejected) {
        Token token = current;
        return token != null && rejected != null && token.sameAccessToken(rejected) && isDead(token);
    }

    /**
     * Whether {@code token} is the one this process's token endpoint exchange issued in answer to a 401. Such
     * a token was issued after whatever revoked the token the 401 was for; a 401 for it is a rejection of its
     * own. Any other token a request is retried with (the current one when the 401 arrived, one adopted from
     * the store, one a proactive refresh was obtaining) may have been issued before that same revocation and
     * died with it.
     */
    public boolean issuedAfterRejection(Token token) {
        Token answered = answeredRejection;
        return answered != null && token != null && answered.sameAccessToken(token);
    }

    /** Blocking: the token to retry with after {@code rejected} got a 401, or null when there is none. */
    public Token tokenAfterRejection(Token rejected) {
        return await(afterRejection(rejected));
    }

    /** Non-blocking form of {@link #tokenAfterRejection}; completes with null on failure or timeout. */
    public CompletableFuture<Token> tokenAfterRejectionAsync(Token rejected) {
        return bounded(afterRejection(rejected));
    }

    private CompletableFuture<Token> afterRejection(Token rejected) {
        Token token = current;
        if (token != null && !token.sameAccessToken(rejected)) {
            return CompletableFuture.completedFuture(token);
        }
        return refresh(Trigger.REJECTED, rejected);
    }

    /** One refresh: the token it replaces, what its waiters get, and its end (result written, lock released). */
    private static final class Flight {
        final Trigger trigger;
        final Token basis;
        /** Completed as soon as the outcome is known, before it is written: waiters go on with it. */
        final CompletableFuture<Token> result = new CompletableFuture<>();
        final CompletableFuture<Void> over = new CompletableFuture<>();

        Flight(Trigger trigger, Token basis) {
            this.trigger = trigger;
            this.basis = basis;
        }
    }

    /** Starts (or joins) the one refresh of {@code basis}' generation. */
    CompletableFuture<Token> refresh(Trigger trigger, Token basis) {
        Flight flight;
        synchronized (lock) {
            Token token = current;
            if (token != null && !token.sameAccessToken(basis)) {
                return CompletableFuture.completedFuture(token);
            }
            if (inflight != null && inflight.basis.sameAccessToken(basis)) {
                return inflight.result;
            }
            if (endpoint == null || basis.refreshToken() == null
                    || basis.refreshToken().equals(deadRefreshToken)
                    || clock.millis() < nextAttemptAtMillis) {
                return CompletableFuture.completedFuture(null);
            }
            if (inflight != null) {
                // The running refresh has handed out basis (it is the current token) and is still writing it:
                // this 401 is for the new generation. One more refresh, once that write is done.
                if (queued == null || !queued.basis.sameAccessToken(basis)) {
                    queued = new Flight(trigger, basis);
                }
                return queued.result;
            }
            flight = new Flight(trigger, basis);
            inflight = flight;
        }
        launch(flight);
        return flight.result;
    }

    /** Runs {@code flight} (already {@code inflight}) on the background thread. */
    private void launch(Flight flight) {
        try {
            background.execute(() -> runRefresh(flight));
        } catch (RuntimeException rejectedExecution) { // shutting down
            end(flight);
        }
    }

    private void runRefresh(Flight flight) {
        try {
            flight.result.complete(refreshUnderLock(flight));
        } catch (RuntimeException | Error internal) {
            // Our own fault (say, the store's file system throws): the same backoff as a failed refresh, so
            // that it costs one attempt per window and one log line, not one of each per request.
            nextBackoff(null);
            internalFailure("refresh", internal);
        } finally {
            end(flight);
        }
    }

    /** {@code flight} is over: its waiters are released (if they are not yet), and a queued refresh starts. */
    private void end(Flight flight) {
        flight.result.complete(null); // no effect when it has completed with a token
        Flight next;
        synchronized (lock) {
            next = queued;
            queued = null;
            inflight = next;
        }
        flight.over.complete(null);
        if (next != null) {
            launch(next);
        }
    }

    /**
     * Takes the cross-process lock, then re-reads the store: tokens another process wrote meanwhile are
     * adopted and no refresh is sent; only otherwise is the endpoint called and the result written, all
     * before the lock is released. So each rotated refresh token is spent once, by one process.
     */
    private Token refreshUnderLock(Flight flight) {
        Token basis = flight.basis;
        RefreshLock lock = refreshLock;
        if (lock == null) {
            return adoptOrCall(flight);
        }
        RefreshLock.Held held;
        try {
            held = lock.acquire(refreshTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (IOException | RuntimeException e) {
            if (!lockWarned) {
                lockWarned = true;
                events.warning("credentials.lock_unavailable", "file", lock.lockFile().toString(),
                        "exception", e.getClass().getName(), "action",
                        "refreshing without the cross-process lock; the file is still never written over newer tokens");
            }
            return adoptOrCall(flight);
        }
        if (held == null) {
            return lockTimedOut(basis, lock);
        }
        try (held) {
            return adoptOrCall(flight);
        }
    }

    private Token adoptOrCall(Flight flight) {
        Token basis = flight.basis;
        Token newer = newerInStore(basis);
        if (newer == null) {
            return callEndpoint(flight, basis);
        }
        if (!newer.isExpired(clock.instant())) {
            return adopt(newer);
        }
        // Another process rotated the refresh token and its access token has expired since (this process
        // was idle): only the file's refresh token is alive; sending ours would be a replay.
        return callEndpoint(flight, newer.refreshToken() != null ? newer : basis);
    }

    /**
     * Another process held the lock for all of {@code refresh-timeout}: it is refreshing slowly, or stuck.
     * Its result may be in the file already; if not, no refresh is forced (that could replay a token it is
     * rotating): requests get their 401 and the next attempt waits a backoff.
     */
    private Token lockTimedOut(Token basis, RefreshLock lock) {
        Token adopted = adoptNewerFromStore(basis);
        if (adopted != null) {
            return adopted;
        }
        long wait = nextBackoff(null);
        events.refreshFailed(0, "lock_timeout", false, wait, "another process held the refresh lock "
                + lock.lockFile() + (lock.directories().isEmpty() ? "" : " or " + lock.directories())
                + " for longer than refresh-timeout");
        return null;
    }

    /**
     * Exchanges {@code basis}' refresh token. On success the new token becomes current and the flight's
     * waiters are released with it before it is written: a write takes milliseconds (it is synced to disk),
     * and the cross-process lock is held until it is done.
     */
    private Token callEndpoint(Flight flight, Token basis) {
        events.refreshStarted(flight.trigger.label, basis);
        long started = System.nanoTime();
        TokenResponse response;
        try {
            response = endpoint.refresh(basis.refreshToken());
        } catch (TokenEndpointException e) {
            return onRefreshFailure(basis, e);
        }
        Instant now = clock.instant();
        Instant expiresAt = response.expiresInMillis() == null ? null : now.plusMillis(response.expiresInMillis());
        String refreshToken = response.refreshToken() != null ? response.refreshToken() : basis.refreshToken();
        if (!refreshToken.equals(basis.refreshToken())) {
            rememberSpent(basis.refreshToken());
        }
        Token fresh = new Token(response.accessToken(), refreshToken, expiresAt, now);
        synchronized (lock) {
            backoffMillis = 0;
            nextAttemptAtMillis = 0;
        }
        if (flight.trigger == Trigger.REJECTED) {
            answeredRejection = fresh;
        }
        setCurrent(fresh);
        events.refreshSucceeded(basis, fresh, !refreshToken.equals(basis.refreshToken()),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        flight.result.complete(fresh);
        save(fresh, basis);
        return fresh;
    }

    private Token onRefreshFailure(Token basis, TokenEndpointException e) {
        if (e.terminal()) {
            // Another process may have rotated the token between our read and our call: that is not
            // a dead grant, and its tokens are the ones to use.
            Token adopted = adoptNewerFromStore(basis);
            if (adopted != null) {
                return adopted;
            }
            synchronized (lock) {
                deadRefreshToken = basis.refreshToken();
            }
            events.refreshFailed(e.status(), e.error(), true, -1, e.description());
            events.credentialsInvalid(store.file().toString(), e.error(), "the saved credentials in "
                    + store.file() + " are no longer valid (the token endpoint answered " + e.error()
                    + "); tokenguard will not send this refresh token again and picks up new credentials "
                    + "as soon as the file changes" + discardDead(basis) + "; " + reloginHint);
            return null;
        }
        long wait = nextBackoff(e.retryAfterMillis());
        events.refreshFailed(e.status(), e.error(), false, wait, e.description());
        return null;
    }

    /**
     * With {@code on-invalid-grant=discard}, removes the dead fields (we hold the refresh lock, and the
     * store checks the file still holds this refresh token); returns what to add to the message.
     */
    private String discardDead(Token basis) {
        if (!discardDeadCredentials) {
            return "";
        }
        try {
            Path backup = store.discard(basis.refreshToken());
            knownStamp = store.stamp();
            return backup == null ? "" : "; the dead token fields were removed from the file (a copy is in "
                    + backup + ")";
        } catch (IOException | RuntimeException failure) {
            return "; removing the dead token fields failed (" + failure.getClass().getSimpleName()
                    + "), the file was left as it is";
        }
    }

    /** Doubles the backoff (1 s to 60 s, with jitter, at least {@code retryAfterMillis}); returns the wait. */
    private long nextBackoff(Long retryAfterMillis) {
        synchronized (lock) {
            backoffMillis = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMillis * 2));
            long wait = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
            if (retryAfterMillis != null) {
                wait = Math.max(wait, Math.min(retryAfterMillis, 10 * MAX_BACKOFF_MS));
            }
            nextAttemptAtMillis = clock.millis() + wait;
            return wait;
        }
    }

    private void save(Token fresh, Token basis) {
        try {
            CredentialStore.WriteResult written = store.write(fresh, basis);
            if (written == CredentialStore.WriteResult.CONFLICT) {
                events.warning("credentials.write_skipped", "file", store.file().toString(),
                        "reason", "the file holds other tokens than the ones refreshed; it was left as it is");
            }
        } catch (IOException | RuntimeException e) {
            events.error("credentials.write_failed", "file", store.file().toString(),
                    "exception", e.getClass().getName(), "message", e.getMessage());
        } finally {
            knownStamp = store.stamp();
        }
    }

    /**
     * Re-reads the store; if it holds a different, unexpired token than {@code basis}, takes it (another
     * process refreshed, or the user logged in) and returns it; otherwise null.
     */
    private Token adoptNewerFromStore(Token basis) {
        Token newer = newerInStore(basis);
        return newer == null || newer.isExpired(clock.instant()) ? null : adopt(newer);
    }

    /**
     * The token the store holds when it is another generation than {@code basis} and not an older one (say,
     * our own write-back failed); expired or not. Null when the store holds {@code basis}, an older token,
     * or nothing readable.
     */
    private Token newerInStore(Token basis) {
        StoredCredentials stored;
        try {
            stored = store.read();
        } catch (CredentialsException e) {
            return null;
        }
        knownStamp = stored.stamp();
        Token token = stored.token();
        return token.sameAccessToken(basis) || spentHere(token) ? null : token;
    }

    private Token adopt(Token token) {
        setCurrent(token);
        forgetFailures();
        events.tokenAdopted(token);
        return token;
    }

    /** At most once a second, one stat of the store; a change is read on the background thread. */
    private void watchStore(long now) {
        long next = nextStampCheckMillis.get();
        if (now < next || !nextStampCheckMillis.compareAndSet(next, now + STAMP_CHECK_INTERVAL_MS)) {
            return;
        }
        FileStamp stamp;
        try {
            stamp = store.stamp();
        } catch (RuntimeException internal) {
            internalFailure("store-watch", internal); // the request goes on with the token it has
            return;
        }
        if (!stamp.equals(knownStamp)) {
            knownStamp = stamp;
            try {
                background.execute(this::reloadChangedStore);
            } catch (RuntimeException rejected) {
                // shutting down
            }
            return;
        }
        reportIfStillUnreadable(stamp, now);
    }

    /**
     * A change of the store that could not be read is reported once it has stayed as it is for a stamp
     * check: a writer caught midway (a file truncated, then written) changes it again within that time.
     */
    private void reportIfStillUnreadable(FileStamp stamp, long now) {
        Unreadable seen = unreadable;
        if (seen == null || !seen.stamp.equals(stamp) || now - seen.atMillis < STAMP_CHECK_INTERVAL_MS) {
            return;
        }
        unreadable = null;
        events.credentialsInvalid(store.file().toString(), seen.failure.code(), seen.failure.getMessage()
                + "; the file changed into this while the program ran; tokenguard keeps using the tokens it has"
                + " and reads the file again when it changes");
    }

    private static final class Unreadable {
        final FileStamp stamp;
        final CredentialsException failure;
        final long atMillis;

        Unreadable(FileStamp stamp, CredentialsException failure, long atMillis) {
            this.stamp = stamp;
            this.failure = failure;
            this.atMillis = atMillis;
        }
    }

    private void reloadChangedStore() {
        try {
            adoptChangedStore();
        } catch (RuntimeException internal) {
            internalFailure("store-watch", internal); // on our own thread: never the JVM's default handler
        }
    }

    /** Written once: a fault that repeats on every request must not flood the log. */
    private void internalFailure(String where, Throwable failure) {
        if (internalFailureLogged.compareAndSet(false, true)) {
            events.error("agent.internal_error", "where", where, "exception", failure.getClass().getName(),
                    "action", "the current token stays in use; refreshes are retried after a backoff");
        }
    }

    private void adoptChangedStore() {
        StoredCredentials stored;
        try {
            stored = store.read();
        } catch (CredentialsException e) {
            // Maybe a write caught midway: keep what we have; say so if it stays like this.
            unreadable = new Unreadable(knownStamp, e, clock.millis());
            return;
        }
        unreadable = null;
        knownStamp = stored.stamp();
        Token token = stored.token();
        Token mine = current;
        if (mine != null && (token.sameAccessToken(mine) || (spentHere(token) && !isDead(mine)))) {
            return;
        }
        synchronized (lock) {
            if (inflight != null) {
                return; // our own refresh is about to write; it re-reads the store first anyway
            }
        }
        setCurrent(token);
        forgetFailures();
        events.credentialsChanged(token);
    }

    /**
     * Whether the store is behind us: it holds a refresh token this process itself rotated away (say, our
     * write-back failed). Any other token in the store came from elsewhere (another process, a login) and
     * is newer. Judged by what we spent, never by expiry times: a server may shorten token lifetimes, and
     * mistaking a newer file for an older one would make us replay a rotated refresh token.
     */
    private boolean spentHere(Token token) {
        synchronized (lock) {
            return token.refreshToken() != null && spentRefreshTokens.contains(token.refreshToken());
        }
    }

    private void rememberSpent(String refreshToken) {
        synchronized (lock) {
            spentRefreshTokens.add(refreshToken);
            if (spentRefreshTokens.size() > SPENT_REMEMBERED) {
                spentRefreshTokens.remove(spentRefreshTokens.iterator().next());
            }
        }
    }

    private boolean isDead(Token token) {
        synchronized (lock) {
            return token.refreshToken() != null && token.refreshToken().equals(deadRefreshToken);
        }
    }

    private void forgetFailures() {
        synchronized (lock) {
            deadRefreshToken = null;
            backoffMillis = 0;
            nextAttemptAtMillis = 0;
        }
    }

    private void setCurrent(Token token) {
        current = token;
        refreshAtMillis = refreshAt(token);
    }

    private long refreshAt(Token token) {
        if (token.expiresAt() == null) {
            return Long.MAX_VALUE;
        }
        long expires = token.expiresAt().toEpochMilli();
        long lifetime = Math.max(0, expires - token.obtainedAt().toEpochMilli());
        return expires - Math.min(skew.toMillis(), lifetime / 2);
    }

    private CompletableFuture<Token> bounded(CompletableFuture<Token> refresh) {
        if (refresh.isDone()) {
            return refresh;
        }
        // A copy, so that the timeout of one waiter never completes the shared refresh for the others.
        return refresh.thenApply(t -> t).completeOnTimeout(null, refreshTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Token await(CompletableFuture<Token> refresh) {
        try {
            return refresh.get(refreshTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
