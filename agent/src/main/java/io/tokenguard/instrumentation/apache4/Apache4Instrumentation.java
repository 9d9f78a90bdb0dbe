package io.tokenguard.instrumentation.apache4;

import io.tokenguard.instrumentation.BridgeCallPrologue;
import io.tokenguard.instrumentation.LibraryInstrumentation;
import io.tokenguard.instrumentation.VersionProperties;
import java.util.List;
import java.util.Set;

/**
 * Apache HttpClient 4.5.x, clients made by {@code HttpClientBuilder} (so also {@code HttpClients.createDefault()}
 * and {@code createSystem()}). {@code build()} passes its {@code MainClientExec} through the protected hook
 * {@code decorateMainExec}, whose answer {@code ProtocolExec} then wraps; a prologue there lets the helper
 * {@code apache4.helper.TokenExecChain} wrap it instead. It so runs after the program's request
 * interceptors and default headers (which {@code ProtocolExec} applies), and may execute
 * {@code MainClientExec} a second time, as {@code RetryExec} does, each time on a connection of its own.
 *
 * <p>Not covered: the deprecated {@code DefaultHttpClient} family, whose {@code DefaultRequestDirector} runs
 * interceptors, send and authentication in one method with no one-argument seam to wrap (only the
 * twelve-argument {@code createClientRequestDirector}); {@code HttpClients.createMinimal()}; and builders
 * that override {@code decorateMainExec} without calling it (the caching client).
 */
public final class Apache4Instrumentation implements LibraryInstrumentation {
    static final String KEY = "apache4-main-exec";
    private static final String BUILDER = "org/apache/http/impl/client/HttpClientBuilder";
    private static final String DECORATE_MAIN_EXEC =
            "(Lorg/apache/http/impl/execchain/ClientExecChain;)Lorg/apache/http/impl/execchain/ClientExecChain;";
    private static final String HELPER = "io.tokenguard.instrumentation.apache4.helper.";

    @Override
    public String name() {
        return "apache-httpclient-4";
    }

    @Override
    public Set<String> targetClasses() {
        return Set.of(BUILDER);
    }

    @Override
    public Set<String> keys() {
        return Set.of(KEY);
    }

    @Override
    public String anchorClass() {
        return "org.apache.http.impl.client.HttpClientBuilder";
    }

    @Override
    public List<String> helperClasses() {
        // By name: the agent's own loader cannot see HttpClient, so it must never load these.
        return List.of(HELPER + "Apache4Guard", HELPER + "TokenExecChain");
    }

    @Override
    public String version(ClassLoader loader) {
        return VersionProperties.release(loader, "org/apache/http/client/version.properties");
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        byte[] transformed = new BridgeCallPrologue().replace("decorateMainExec", DECORATE_MAIN_EXEC, KEY)
                .transform(classfileBuffer, BUILDER);
        if (transformed == null) {
            throw new IllegalStateException("httpclient " + version(loader)
                    + ": org.apache.http.impl.client.HttpClientBuilder has no decorateMainExec(ClientExecChain)");
        }
        return transformed;
    }
}
