package io.tokenguard.instrumentation.apache4.helper;

import java.util.function.Function;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * The entry the agent calls from {@code HttpClientBuilder.decorateMainExec}: each client the builder
 * builds gets its main exec wrapped in a {@link TokenExecChain} of its own.
 */
public final class Apache4Guard implements Function<Object[], Object> {
    public Apache4Guard() {}

    /** {@code {key, builder, mainExec}}: answers the chain {@code decorateMainExec} returns instead. */
    @Override
    public Object apply(Object[] announced) {
        Object mainExec = announced[2];
        return mainExec instanceof ClientExecChain ? new TokenExecChain((ClientExecChain) mainExec) : null;
    }
}
