package io.tokenguard.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.config.HostMatcher;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.token.Token;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which header values a redirect out of {@code hosts} must not carry on: only tokens the agent put on. */
class RequestGuardTest {
    private final RequestGuard guard;

    RequestGuardTest() throws Exception {
        guard = new RequestGuard(HostMatcher.parse("api.example.com:443"), "X-Api-Key", "Key ", true, 1024,
                Duration.ofSeconds(1), new Events(new RecordingSink(), Clock.systemUTC()));
    }

    private String injected(String accessToken) {
        return guard.headerValue(new Token(accessToken, "rt", Instant.now().plusSeconds(600), Instant.now()));
    }

    @Test
    void aTokenTheAgentSentIsStrayOnlyOutsideHosts() {
        String value = injected("at-1");

        assertTrue(guard.strayToken("https", "elsewhere.example.net", -1, value));
        assertTrue(guard.strayToken("https", "api.example.com", 8443, value), "another port is another host");
        assertTrue(guard.strayToken("https", "api.example.com.evil.test", -1, value));
        assertFalse(guard.strayToken("https", "api.example.com", -1, value), "a guarded host keeps it");
        assertFalse(guard.strayToken("https", "API.Example.com", 443, value), "a guarded host keeps it");
    }

    @Test
    void whatTheProgramSetItselfIsNeverTouched() {
        injected("at-1");

        assertFalse(guard.strayToken("https", "elsewhere.example.net", -1, "Key the-programs-own"));
        assertFalse(guard.strayToken("https", "elsewhere.example.net", -1, "at-1"), "without the prefix it is not ours");
        assertFalse(guard.strayToken("https", "elsewhere.example.net", -1, null));
    }

    @Test
    void tokensFromBeforeTheLastFewRefreshesAreStillRecognised() {
        String first = injected("at-1");
        for (int i = 2; i <= 8; i++) {
            injected("at-" + i);
            injected("at-" + i); // the same token again does not push older ones out
        }

        assertTrue(guard.strayToken("https", "elsewhere.example.net", -1, first), "eight generations are remembered");
        injected("at-9");
        assertFalse(guard.strayToken("https", "elsewhere.example.net", -1, first), "the ninth pushes the first out");
        assertTrue(guard.strayToken("https", "elsewhere.example.net", -1, "Key at-9"));
    }
}
