package io.tokenguard.instrumentation.apache4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.instrumentation.FakeHooks;
import io.tokenguard.instrumentation.HelperClassesCheck;
import io.tokenguard.instrumentation.apache4.helper.Apache4Guard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Test;

/** HttpClient 4.5.14: the prologue on the real builder, and the helper on the real client against a local server. */
class Apache4Test {
    private static final byte[] BODY = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
    private final Apache4Instrumentation instrumentation = new Apache4Instrumentation();

    @Test
    void theProloguedBuilderHandsItsMainExecToTheAgentAndUsesItsAnswer() throws Exception {
        String name = "org.apache.http.impl.client.HttpClientBuilder";
        byte[] transformed = instrumentation.transform(null, name.replace('.', '/'), bytes(name.replace('.', '/')));
        Class<?> type = HelperClassesCheck.defineWithLibrary(name, transformed, "org.apache.http.");
        try (FakeHooks hooks = new FakeHooks()) {
            Object builder = type.getMethod("create").invoke(null);
            ((AutoCloseable) type.getMethod("build").invoke(builder)).close();
            Object[] replaced = hooks.announced.get(0);
            assertEquals(Apache4Instrumentation.KEY, replaced[0]);
            assertEquals(builder, replaced[1]);
            assertNotNull(replaced[2], "the original main exec");
            assertTrue(replaced[2].getClass().getName().endsWith("MainClientExec"), replaced[2].getClass().getName());
        }
    }

    @Test
    void aRejectedRequestIsExecutedOnceMoreWithTheFreshToken() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = equipped()) {
            HttpPost post = new HttpPost(hooks.url("/v1/messages?key=secret"));
            post.setHeader("Authorization", "Bearer placeholder");
            post.setEntity(new ByteArrayEntity(BODY));
            try (CloseableHttpResponse response = client.execute(post)) {
                assertEquals(200, response.getStatusLine().getStatusCode());
                assertEquals("{\"ok\":true}", EntityUtils.toString(response.getEntity()));
            }
            assertEquals(List.of("Bearer old 7", "Bearer new 7"), hooks.seen);
            assertEquals(List.of("begin apache-httpclient-4 POST /v1/messages hasHeader=true",
                    "retryAfter 401 replayable=true", "retried 200"), hooks.told);
            assertEquals(List.of(), hooks.failures);
        }
    }

    @Test
    void theHeaderOfTheProgramsInterceptorIsReplaced() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = equippedBuilder()
                .addInterceptorFirst((HttpRequestInterceptor) (request, context) ->
                        request.setHeader("Authorization", "Bearer placeholder")).build()) {
            try (CloseableHttpResponse response = client.execute(new HttpGet(hooks.url("/a")))) {
                assertEquals(200, response.getStatusLine().getStatusCode());
            }
            assertEquals(List.of("Bearer old 0", "Bearer new 0"), hooks.seen);
        }
    }

    @Test
    void aNonRepeatableEntityIsNotSentTwice() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = equipped()) {
            HttpPost post = new HttpPost(hooks.url("/upload"));
            post.setHeader("Authorization", "Bearer placeholder");
            post.setEntity(new InputStreamEntity(new ByteArrayInputStream(BODY), BODY.length));
            try (CloseableHttpResponse response = client.execute(post)) {
                assertEquals(401, response.getStatusLine().getStatusCode());
                assertEquals(FakeHooks.REJECTED_BODY, EntityUtils.toString(response.getEntity()));
            }
            assertEquals(List.of("Bearer old 7"), hooks.seen);
            assertTrue(hooks.told.contains("retryAfter 401 replayable=false"), hooks.told.toString());
        }
    }

    @Test
    void aClassWithoutDecorateMainExecIsLeftAlone() {
        byte[] other = bytes("org/apache/http/impl/execchain/ClientExecChain");
        assertThrows(IllegalStateException.class, () -> instrumentation.transform(null,
                "org/apache/http/impl/client/HttpClientBuilder", other));
    }

    @Test
    void versionAndHelperClasses() throws IOException {
        assertEquals("4.5.14", instrumentation.version(getClass().getClassLoader()));
        HelperClassesCheck.assertComplete(instrumentation, "io/tokenguard/instrumentation/apache4/helper");
    }

    private static CloseableHttpClient equipped() {
        return equippedBuilder().build();
    }

    /** A builder as the prologue leaves it: decorateMainExec answers what the helper makes of the main exec. */
    private static HttpClientBuilder equippedBuilder() {
        return new HttpClientBuilder() {
            @Override
            protected ClientExecChain decorateMainExec(ClientExecChain mainExec) {
                return (ClientExecChain) new Apache4Guard().apply(new Object[] {Apache4Instrumentation.KEY, this, mainExec});
            }
        };
    }

    private static byte[] bytes(String internalName) {
        try (InputStream in = Apache4Test.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
