package io.tokenguard.instrumentation.apache5.helper;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.H2AsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The entry the agent calls when a program builds an HttpClient 5 client: adds the retry handler right
 * after {@code PROTOCOL} in the exec chain and the {@link TokenHeader} interceptor after the program's own
 * request interceptors. Both stay in the builder, so a builder is equipped once however often it builds.
 */
public final class Apache5Guard implements Function<Object[], Object> {
    /** The name the handler has in the exec chain. */
    static final String HANDLER_NAME = "tokenguard";

    /**
     * Builders already equipped, held weakly. A {@code WeakHashMap} compares with {@code equals}, which
     * none of the builders overrides: in effect a weak identity set.
     */
    private final Map<Object, Boolean> equipped = Collections.synchronizedMap(new WeakHashMap<>());

    public Apache5Guard() {}

    /** {@code {key, builder, null}}, key as in {@code Apache5Instrumentation}. */
    @Override
    public Object apply(Object[] announced) {
        String key = (String) announced[0];
        Object builder = announced[1];
        if (equipped.putIfAbsent(builder, Boolean.TRUE) != null) {
            return null;
        }
        String protocol = ChainElement.PROTOCOL.name();
        switch (key) {
            case "apache5-classic":
                ((HttpClientBuilder) builder).addRequestInterceptorLast(new TokenHeader())
                        .addExecInterceptorAfter(protocol, HANDLER_NAME, new ClassicRetryHandler());
                break;
            case "apache5-async":
                ((HttpAsyncClientBuilder) builder).addRequestInterceptorLast(new TokenHeader())
                        .addExecInterceptorAfter(protocol, HANDLER_NAME, new AsyncRetryHandler());
                break;
            case "apache5-h2":
                ((H2AsyncClientBuilder) builder).addRequestInterceptorLast(new TokenHeader())
                        .addExecInterceptorAfter(protocol, HANDLER_NAME, new AsyncRetryHandler());
                break;
            default:
                equipped.remove(builder);
        }
        return null;
    }
}
