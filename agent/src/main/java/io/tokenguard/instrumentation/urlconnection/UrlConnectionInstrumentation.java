package io.tokenguard.instrumentation.urlconnection;

import io.tokenguard.bootstrap.UrlConnectionBridge;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.instrumentation.BridgeCallPrologue;
import io.tokenguard.instrumentation.ClassInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * {@code HttpURLConnection} and {@code HttpsURLConnection}: every such connection the JDK makes comes from
 * {@code openConnection(URL, Proxy)} of its {@code http} or {@code https} {@code Handler}. A one-call prologue
 * there lets {@link UrlConnectionInterceptor} hand back a connection of its own for a guarded host; the JDK's
 * request and response code is not touched at all, because that connection drives real JDK connections.
 * Those follow redirects themselves and drop only {@code Authorization} on the way to another host: with a
 * custom token header, {@link RedirectHeaderDrop} makes them drop that one too.
 */
public final class UrlConnectionInstrumentation implements ClassInstrumentation {
    private static final String OPEN_CONNECTION = "(Ljava/net/URL;Ljava/net/Proxy;)Ljava/net/URLConnection;";
    private static final String HTTP_HANDLER = "sun/net/www/protocol/http/Handler";
    private static final String HTTPS_HANDLER = "sun/net/www/protocol/https/Handler";

    private final RequestGuard guard;

    public UrlConnectionInstrumentation(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public String name() {
        return GuardedExchange.NAME;
    }

    @Override
    public Set<String> targetClasses() {
        if ("Authorization".equalsIgnoreCase(guard.header())) {
            return Set.of(HTTP_HANDLER, HTTPS_HANDLER);
        }
        return Set.of(HTTP_HANDLER, HTTPS_HANDLER, RedirectHeaderDrop.CONNECTION);
    }

    @Override
    public void prepare(Instrumentation instrumentation) {
        // The handlers are in java.base, which reads no unnamed module unless told to; the bridge lives in
        // the boot loader's unnamed module. Without this edge the prologue fails with IllegalAccessError.
        instrumentation.redefineModule(Object.class.getModule(), Set.of(UrlConnectionBridge.class.getModule()),
                Map.of(), Map.of(), Set.of(), Map.of());
        UrlConnectionBridge.install(new UrlConnectionInterceptor(guard));
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        if (RedirectHeaderDrop.CONNECTION.equals(internalName)) {
            return RedirectHeaderDrop.transform(classfileBuffer);
        }
        return new BridgeCallPrologue()
                .hook("openConnection", OPEN_CONNECTION, UrlConnectionBridge.class, "openConnection")
                .transform(classfileBuffer, "java/net/URLStreamHandler");
    }
}
