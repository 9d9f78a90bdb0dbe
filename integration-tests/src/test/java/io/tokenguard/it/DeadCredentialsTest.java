package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.suite.program.JdkDriver;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Case 4 of CONTEXT.md: the grant dies on the server (revoked elsewhere, or a refresh token that aged
 * out) while a program runs. The user is told once, plainly, what to do; the program gets its 401s at
 * once (no hang, no refresh storm); and when the user logs in again the same process carries on, with
 * no restart.
 */
class DeadCredentialsTest extends ScenarioBase {
    private static final String HINT = "run my-login";
    private static final Pattern SECOND = Pattern.compile("^second=(\\d+) statuses=\\{([^}]*)} slowest_ms=(\\d+)$");
    /** Far below refresh-timeout (10 s), which is how long a call held back for a refresh could hang. */
    private static final long PROMPT_MILLIS = 3_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aDeadGrantIsReportedOnceAndANewLoginIsPickedUpWithoutARestart(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        Path credentials = write(".credentials.json", claudeCodeCredentials(grant));
        Path stop = tmp.resolve("stop");
        AgentJvm.Running child = start(claudeCodeAgent(jdk, server, credentials)
                .set("relogin-hint", HINT)
                .main(SuiteProgram.class, JdkDriver.class.getName(), "statuses", server.apiUrl("/v1/messages"), 2,
                        50, stop));
        await("the program's first successful call", 30, () -> server.apiOk() > 0 || !child.isAlive());

        // The grant dies on the server: every access and refresh token of the family is revoked.
        long revokedAt = System.currentTimeMillis();
        assertTrue(server.revokeFamilyOf(grant.refreshToken()));
        await("credentials.invalid", 20, () -> child.stderrSoFar().contains("event=credentials.invalid")
                || !child.isAlive());
        sleep(1_500);
        long attemptsBeforeChange = attemptsWith(server, grant.refreshToken());

        // Another tool rewrites the file, dead tokens and all, for a field of its own: a change of the
        // file allows one more attempt at the most.
        ObjectNode touched = (ObjectNode) JSON.readTree(credentials.toFile());
        touched.put("userID", "u-5678");
        byte[] touchedBytes = replaceAtomically(credentials, touched);
        sleep(3_000);
        long attemptsAfterChange = attemptsWith(server, grant.refreshToken());
        byte[] fileWhileDead = Files.readAllBytes(credentials);

        // The user logs in again: the login writes a new grant into the file and keeps every other field.
        Grant login = server.issueGrant();
        ObjectNode relogged = (ObjectNode) JSON.readTree(credentials.toFile());
        ObjectNode oauth = (ObjectNode) relogged.path("claudeAiOauth");
        oauth.put("accessToken", login.accessToken());
        oauth.put("refreshToken", login.refreshToken());
        oauth.put("expiresAt", login.expiresAtMillis());
        long loginAt = System.currentTimeMillis();
        byte[] loginBytes = replaceAtomically(credentials, relogged);
        await("credentials.changed", 20, () -> child.stderrSoFar().contains("event=credentials.changed")
                || !child.isAlive());
        int okAtChange = server.apiOk();
        sleep(3_000);
        await("calls to succeed again", 20, () -> server.apiOk() >= okAtChange + 30 || !child.isAlive());
        Files.createFile(stop);
        Result result = child.await();

        String story = "refresh requests=" + server.refreshRequests() + " with the dead refresh token: "
                + attemptsBeforeChange + " before the file changed, " + attemptsAfterChange + " after\n"
                + result.describe();
        result.assertExitCode(0);
        assertEquals(0, result.failures(), "calls that got no answer at all: " + story);

        // One clear message, soon after the grant died.
        String invalid = result.onlyEvent("credentials.invalid", "ERROR");
        Map<String, String> fields = Result.fields(invalid);
        assertEquals(credentials.toString(), fields.get("file"), story);
        assertEquals("invalid_grant", fields.get("error"), story);
        String message = fields.get("message");
        assertTrue(message.contains(credentials.toString()), "the message names the file: " + message);
        assertTrue(message.contains("no longer valid"), "the message says so plainly: " + message);
        assertTrue(message.endsWith(HINT), "the message ends with relogin-hint: " + message);
        long invalidAt = millisOf(invalid);
        assertTrue(invalidAt - revokedAt < 10_000, "credentials.invalid "
                + (invalidAt - revokedAt) + " ms after the revocation: " + story);

        // The dead refresh token went to the server once, and at most once more after the file changed;
        // no other refresh at all (the new login's token is good for 10 minutes).
        assertEquals(1, attemptsBeforeChange, story);
        assertTrue(attemptsAfterChange <= 2, story);
        assertEquals(attemptsAfterChange, server.refreshRequests(), "no refresh storm, none after the login: " + story);
        assertArrayEquals(touchedBytes, fileWhileDead, "on-invalid-grant=keep leaves the file as it is");

        // While dead, every call came back at once with 401, every second.
        Map<Long, Map<Integer, Integer>> perSecond = new TreeMap<>();
        long slowestAfterRevocation = statusesPerSecond(result, perSecond, revokedAt / 1000);
        assertTrue(slowestAfterRevocation < PROMPT_MILLIS, "slowest call after the revocation took "
                + slowestAfterRevocation + " ms: " + story);
        int deadSeconds = 0;
        for (Map.Entry<Long, Map<Integer, Integer>> second : perSecond.entrySet()) {
            long start = second.getKey() * 1000;
            if (start >= invalidAt && start + 1000 <= loginAt) {
                deadSeconds++;
                assertEquals(Answers.ONLY_401, Answers.of(second.getValue()),
                        "second " + second.getKey() + " while dead: " + second.getValue() + "\n" + story);
            }
        }
        assertTrue(deadSeconds >= 3, "the program kept getting answers through the dead period (" + deadSeconds
                + " whole seconds of 401s): " + story);
        // ...and the log was not flooded: the two requests in flight when the grant died, then a line for one
        // rejected request per 10 s, not two lines for every request.
        int deadCalls = 0;
        for (Map.Entry<Long, Map<Integer, Integer>> second : perSecond.entrySet()) {
            if (second.getKey() * 1000 > invalidAt && second.getKey() * 1000 < loginAt) {
                deadCalls += second.getValue().getOrDefault(401, 0);
            }
        }
        long deadLines = result.events("request.not_retried").stream()
                .filter(line -> millisOf(line) > invalidAt && millisOf(line) < loginAt).count();
        assertTrue(deadCalls >= 20 && deadLines <= 2 + (loginAt - invalidAt) / 10_000 + 1, deadCalls
                + " rejected calls while dead, " + deadLines + " request.not_retried lines: " + story);

        // The login is picked up by the same process, once, and every call succeeds again.
        long changedAt = millisOf(result.onlyEvent("credentials.changed", "INFO"));
        assertTrue(changedAt >= loginAt && changedAt - loginAt < 10_000, "credentials.changed "
                + (changedAt - loginAt) + " ms after the login: " + story);
        int recoveredSeconds = 0;
        for (Map.Entry<Long, Map<Integer, Integer>> second : perSecond.entrySet()) {
            if (second.getKey() * 1000 >= changedAt) {
                recoveredSeconds++;
                assertEquals(Answers.ONLY_200, Answers.of(second.getValue()),
                        "second " + second.getKey() + " after the login: " + second.getValue() + "\n" + story);
            }
        }
        assertTrue(recoveredSeconds >= 2, "whole seconds of 200s after the login: " + recoveredSeconds + "\n" + story);
        assertArrayEquals(loginBytes, Files.readAllBytes(credentials), "the login's file is left as it wrote it");
    }

