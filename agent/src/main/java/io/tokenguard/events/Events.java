package io.tokenguard.events;

import io.tokenguard.events.EventSink.Level;
import io.tokenguard.token.Token;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The vocabulary of lifecycle events (the public contract: users grep and alert on these names and
 * fields). Each event and its fields are written here once. Tokens appear only as fingerprints.
 */
public final class Events {
    private final EventSink sink;
    private final Clock clock;
    private final AtomicBoolean sinkFailureReported = new AtomicBoolean();

    public Events(EventSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    public void agentStarted(String version, String hosts, List<String> instrumented, String credentialsFile,
            String tokenUrl) {
        emit(Level.INFO, "agent.started", "version", version, "java", System.getProperty("java.version"),
                "hosts", hosts, "instrumented", String.join(",", instrumented),
                "credentials_file", credentialsFile, "token_url", tokenUrl);
    }

    public void agentDisabled(String reason) {
        emit(Level.ERROR, "agent.disabled", "reason", reason);
    }

    public void tokenLoaded(String source, Token token) {
        emit(Level.INFO, "token.loaded", "source", source, "fp", token.fingerprint(),
                "expires_in_s", token.expiresInSeconds(clock.instant()));
    }

    public void refreshStarted(String trigger, Token basis) {
        emit(Level.INFO, "token.refresh.started", "trigger", trigger, "fp", basis.fingerprint());
    }

    public void refreshSucceeded(Token old, Token fresh, boolean rotated, long durationMs) {
        emit(Level.INFO, "token.refresh.succeeded", "old_fp", old.fingerprint(), "fp", fresh.fingerprint(),
                "expires_in_s", fresh.expiresInSeconds(clock.instant()), "rotated", rotated,
                "duration_ms", durationMs);
    }

    /** @param status the token endpoint's HTTP status, 0 when it gave none (connection failure) */
    public void refreshFailed(int status, String error, boolean terminal, long retryInMs, String description) {
        emit(terminal ? Level.ERROR : Level.WARN, "token.refresh.failed", "status", status, "error", error,
                "terminal", terminal, "retry_in_ms", retryInMs, "description", description);
    }

    public void tokenAdopted(Token token) {
        emit(Level.INFO, "token.adopted", "fp", token.fingerprint(),
                "expires_in_s", token.expiresInSeconds(clock.instant()));
    }

    public void tokenRejected(RequestInfo request, int status, Token token) {
        emit(Level.INFO, "token.rejected", "host", request.host(), "method", request.method(),
                "path", request.path(), "status", status, "fp", token.fingerprint(), "client", request.client());
    }

    public void requestRetried(RequestInfo request, int status, Token token) {
        emit(Level.INFO, "request.retried", "host", request.host(), "method", request.method(),
                "path", request.path(), "status", status, "fp", token.fingerprint(), "client", request.client());
    }

    /** reason: {@code body-not-replayable}, {@code retry-rejected} or {@code refresh-failed}. */
    public void requestNotRetried(RequestInfo request, String reason) {
        requestNotRetried(request, reason, 0);
    }

    /** @param suppressed rejected requests left out of the log before this one (while credentials are dead) */
    public void requestNotRetried(RequestInfo request, String reason, int suppressed) {
        if (suppressed > 0) {
            emit(Level.WARN, "request.not_retried", "host", request.host(), "method", request.method(),
                    "path", request.path(), "reason", reason, "client", request.client(), "suppressed", suppressed);
        } else {
            emit(Level.WARN, "request.not_retried", "host", request.host(), "method", request.method(),
                    "path", request.path(), "reason", reason, "client", request.client());
        }
    }

    public void credentialsInvalid(String file, String error, String message) {
        emit(Level.ERROR, "credentials.invalid", "file", file, "error", error, "message", message);
    }

    public void credentialsChanged(Token token) {
        emit(Level.INFO, "credentials.changed", "fp", token.fingerprint(),
                "expires_in_s", token.expiresInSeconds(clock.instant()));
    }

    /** Problems that are not lifecycle events of the contract: a write that failed, a permission warning. */
    public void warning(String event, Object... fields) {
        emit(Level.WARN, event, fields);
    }

    public void error(String event, Object... fields) {
        emit(Level.ERROR, event, fields);
    }

    public void debug(String event, Object... fields) {
        emit(Level.DEBUG, event, fields);
    }

    private void emit(Level level, String event, Object... keyValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                fields.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        try {
            sink.emit(level, event, fields);
        } catch (RuntimeException | LinkageError | StackOverflowError logFailed) {
            // The log is never a reason to fail a request. Said once, straight to standard error: through
            // the sink it would fail again (or loop), and a broken log must not flood the host's output.
            if (sinkFailureReported.compareAndSet(false, true)) {
                StandardError.once(false, "agent.log_failed", "exception", logFailed.getClass().getName(),
                        "action", "events are dropped where the log fails; requests are guarded as before");
            }
        }
    }
}
