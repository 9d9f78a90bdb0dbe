package io.tokenguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that need no token endpoint: hosts, tokens without a refresh token, time formatting. */
class DoctorChecksTest {
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path dir;

    private List<String> run(int expectedExit, String... keyValues) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, String> sys = new java.util.HashMap<>(Map.of("user.home", dir.toString()));
        for (int i = 0; i < keyValues.length; i += 2) {
            sys.put("tokenguard." + keyValues[i], keyValues[i + 1]);
        }
        int exit = new Doctor(new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC))
                .check(sys, Map.of(), false);
        List<String> lines = Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\n"));
        assertEquals(expectedExit, exit, String.join("\n", lines));
        return lines;
    }

    private Path credentials(String json) throws Exception {
        return Files.write(dir.resolve("credentials.json"), json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyHostNamesAreLookedUp() throws Exception {
        Path file = credentials("{\"access_token\":\"a\",\"expires_at\":" + (NOW.getEpochSecond() + 3700) + "}");
        List<String> lines = run(0, "hosts", "*.example.com,127.0.0.1:8443,[::1],localhost,no-such-host.invalid,node9",
                "credentials-file", file.toString());
        List<String> hosts = lines.stream().filter(l -> l.contains(" host ")).collect(Collectors.toList());
        assertEquals(6, hosts.size(), String.join("\n", lines));
        assertTrue(hosts.get(0).startsWith("OK   host          *.example.com (nothing to resolve)"), hosts.get(0));
        assertTrue(hosts.get(1).contains("127.0.0.1:8443 (nothing to resolve)"), hosts.get(1));
        assertTrue(hosts.get(2).contains("[::1] (nothing to resolve)"), hosts.get(2));
        assertTrue(hosts.get(3).startsWith("OK   host          localhost resolves to "), hosts.get(3));
        assertTrue(hosts.get(4).startsWith("WARN host          no-such-host.invalid does not resolve"), hosts.get(4));
        assertTrue(hosts.get(4).contains("fix: check the spelling in tokenguard.hosts"), hosts.get(4));
        assertTrue(hosts.get(5).contains("node9 resolves") || hosts.get(5).contains("node9 does not resolve"),
                "a name that ends in a digit is still a name: " + hosts.get(5));
        assertTrue(lines.stream().anyMatch(l -> l.contains("expires in 1h 1m")), String.join("\n", lines));
    }

    /** Without a refresh token the agent can only inject: fine until the token expires, a failure after. */
    @Test
    void anExpiredTokenWithoutARefreshTokenFailsWithTheReloginHint() throws Exception {
        Path file = credentials("{\"access_token\":\"a\",\"expires_at\":" + (NOW.getEpochSecond() - 90) + "}");
        List<String> lines = run(1, "hosts", "localhost", "credentials-file", file.toString(), "relogin-hint", "run my-login");
        String failed = lines.stream().filter(l -> l.startsWith("FAIL")).findFirst().orElse("");
        assertTrue(failed.contains("expired 1m 30s ago") && failed.contains("no refresh token")
                && failed.endsWith("fix: run my-login"), String.join("\n", lines));
    }

    @Test
    void aRefreshTokenWithoutATokenUrlFails() throws Exception {
        Path file = credentials("{\"access_token\":\"a\",\"refresh_token\":\"r\"}");
        List<String> lines = run(1, "hosts", "localhost", "credentials-file", file.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FAIL token-url     not set, but the credentials file holds a "
                + "refresh token")), String.join("\n", lines));
    }

    @Test
    void durations() {
        assertEquals("12s", Doctor.duration(NOW.plusSeconds(12), NOW));
        assertEquals("4m 10s", Doctor.duration(NOW.plusSeconds(250), NOW));
        assertEquals("2h 5m", Doctor.duration(NOW.plusSeconds(7500), NOW));
        assertEquals("3d 1h", Doctor.duration(NOW.plusSeconds(3 * 86_400 + 3600), NOW));
        assertEquals("0s", Doctor.duration(NOW, NOW.plusSeconds(5)));
    }
}
