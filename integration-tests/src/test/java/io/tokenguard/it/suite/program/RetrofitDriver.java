package io.tokenguard.it.suite.program;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import retrofit2.Callback;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.POST;
import retrofit2.http.PUT;
import retrofit2.http.Url;

/** Retrofit 2 (over OkHttp): a typed interface, as SDKs declare their APIs. */
public final class RetrofitDriver implements Driver {
    /** The program's API. */
    interface Api {
        @GET
        retrofit2.Call<ResponseBody> get(@Url String url, @Header("Authorization") String authorization);

        @POST
        retrofit2.Call<ResponseBody> post(@Url String url, @Header("Authorization") String authorization,
                @Body RequestBody body);

        @PUT
        retrofit2.Call<ResponseBody> put(@Url String url, @Header("Authorization") String authorization,
                @Body RequestBody body);
    }

    private final OkHttpClient client = new OkHttpClient();
    private final Api api = new Retrofit.Builder().baseUrl("http://127.0.0.1/").client(client).build().create(Api.class);

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown(); // its idle threads would keep the JVM up a minute
        client.connectionPool().evictAll();
    }

    @Override
    public Reply send(Call call) throws IOException {
        return reply(call(call).execute());
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        call(call).enqueue(new Callback<ResponseBody>() {
            @Override
            public void onResponse(retrofit2.Call<ResponseBody> c, Response<ResponseBody> response) {
                try {
                    reply.complete(reply(response));
                } catch (IOException e) {
                    reply.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(retrofit2.Call<ResponseBody> c, Throwable t) {
                reply.completeExceptionally(t);
            }
        });
        return reply;
    }

    private retrofit2.Call<ResponseBody> call(Call call) {
        String url = call.url.toString();
        if (call.body == null) {
            return api.get(url, Call.PLACEHOLDER);
        }
        RequestBody body = RequestBody.create(MediaType.parse(call.contentType), call.body);
        return "PUT".equals(call.method) ? api.put(url, Call.PLACEHOLDER, body) : api.post(url, Call.PLACEHOLDER, body);
    }

    private static Reply reply(Response<ResponseBody> response) throws IOException {
        try (ResponseBody body = response.isSuccessful() ? response.body() : response.errorBody()) {
            return new Reply(response.code(), body == null ? "" : body.string());
        }
    }
}
