package io.tokenguard.it.suite.program;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * OkHttp, {@code execute()} and {@code enqueue()}. Compiled against 3.14.9 and run unchanged on 4.x and 5.x.
 * The client is made with {@code newBuilder()} from a default client plus an interceptor of the program's
 * own, as SDKs do.
 */
public final class OkHttpDriver implements Driver {
    private final OkHttpClient client = new OkHttpClient().newBuilder()
            .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("User-Agent", "suite").build()))
            .connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS).build();

    @Override
    public Reply send(Call call) throws Exception {
        try (Response response = client.newCall(request(call)).execute()) {
            return new Reply(response.code(), response.body().string());
        }
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        client.newCall(request(call)).enqueue(new Callback() {
            @Override
            public void onFailure(okhttp3.Call c, IOException e) {
                reply.completeExceptionally(e);
            }

            @Override
            public void onResponse(okhttp3.Call c, Response response) throws IOException {
                try (Response r = response) {
                    reply.complete(new Reply(r.code(), r.body().string()));
                }
            }
        });
        return reply;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static Request request(Call call) {
        Request.Builder builder = new Request.Builder().url(call.url.toString()).header("Authorization", Call.PLACEHOLDER);
        if (call.contentType != null) {
            builder.header("Content-Type", call.contentType);
        }
        return builder.method(call.method, call.body == null ? null : new Bytes(call)).build();
    }

    /** A body the program could as well have streamed from a file; {@code isOneShot()} when the call says so. */
    private static final class Bytes extends RequestBody {
        private final Call call;

        Bytes(Call call) {
            this.call = call;
        }

        @Override
        public MediaType contentType() {
            return null; // the Content-Type header is set on the request, as some programs do
        }

        @Override
        public long contentLength() {
            return call.body.length;
        }

        @Override
        public boolean isOneShot() {
            return call.oneShot;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(call.body);
        }
    }
}
