package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDK HttpClient over HTTP/2 (its default version), against an h2c API. */
class Http2Test extends ScenarioBase {

    /**
     * Two-second tokens and one early revocation while four threads call an HTTP/2 API: the calls go
     * over HTTP/2, the program sees no failure, rejections are retried.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void expiryAndRevocationOverHttp2(Jdk jdk) throws Exception {
        DemoAuthServer tokens = server(2_000);
        Path credentials = genericCredentials(tokens.issueGrant());
        try (H2cApi api = new H2cApi(tokens).start()) {
            AgentJvm.Running child = start(jvm(jdk)
                    .set("hosts", "127.0.0.1:" + api.port())
                    .set("credentials-file", credentials)
                    .set("token-url", tokens.tokenUrl())
                    .main(LoopProgram.class, api.url("/v1/messages"), 4, 4));
            await("the program's first successful call", 20, () -> api.ok() > 0 || !child.isAlive());
            sleep(1_000);
            tokens.revokeAllAccessTokens();
            Result result = child.await();

            result.assertNoFailures();
            String story = "api calls=" + api.calls() + " over h2=" + api.http2Calls() + " 401s=" + api.unauthorized()
                    + " refreshes=" + tokens.refreshes() + "\n" + result.describe();
            assertTrue(api.http2Calls() * 2 > api.calls(), "most calls went over HTTP/2: " + story);
            assertTrue(api.unauthorized() >= 1, "the revocation was noticed: " + story);
            assertFalse(result.events("request.retried").isEmpty(), story);
            assertTrue(tokens.refreshes() >= 2 && tokens.refreshes() * 4 <= result.calls(), story);
            assertEquals(0, tokens.reuseDetections(), story);
        }
    }
}
