package io.tokenguard.instrumentation.jdkhttp;

import io.tokenguard.bootstrap.JdkHttpClientBridge;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.instrumentation.BridgeCallPrologue;
import io.tokenguard.instrumentation.ClassInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * {@code java.net.http.HttpClient}: every client the JDK builds is a {@code HttpClientFacade}, whose
 * {@code send} and two public {@code sendAsync} methods are the whole surface. A one-call prologue hands
 * each call to {@link JdkHttpClientInterceptor} through the bootstrap bridge; a null answer runs the
 * original body.
 * Hooking the facade (not the implementation behind it) keeps the facade reachable during a retry: the
 * JDK shuts a client down once its facade is garbage. The client follows redirects inside the facade, so
 * {@link RedirectHeadersEpilogue} keeps the token header from following one out of {@code hosts}.
 */
public final class JdkHttpClientInstrumentation implements ClassInstrumentation {
    private static final String FACADE = "jdk/internal/net/http/HttpClientFacade";
    private static final String REQUEST = "Ljava/net/http/HttpRequest;";
    private static final String HANDLER = "Ljava/net/http/HttpResponse$BodyHandler;";
    private static final String PUSH_HANDLER = "Ljava/net/http/HttpResponse$PushPromiseHandler;";
    private static final String FUTURE = "Ljava/util/concurrent/CompletableFuture;";

    private final RequestGuard guard;

    public JdkHttpClientInstrumentation(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public String name() {
        return "jdk-http-client";
    }

    @Override
    public Set<String> targetClasses() {
        return Set.of(FACADE, RedirectHeadersEpilogue.REQUEST_IMPL);
    }

    @Override
    public void prepare(Instrumentation instrumentation) {
        // The facade's module must be allowed to read the bootstrap class path's unnamed module,
        // where the bridge lives; without this edge the inlined advice fails with IllegalAccessError.
        Module httpModule = ModuleLayer.boot().findModule("java.net.http").orElse(null);
        if (httpModule == null) {
            return;
        }
        instrumentation.redefineModule(httpModule, Set.of(JdkHttpClientBridge.class.getModule()),
                Map.of(), Map.of(), Set.of(), Map.of());
        JdkHttpClientBridge.install(new JdkHttpClientInterceptor(guard));
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        if (RedirectHeadersEpilogue.REQUEST_IMPL.equals(internalName)) {
            return RedirectHeadersEpilogue.transform(classfileBuffer);
        }
        return new BridgeCallPrologue()
                .hook("send", "(" + REQUEST + HANDLER + ")Ljava/net/http/HttpResponse;", JdkHttpClientBridge.class, "send")
                .hook("sendAsync", "(" + REQUEST + HANDLER + ")" + FUTURE, JdkHttpClientBridge.class, "sendAsync")
                .hook("sendAsync", "(" + REQUEST + HANDLER + PUSH_HANDLER + ")" + FUTURE, JdkHttpClientBridge.class,
                        "sendAsync")
                .transform(classfileBuffer, "java/net/http/HttpClient");
    }
}
