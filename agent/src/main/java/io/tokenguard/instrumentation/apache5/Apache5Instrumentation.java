package io.tokenguard.instrumentation.apache5;

import io.tokenguard.instrumentation.BridgeCallPrologue;
import io.tokenguard.instrumentation.LibraryInstrumentation;
import io.tokenguard.instrumentation.VersionProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Apache HttpClient 5.2 and later, classic and async (HTTP/1.1 and HTTP/2). Each of the three builders,
 * {@code HttpClientBuilder}, {@code HttpAsyncClientBuilder} and {@code H2AsyncClientBuilder}, gets a
 * prologue in {@code build()} that announces the builder (so {@code HttpClients.createDefault()},
 * {@code HttpAsyncClients.createDefault()} and {@code custom()...build()} are all covered); the helper
 * {@code apache5.helper.Apache5Guard} then adds two things to it:
 * <ul>
 *   <li>an exec-chain handler right after {@code PROTOCOL}: below redirects and the library's own
 *       retries, above {@code CONNECT}, so that the one retry after a 401 can open a new connection;</li>
 *   <li>a request interceptor after the program's own: the library runs interceptors (and default
 *       headers) only in its last chain element, after {@code CONNECT}, so the header is set there, where
 *       the header the program's interceptors set is visible.</li>
 * </ul>
 * The minimal clients ({@code HttpClients.createMinimal()}, {@code HttpAsyncClients.createMinimal()}) have
 * no exec chain and are not covered.
 */
public final class Apache5Instrumentation implements LibraryInstrumentation {
    static final String CLASSIC = "apache5-classic";
    static final String ASYNC = "apache5-async";
    static final String H2 = "apache5-h2";

    private static final String IMPL = "org/apache/hc/client5/http/impl/";
    /** Builder class → its announce key and the descriptor of its {@code build()}. */
    private static final Map<String, String[]> BUILDERS = Map.of(
            IMPL + "classic/HttpClientBuilder",
            new String[] {CLASSIC, "()L" + IMPL + "classic/CloseableHttpClient;"},
            IMPL + "async/HttpAsyncClientBuilder",
            new String[] {ASYNC, "()L" + IMPL + "async/CloseableHttpAsyncClient;"},
            IMPL + "async/H2AsyncClientBuilder",
            new String[] {H2, "()L" + IMPL + "async/CloseableHttpAsyncClient;"});
    private static final String HELPER = "io.tokenguard.instrumentation.apache5.helper.";

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public Set<String> targetClasses() {
        return BUILDERS.keySet();
    }

    @Override
    public Set<String> keys() {
        return Set.of(CLASSIC, ASYNC, H2);
    }

    /** A small enum every builder uses: the same loader holds the builders and the chain. */
    @Override
    public String anchorClass() {
        return "org.apache.hc.client5.http.impl.ChainElement";
    }

    @Override
    public List<String> helperClasses() {
        // By name: the agent's own loader cannot see HttpClient, so it must never load these.
        return List.of(HELPER + "Apache5Guard", HELPER + "TokenSlot", HELPER + "TokenHeader",
                HELPER + "ClassicRetryHandler", HELPER + "AsyncRetryHandler", HELPER + "ForwardingCallback",
                HELPER + "Attempt", HELPER + "HeldResponse");
    }

    @Override
    public String version(ClassLoader loader) {
        return VersionProperties.release(loader, "org/apache/hc/client5/version.properties");
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        String[] builder = BUILDERS.get(internalName);
        byte[] transformed = builder == null ? null
                : new BridgeCallPrologue().announce("build", builder[1], builder[0], 0)
                        .transform(classfileBuffer, internalName);
        if (transformed == null) {
            throw new IllegalStateException("httpclient5 " + version(loader) + ": "
                    + internalName.replace('/', '.') + " has no build() returning the expected client type");
        }
        return transformed;
    }
}
