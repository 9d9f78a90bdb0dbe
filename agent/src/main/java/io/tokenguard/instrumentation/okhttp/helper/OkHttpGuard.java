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
 *
 * <p>A second instance sits last among the network interceptors, which see every hop: OkHttp copies the
 * application's headers onto a redirect and drops only {@code Authorization} on the way to another host,
 * so there it drops a custom token header holding the agent's token when the hop leaves {@code hosts}.
 */
public final class OkHttpGuard implements Interceptor, Function<Object[], Object> {
    private static final String LIBRARY = "okhttp";

    /** True for the network interceptor, which only keeps the token from following a redirect. */
    private final boolean network;

    public OkHttpGuard() {
        this(false);
    }

    private OkHttpGuard(boolean network) {
        this.network = network;
    }

    /** {@code {key, builder, null}}: moves both interceptors to the end of the builder's lists. */
    @Override
    public Object apply(Object[] announced) {
        OkHttpClient.Builder builder = (OkHttpClient.Builder) announced[1];
        putLast(builder.interceptors(), this);
        putLast(builder.networkInterceptors(), new OkHttpGuard(true));
        return null;
    }

    private static void putLast(List<Interceptor> interceptors, OkHttpGuard guard) {
        for (Iterator<Interceptor> it = interceptors.iterator(); it.hasNext(); ) {
            if (it.next() instanceof OkHttpGuard) {
                it.remove();
            }
        }
        interceptors.add(guard);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        if (network) {
            return chain.proceed(withoutStrayToken(chain.request()));
        }
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
        Response again = chain.proceed(withToken(request, call));
        if (call.retried(again.code())) { // a second 401 that may be the first one's revocation
            again.close();
            again = chain.proceed(withToken(request, call));
            call.retried(again.code());
        }
        return again;
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

    /** The hop without the token header when it carries the agent's token to a host outside {@code hosts}. */
    private static Request withoutStrayToken(Request request) {
        try {
            String header = ClientHooks.headerName();
            String value = header == null ? null : request.header(header);
            HttpUrl url = request.url();
            if (value != null && ClientHooks.strayToken(url.scheme(), url.host(), url.port(), value)) {
                return request.newBuilder().removeHeader(header).build();
            }
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(LIBRARY, e);
        }
        return request;
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