    /** The answers of one second, reduced to what the assertions tell apart. */
    private enum Answers {
        ONLY_200, ONLY_401, MIXED_OR_OTHER;

        static Answers of(Map<Integer, Integer> statuses) {
            if (statuses.keySet().equals(Set.of(200))) {
                return ONLY_200;
            }
            return statuses.keySet().equals(Set.of(401)) ? ONLY_401 : MIXED_OR_OTHER;
        }
    }

    /**
     * Reads the program's {@code second=} lines into {@code perSecond} (merging a second printed twice) and
     * returns the slowest call of the seconds from {@code fromSecond} on.
     */
    private static long statusesPerSecond(Result result, Map<Long, Map<Integer, Integer>> perSecond, long fromSecond) {
        long slowest = 0;
        for (String line : result.stdoutLines()) {
            Matcher m = SECOND.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long second = Long.parseLong(m.group(1));
            Map<Integer, Integer> statuses = perSecond.computeIfAbsent(second, s -> new TreeMap<>());
            for (String pair : m.group(2).split(",")) {
                String[] kv = pair.split("=");
                statuses.merge(Integer.parseInt(kv[0]), Integer.parseInt(kv[1]), Integer::sum);
            }
            if (second >= fromSecond) {
                slowest = Math.max(slowest, Long.parseLong(m.group(3)));
            }
        }
        return slowest;
    }

    /** Token requests the server received with this refresh token. */
    private static long attemptsWith(DemoAuthServer server, String refreshToken) {
        return server.tokenRequests().stream().filter(p -> refreshToken.equals(p.get("refresh_token"))).count();
    }

    /** When the agent wrote a text log line (its first field). */
    private static long millisOf(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
    }
}
