package io.tokenguard.bench.startup;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The start-up program for OkHttp: one GET with a bearer token, then exit (1 on any status but 200). */
public final class OneCallOkHttp {
    private OneCallOkHttp() {}

    public static void main(String[] args) throws Exception {
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url(args[0]).header("Authorization", "Bearer " + args[1]).build();
        int status;
        try (Response response = client.newCall(request).execute()) {
            response.body().string();
            status = response.code();
        }
        if (status != 200) {
            System.err.println("status " + status);
            System.exit(1);
        }
        // OkHttp's pool keeps non-daemon threads for a while; a short program ends here, as a CLI would.
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
