package io.tokenguard.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.instrumentation.FakeHooks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.Test;

/**
 * The HttpClient 5 helpers on the real library (5.2, the oldest supported), in this JVM, against a local
 * server: what goes on the wire and what the agent's core is told. (Defining them per class loader, and
 * the prologue that calls {@code Apache5Guard}, are covered by {@link Apache5InstrumentationTest} and the
 * integration suite.)
 */
class Apache5GuardTest {
    private static final byte[] BODY = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);

    private static CloseableHttpClient classic(HttpClientBuilder builder) {
        new io.tokenguard.instrumentation.apache5.helper.Apache5Guard().apply(new Object[] {"apache5-classic", builder, null});
        return builder.build();
    }

    private static CloseableHttpAsyncClient async(HttpAsyncClientBuilder builder) {
        new io.tokenguard.instrumentation.apache5.helper.Apache5Guard().apply(new Object[] {"apache5-async", builder, null});
        CloseableHttpAsyncClient client = builder.build();
        client.start();
        return client;
    }

    @Test
    void aRejectedRequestIsSentOnceMoreWithTheFreshTokenAndTheProgramSeesOnlyTheRetry() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = classic(HttpClientBuilder.create())) {
            HttpPost post = new HttpPost(hooks.url("/v1/messages?key=secret"));
            post.setHeader("Authorization", "Bearer placeholder");
            post.setEntity(new ByteArrayEntity(BODY, ContentType.APPLICATION_JSON));

            String answer = client.execute(post, response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));

            assertEquals("200 {\"ok\":true}", answer);
            assertEquals(List.of("Bearer old 7", "Bearer new 7"), hooks.seen);
            assertEquals(List.of("begin apache-httpclient-5 POST /v1/messages hasHeader=true",
                    "retryAfter 401 replayable=true", "retried 200"), hooks.told);
            assertEquals(List.of(), hooks.failures);
        }
    }

    @Test
    void theHeaderOfTheProgramsOwnInterceptorOrDefaultHeadersIsReplaced() throws Exception {
        try (FakeHooks hooks = new FakeHooks();
                CloseableHttpClient viaInterceptor = classic(HttpClientBuilder.create().addRequestInterceptorFirst(
                        (request, entity, context) -> request.setHeader("Authorization", "Bearer placeholder")));
                CloseableHttpClient viaDefaults = classic(HttpClientBuilder.create()
                        .setDefaultHeaders(List.of(new BasicHeader("Authorization", "Bearer placeholder"))))) {
            assertEquals((Integer) 200, viaInterceptor.execute(new HttpGet(hooks.url("/a")), response -> (Integer) response.getCode()));
            assertEquals((Integer) 200, viaDefaults.execute(new HttpGet(hooks.url("/b")), response -> (Integer) response.getCode()));
            assertEquals(List.of("Bearer old 0", "Bearer new 0", "Bearer old 0", "Bearer new 0"), hooks.seen);
        }
    }

    @Test
    void withoutTheHeaderUnderReplaceTheRequestIsLeftAlone() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = classic(HttpClientBuilder.create())) {
            assertEquals((Integer) 401, client.execute(new HttpGet(hooks.url("/a")), response -> (Integer) response.getCode()));
            assertEquals(List.of("none 0"), hooks.seen);
            assertTrue(hooks.told.stream().noneMatch(line -> line.startsWith("retry")), hooks.told.toString());
        }
    }

    @Test
    void aBodyThatCanBeReadOnceIsNotSentTwiceAndTheProgramGetsTheServersAnswer() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpClient client = classic(HttpClientBuilder.create())) {
            HttpPost post = new HttpPost(hooks.url("/upload"));
            post.setHeader("Authorization", "Bearer placeholder");
            post.setEntity(new InputStreamEntity(new ByteArrayInputStream(BODY), BODY.length, ContentType.APPLICATION_OCTET_STREAM));

            String answer = client.execute(post, response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));

            assertEquals("401 " + FakeHooks.REJECTED_BODY, answer);
            assertEquals(List.of("Bearer old 7"), hooks.seen);
            assertTrue(hooks.told.contains("retryAfter 401 replayable=false"), hooks.told.toString());
        }
    }

    @Test
    void buildingTwiceFromOneBuilderEquipsItOnce() throws Exception {
        try (FakeHooks hooks = new FakeHooks()) {
            HttpClientBuilder builder = HttpClientBuilder.create();
            io.tokenguard.instrumentation.apache5.helper.Apache5Guard guard =
                    new io.tokenguard.instrumentation.apache5.helper.Apache5Guard();
            guard.apply(new Object[] {"apache5-classic", builder, null});
            guard.apply(new Object[] {"apache5-classic", builder, null});
            try (CloseableHttpClient client = builder.build()) {
                HttpGet get = new HttpGet(hooks.url("/a"));
                get.setHeader("Authorization", "Bearer placeholder");
                assertEquals((Integer) 200, client.execute(get, response -> (Integer) response.getCode()));
            }
            assertEquals(List.of("Bearer old 0", "Bearer new 0"), hooks.seen, "one handler: one retry");
        }
    }

    @Test
    void asyncRetryWithoutBlockingAndTheBodyIsProducedAgain() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpAsyncClient client = async(HttpAsyncClientBuilder.create())) {
            SimpleHttpRequest request = SimpleRequestBuilder.post(hooks.url("/v1/messages"))
                    .setHeader("Authorization", "Bearer placeholder").setBody(BODY, ContentType.APPLICATION_JSON).build();

            Future<SimpleHttpResponse> future = client.execute(request, null);
            SimpleHttpResponse response = future.get(20, TimeUnit.SECONDS);

            assertEquals(200, response.getCode());
            assertEquals("{\"ok\":true}", response.getBodyText());
            assertEquals(List.of("Bearer old 7", "Bearer new 7"), hooks.seen);
            assertEquals(List.of("begin apache-httpclient-5 POST /v1/messages hasHeader=true",
                    "retryAfter 401 replayable=true", "retried 200"), hooks.told);
        }
    }

    @Test
    void asyncA401ThatIsNotRetriedReachesTheProgramWhole() throws Exception {
        try (FakeHooks hooks = new FakeHooks().refuseRetries();
                CloseableHttpAsyncClient client = async(HttpAsyncClientBuilder.create())) {
            SimpleHttpRequest request = SimpleRequestBuilder.get(hooks.url("/v1/messages"))
                    .setHeader("Authorization", "Bearer placeholder").build();

            SimpleHttpResponse response = client.execute(request, null).get(20, TimeUnit.SECONDS);

            assertEquals(401, response.getCode());
            assertEquals(FakeHooks.REJECTED_BODY, response.getBodyText());
            assertEquals(List.of("Bearer old 0"), hooks.seen);
        }
    }

    @Test
    void asyncA401TooLargeToHoldGoesToTheProgramAsItComesAndIsNotRetried() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpAsyncClient client = async(HttpAsyncClientBuilder.create())) {
            SimpleHttpRequest request = SimpleRequestBuilder.get(hooks.url("/large"))
                    .setHeader("Authorization", "Bearer placeholder").build();

            SimpleHttpResponse response = client.execute(request, null).get(20, TimeUnit.SECONDS);

            assertEquals(401, response.getCode());
            assertArrayEquals(FakeHooks.largeRejection(), response.getBodyBytes());
            assertEquals(List.of("Bearer old 0"), hooks.seen);
            assertTrue(hooks.told.stream().noneMatch(line -> line.startsWith("retry")), hooks.told.toString());
        }
    }

    @Test
    void asyncTheHeaderOfTheProgramsInterceptorIsSeen() throws Exception {
        try (FakeHooks hooks = new FakeHooks(); CloseableHttpAsyncClient client = async(HttpAsyncClientBuilder.create()
                .addRequestInterceptorFirst((request, entity, context) -> request.setHeader("Authorization", "Bearer placeholder")))) {
            SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(hooks.url("/a")).build(), null)
                    .get(20, TimeUnit.SECONDS);
            assertEquals(200, response.getCode());
            assertEquals(List.of("Bearer old 0", "Bearer new 0"), hooks.seen);
        }
    }
}
