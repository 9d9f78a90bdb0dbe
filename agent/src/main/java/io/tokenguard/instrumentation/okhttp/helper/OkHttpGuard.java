package io.tokenguard.instrumentation.okhttp.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Defined by the agent in the class loader that holds OkHttp (so it may use only OkHttp, the JDK and
 * {@code io.tokenguard.bootstrap}). As an application interceptor it sees each call once, after the
 * program's own interceptors and before OkHttp's redirects: it puts the token on, and on a 401 from a
 * guarded host asks the agent for a fresh token and proceeds once more. A one-shot or duplex body is
 * never sent twice.
 */
public final class OkHttpGuard implements Interceptor, Function<Object[], Object> {
    private static final String LIBRARY = "okhttp";

    public OkHttpGuard() {}

    /** {@code {key, builder, null}}: moves this interceptor to the end of the builder's list. */
    @Override
    public Object apply(Object[] announced) {
        List<Interceptor> interceptors = ((OkHttpClient.Builder) announced[1]).interceptors();
        for (Iterator<Interceptor> it = interceptors.iterator(); it.hasNext(); ) {
            if (it.next() instanceof OkHttpGuard) {
                it.remove();
            }
        }
        interceptors.add(this);
        return null;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        GuardedCall call;
        try {
            call = begin(request);
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(LIBRARY, e);
            call = null;
        }
        if (call == null) {
            return chain.proceed(request);
        }
        Response response = chain.proceed(withToken(request, call));
        boolean retry;
        try {
            retry = response.code() == 401 && fromGuardedHost(response) && call.retryAfter(401, replayable(request));
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(LIBRARY, e);
            return response;
        }
        if (!retry) {
            return response;
        }
        response.close();
        Response second = chain.proceed(withToken(request, call));
        call.retried(second.code());
        return second;
    }

    private static GuardedCall begin(Request request) {
        String header = ClientHooks.headerName();
        if (header == null) {
            return null;
        }
        HttpUrl url = request.url();
        return ClientHooks.begin(LIBRARY, url.scheme(), url.host(), url.port(), request.method(),
                url.encodedPath(), request.header(header) != null);
    }

    private static Request withToken(Request request, GuardedCall call) {
        return request.newBuilder().header(call.headerName(), call.headerValue()).build();
    }

    /** After a redirect to another host, a 401 says nothing about the token. */
    private static boolean fromGuardedHost(Response response) {
        HttpUrl url = response.request().url();
        return ClientHooks.guards(url.scheme(), url.host(), url.port());
    }

    private static boolean replayable(Request request) {
        RequestBody body = request.body();
        return body == null || !(body.isOneShot() || body.isDuplex());
    }
}
