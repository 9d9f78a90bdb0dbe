package io.tokenguard.cli;

import io.tokenguard.cli.Doctor.Line;
import io.tokenguard.cli.Doctor.Status;
import io.tokenguard.agent.CoreFromSettings;
import io.tokenguard.config.Settings;
import io.tokenguard.events.EventSink;
import io.tokenguard.events.Events;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.Fingerprint;
import io.tokenguard.token.Token;
import io.tokenguard.token.TokenManager;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code doctor --refresh}: one real refresh through the agent's own core (token manager, endpoint client,
 * credentials store), under the cross-process refresh lock, so that a program running with the agent on
 * the same file is never raced: if it refreshed first, its tokens are adopted and nothing is spent.
 * Dead credentials are reported, never discarded.
 */
final class DoctorRefresh {
    private DoctorRefresh() {}

    static CredentialStore store(Settings settings, Clock clock) {
        return CoreFromSettings.credentialStore(settings, clock);
    }

    static List<Line> run(Settings settings, Clock clock) {
        Recorder recorder = new Recorder();
        TokenEndpointClient endpoint = CoreFromSettings.tokenEndpoint(settings);
        ExecutorService thread = AgentThreads.single("doctor-refresh");
        try {
            TokenManager tokens = new TokenManager(store(settings, clock), endpoint, new Events(recorder, clock), clock,
                    settings.refreshSkew(), settings.refreshTimeout(), settings.reloginHint(), thread)
                    .withRefreshLock(CoreFromSettings.refreshLock(settings));
            Token before = tokens.load();
            if (before == null) {
                return Line.of(Status.FAIL, "refresh", "the credentials file is not usable", "see the lines above");
            }
            Token after = tokens.tokenAfterRejection(before);
            tokens.awaitRefreshInFlight(); // a refresh that outlived the wait must still be written back
            return outcome(settings, clock, before, after, recorder);
        } finally {
            thread.shutdown();
        }
    }

    private static List<Line> outcome(Settings settings, Clock clock, Token before, Token after, Recorder recorder) {
        List<Line> lines = new ArrayList<>();
        Map<String, Object> failed = recorder.last("token.refresh.failed");
        Map<String, Object> writeProblem = recorder.last("credentials.write_failed");
        if (writeProblem == null) {
            writeProblem = recorder.last("credentials.write_skipped");
        }
        if (after == null || after.sameAccessToken(before)) {
            Map<String, Object> internal = recorder.last("agent.internal_error");
            String why = internal != null ? "internal error " + internal.get("exception")
                    : failed == null ? "no answer within refresh-timeout"
                    : "the token endpoint answered status=" + failed.get("status") + " error=" + failed.get("error")
                    + (failed.get("description") == null ? "" : " (" + failed.get("description") + ")");
            boolean terminal = failed != null && Boolean.TRUE.equals(failed.get("terminal"));
            lines.add(new Line(Status.FAIL, "refresh", "failed: " + why, terminal ? settings.reloginHint()
                    : "check tokenguard.token-url and that the server runs (doctor without --refresh probes it)"));
            return lines;
        }
        String expiry = after.expiresAt() == null ? "expiry unknown"
                : "expires in " + Doctor.duration(after.expiresAt(), clock.instant()) + " ("
                + after.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ")";
        if (recorder.last("token.adopted") != null) {
            lines.add(new Line(Status.OK, "refresh", "not needed: another process had already refreshed; its tokens "
                    + "are in the file: fp " + before.fingerprint() + " -> " + after.fingerprint() + ", " + expiry, null));
            return lines;
        }
        boolean rotated = after.refreshToken() != null && !after.refreshToken().equals(before.refreshToken());
        String what = "fp " + before.fingerprint() + " -> " + after.fingerprint() + ", " + expiry + ", refresh token "
                + (rotated ? "rotated (fp " + Fingerprint.of(after.refreshToken()) + ")" : "kept");
        if (writeProblem != null) {
            lines.add(new Line(Status.FAIL, "refresh", what + ", but not written to " + settings.credentialsFile()
                    + " (" + writeProblem + ")", "make the file and its folder writable by this user"));
        } else {
            lines.add(new Line(Status.OK, "refresh", what + ", written to " + settings.credentialsFile(), null));
        }
        return lines;
    }

    /** Keeps the core's events, to report their outcome in doctor's words. */
    private static final class Recorder implements EventSink {
        private final List<String> names = Collections.synchronizedList(new ArrayList<>());
        private final List<Map<String, Object>> fields = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void emit(Level level, String event, Map<String, Object> eventFields) {
            synchronized (names) {
                names.add(event);
                fields.add(eventFields);
            }
        }

        Map<String, Object> last(String event) {
            synchronized (names) {
                for (int i = names.size() - 1; i >= 0; i--) {
                    if (names.get(i).equals(event)) {
                        return fields.get(i);
                    }
                }
                return null;
            }
        }
    }
}
