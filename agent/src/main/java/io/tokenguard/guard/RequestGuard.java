package io.tokenguard.guard;

import io.tokenguard.config.HostMatcher;
import io.tokenguard.events.Events;
import io.tokenguard.events.RequestInfo;
import io.tokenguard.token.Token;
import io.tokenguard.token.TokenManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place the instrumentation packages ask what to do with a request: is its host guarded, what
 * header to set, what a 401 means, and which events to write. It knows nothing of any HTTP client: each
 * instrumentation package translates its client's request and response into these calls and back.
 */
public final class RequestGuard {
    /** The status that means the token was not accepted (RFC 6750 §3.1 {@code invalid_token}). */
    public static final int UNAUTHORIZED = 401;
    /** The {@code instrumentation} field of {@code agent.internal_error} when the token core itself failed. */
    private static final String CORE = "token-core";

    private final HostMatcher hosts;
    private final String header;
    private final String headerPrefix;
    private final boolean injectAlways;
    private final long maxReplayBytes;
    private final Duration startTimeout;
    private final Events events;
    /** The token manager, once the agent's start on its background thread has loaded the credentials. */
    private final StartGate ready = new StartGate();
    private final AtomicBoolean internalFailureLogged = new AtomicBoolean();
    private final DeadCredentialsLog deadLog = new DeadCredentialsLog();
    /** The access tokens most recently put on requests, newest first: what a stray header is checked against. */
    private final String[] injected = new String[INJECTED_REMEMBERED];
    private volatile boolean disabled;

    private static final int INJECTED_REMEMBERED = 8;

    public RequestGuard(HostMatcher hosts, String header, String headerPrefix, boolean injectAlways,
            long maxReplayBytes, Duration startTimeout, Events events) {
        this.hosts = hosts;
        this.header = header;
        this.headerPrefix = headerPrefix;
        this.injectAlways = injectAlways;
        this.maxReplayBytes = maxReplayBytes;
        this.startTimeout = startTimeout;
        this.events = events;
    }

    /**
     * @param scheme {@code http} or {@code https} (anything else is never guarded)
     * @param port the port in the URL, or -1 for the scheme's default
     */
    public boolean guards(String scheme, String host, int port) {
        if (disabled || host == null || scheme == null) {
            return false;
        }
        int effectivePort = port;
        if (port == -1) {
            if ("https".equalsIgnoreCase(scheme)) {
                effectivePort = 443;
            } else if ("http".equalsIgnoreCase(scheme)) {
                effectivePort = 80;
            } else {
                return false;
            }
        }
        return hosts.matches(host, effectivePort);
    }

    /** Hands over the token manager once it has loaded the credentials; requests until then wait. */
    public void ready(TokenManager tokens) {
        ready.open(tokens);
    }

    /** From now on no request is touched (the agent found, after start, that it cannot work). */
    public void disable() {
        disabled = true;
        ready.open(null);
    }

