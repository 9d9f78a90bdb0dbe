package io.tokenguard.guard;

import io.tokenguard.bootstrap.GuardedCall;
import io.tokenguard.events.RequestInfo;
import io.tokenguard.token.Token;
import java.util.concurrent.CompletableFuture;

/**
 * The whole decision of a guarded request for clients that live in application class loaders (OkHttp,
 * Apache HttpClient): the code the agent puts beside such a client only translates its request and
 * response; what to send, what a 401 means and which events to write is decided here, once for all of them.
 */
public final class GuardedCalls {
    private final RequestGuard guard;

    public GuardedCalls(RequestGuard guard) {
        this.guard = guard;
    }

    public RequestGuard guard() {
        return guard;
    }

    /** Null when the request is to be left untouched (host not guarded, header absent under {@code replace}, no token). */
    public GuardedCall begin(String library, String scheme, String host, int port, String method, String rawPath,
            boolean requestHasHeader) {
        if (!wanted(library, scheme, host, port, requestHasHeader)) {
            return null;
        }
        Token token = guard.tokenForRequest();
        return token == null ? null : new Call(library, new RequestInfo(host, method, rawPath, library), token);
    }

    public CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
            String method, String rawPath, boolean requestHasHeader) {
        if (!wanted(library, scheme, host, port, requestHasHeader)) {
            return CompletableFuture.completedFuture(null);
        }
        RequestInfo info = new RequestInfo(host, method, rawPath, library);
        return guard.tokenForRequestAsync().thenApply(token -> token == null ? null : new Call(library, info, token));
    }

    private boolean wanted(String library, String scheme, String host, int port, boolean requestHasHeader) {
        try {
            return guard.guards(scheme, host, port) && guard.shouldInject(requestHasHeader);
        } catch (RuntimeException e) {
            guard.internalFailure(library, e);
            return false;
        }
    }

    /** One request: the token it carries, replaced by the fresh one when a 401 leads to a retry. */
    private final class Call implements GuardedCall {
        private final String library;
        private final RequestInfo info;
        private volatile Token token;
        /** Retries granted so far: one after the first 401, at most one more ({@link RequestGuard#retried}). */
        private volatile int retries;

        Call(String library, RequestInfo info, Token token) {
            this.library = library;
            this.info = info;
            this.token = token;
        }

        @Override
        public String headerName() {
            return guard.header();
        }

        @Override
        public String headerValue() {
            return guard.headerValue(token);
        }

        @Override
        public boolean retryAfter(int status, boolean bodyReplayable) {
            if (status != RequestGuard.UNAUTHORIZED) {
                return false;
            }
            try {
                if (!bodyReplayable) {
                    guard.bodyNotReplayable(info, status, token);
                    return false;
                }
                return adopt(guard.rejected(info, status, token));
            } catch (RuntimeException e) {
                guard.internalFailure(library, e);
                return false;
            }
        }

        @Override
        public CompletableFuture<Boolean> retryAfterAsync(int status, boolean bodyReplayable) {
            if (status != RequestGuard.UNAUTHORIZED) {
                return CompletableFuture.completedFuture(false);
            }
            try {
                if (!bodyReplayable) {
                    guard.bodyNotReplayable(info, status, token);
                    return CompletableFuture.completedFuture(false);
                }
                return guard.rejectedAsync(info, status, token).thenApply(this::adopt);
            } catch (RuntimeException e) {
                guard.internalFailure(library, e);
                return CompletableFuture.completedFuture(false);
            }
        }

        private boolean adopt(Token fresh) {
            if (fresh == null) {
                return false;
            }
            token = fresh;
            retries++;
            return true;
        }

        @Override
        public boolean retried(int status) {
            try {
                if (retries > 1) {
                    guard.retriedAgain(info, status, token);
                    return false;
                }
                return adopt(guard.retried(info, status, token));
            } catch (RuntimeException e) {
                guard.internalFailure(library, e);
                return false;
            }
        }

        @Override
        public CompletableFuture<Boolean> retriedAsync(int status) {
            try {
                if (retries > 1) {
                    guard.retriedAgain(info, status, token);
                    return CompletableFuture.completedFuture(false);
                }
                return guard.retriedAsync(info, status, token).thenApply(this::adopt);
            } catch (RuntimeException e) {
                guard.internalFailure(library, e);
                return CompletableFuture.completedFuture(false);
            }
        }

        @Override
        public String toString() {
            return "GuardedCall[" + info.method() + " " + info.host() + info.path() + "]";
        }
    }
}