    /** The token manager, waiting (at most {@code refresh-timeout}) while the agent is still starting. */
    private TokenManager tokens() {
        TokenManager tokens = ready.now();
        if (tokens != null || ready.isOpen()) {
            return tokens;
        }
        try {
            return ready.await(startTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The name of the header that carries the token. */
    public String header() {
        return header;
    }

    /** The header value that carries {@code token}; the token is remembered as one this agent sent. */
    public String headerValue(Token token) {
        String accessToken = token.accessToken();
        rememberInjected(accessToken);
        return headerPrefix + accessToken;
    }

    /**
     * Whether a request to this origin, which is not guarded, carries in {@link #header()} a token this agent
     * put on a request to a guarded host: the HTTP client is following a redirect out of {@code hosts}, and
     * the header must be dropped before the token leaves. A value the program set itself is never matched.
     */
    public boolean strayToken(String scheme, String host, int port, String headerValue) {
        if (headerValue == null || !headerValue.startsWith(headerPrefix) || guards(scheme, host, port)) {
            return false;
        }
        String token = headerValue.substring(headerPrefix.length());
        synchronized (injected) {
            for (String sent : injected) {
                if (token.equals(sent)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void rememberInjected(String accessToken) {
        if (injected[0] == accessToken) { // the same Token object as last time: the common case, no lock
            return;
        }
        synchronized (injected) {
            int at = 0;
            while (at < injected.length - 1 && injected[at] != null && !injected[at].equals(accessToken)) {
                at++;
            }
            System.arraycopy(injected, 0, injected, 1, at);
            injected[0] = accessToken;
        }
    }

    /** Whether to put the token on a request; {@code replace} touches only requests that carry the header. */
    public boolean shouldInject(boolean requestHasHeader) {
        return requestHasHeader || injectAlways;
    }

    public long maxReplayBytes() {
        return maxReplayBytes;
    }

    /**
     * See {@link TokenManager#tokenForRequest()}. Null (the request passes through untouched) also when the
     * core itself fails: every method a request calls here catches the agent's own faults, so that no
     * instrumentation depends on catching them right.
     */
    public Token tokenForRequest() {
        try {
            TokenManager tokens = tokens();
            return tokens == null ? null : tokens.tokenForRequest();
        } catch (RuntimeException e) {
            internalFailure(CORE, e);
            return null;
        }
    }

    /** Null token (the request passes through) when the agent is not ready within {@code refresh-timeout}. */
    public CompletableFuture<Token> tokenForRequestAsync() {
        try {
            return startTokenForRequestAsync().exceptionally(this::noToken);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(noToken(e));
        }
    }

    private Token noToken(Throwable failure) {
        internalFailure(CORE, failure);
        return null;
    }

    private CompletableFuture<Token> startTokenForRequestAsync() {
        if (ready.isOpen()) {
            TokenManager tokens = ready.now();
            return tokens == null ? CompletableFuture.completedFuture(null) : tokens.tokenForRequestAsync();
        }
        return ready.whenOpen().thenApply(tokens -> tokens)
                .completeOnTimeout(null, startTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(tokens -> tokens == null ? CompletableFuture.completedFuture(null)
                        : tokens.tokenForRequestAsync());
    }

    /**
     * A guarded request carrying {@code used} got a 401. Writes {@code token.rejected} and waits (bounded)
     * for the token to retry with; null when there is none (then {@code request.not_retried} is written).
     */
    public Token rejected(RequestInfo request, int status, Token used) {
        int leftOut = logAdmission(used);
        if (leftOut >= 0) {
            events.tokenRejected(request, status, used);
        }
        Token fresh;
        try {
            fresh = tokens().tokenAfterRejection(used);
        } catch (RuntimeException e) {
            fresh = noToken(e);
        }
        if (fresh == null && leftOut >= 0) {
            events.requestNotRetried(request, "refresh-failed", leftOut);
        }
        return fresh;
    }

    /**
     * 0 to log a rejected request as usual; while the credentials are dead, how many were left out of the
     * log before this one, or -1 to leave this one out too ({@link DeadCredentialsLog}).
     */
    private int logAdmission(Token used) {
        try {
            TokenManager tokens = ready.now();
            return tokens != null && tokens.credentialsDead(used) ? deadLog.admit(System.currentTimeMillis()) : 0;
        } catch (RuntimeException e) {
            internalFailure(CORE, e);
            return 0;
        }
    }

    /** Non-blocking form of {@link #rejected}: the future completes with null when there is no token. */
    public CompletableFuture<Token> rejectedAsync(RequestInfo request, int status, Token used) {
        int leftOut = logAdmission(used);
        if (leftOut >= 0) {
            events.tokenRejected(request, status, used);
        }
        CompletableFuture<Token> refreshed;
        try {
            refreshed = tokens().tokenAfterRejectionAsync(used).exceptionally(this::noToken);
        } catch (RuntimeException e) {
            refreshed = CompletableFuture.completedFuture(noToken(e));
        }
        return refreshed.thenApply(fresh -> {
            if (fresh == null && leftOut >= 0) {
                events.requestNotRetried(request, "refresh-failed", leftOut);
            }
            return fresh;
        });
    }

    /**
     * The retry carrying {@code used} came back with {@code status}. Null: the program gets this answer. A
     * token: send the request once more, with it, and report that answer to {@link #retriedAgain}. That second
     * retry is offered only for a 401 that may be the same revocation as the first: the first retry carried a
     * token issued before the first 401 arrived (one a refresh was just obtaining, or one another process
     * wrote), which a server revoking all of a grant's access tokens at once kills too. A 401 for a token
     * refreshed in answer to a 401 is final ({@code retry-rejected}).
     */
    public Token retried(RequestInfo request, int status, Token used) {
        if (status != UNAUTHORIZED) {
            events.requestRetried(request, status, used);
            return null;
        }
        if (rejectionIsFinal(used)) {
            retryRejected(request, status, used);
            return null;
        }
        return rejected(request, status, used);
    }

    /** Non-blocking form of {@link #retried}: the future completes with null when there is no second retry. */
    public CompletableFuture<Token> retriedAsync(RequestInfo request, int status, Token used) {
        if (status != UNAUTHORIZED) {
            events.requestRetried(request, status, used);
            return CompletableFuture.completedFuture(null);
        }
        if (rejectionIsFinal(used)) {
            retryRejected(request, status, used);
            return CompletableFuture.completedFuture(null);
        }
        return rejectedAsync(request, status, used);
    }

    /** The second retry ({@link #retried}) came back with {@code status}: whatever it is, the program gets it. */
    public void retriedAgain(RequestInfo request, int status, Token used) {
        if (status == UNAUTHORIZED) {
            retryRejected(request, status, used);
        } else {
            events.requestRetried(request, status, used);
        }
    }

    private boolean rejectionIsFinal(Token used) {
        try {
            TokenManager tokens = ready.now();
            return tokens == null || tokens.issuedAfterRejection(used);
        } catch (RuntimeException e) {
            internalFailure(CORE, e);
            return true;
        }
    }

    private void retryRejected(RequestInfo request, int status, Token used) {
        events.tokenRejected(request, status, used);
        events.requestNotRetried(request, "retry-rejected");
    }

    /** The request got a 401 but its body cannot be sent again: the caller gets the 401. */
    public void bodyNotReplayable(RequestInfo request, int status, Token used) {
        events.tokenRejected(request, status, used);
        try {
            tokens().tokenAfterRejectionAsync(used); // still refresh, so that the next request succeeds
        } catch (RuntimeException e) {
            internalFailure(CORE, e);
        }
        events.requestNotRetried(request, "body-not-replayable");
    }

    /**
     * The agent's own fault while handling a request: written once, then requests go through untouched. Only the exception's class is logged: a message could quote a URL or header.
     */
    public void internalFailure(String instrumentation, Throwable failure) {
        if (internalFailureLogged.compareAndSet(false, true)) {
            events.error("agent.internal_error", "instrumentation", instrumentation,
                    "exception", failure.getClass().getName(),
                    "action", "requests pass through untouched where this happens");
        }
    }
}
