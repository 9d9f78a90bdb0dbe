package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The async clients' exec-chain handler (HTTP/1.1 and HTTP/2), right after {@code PROTOCOL}. Nothing here
 * blocks: the token comes as a future, and the chain goes on from whichever thread completes it (at once,
 * on the caller's thread, when the token is fresh). What a 401 leads to is {@link Attempt}'s part.
 */
final class AsyncRetryHandler implements AsyncExecChainHandler {
    @Override
    public void execute(HttpRequest request, AsyncEntityProducer producer, AsyncExecChain.Scope scope,
            AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
        TokenSlot slot;
        CompletableFuture<GuardedCall> begun;
        try {
            slot = TokenSlot.open(request);
            begun = slot == null ? null : slot.beginAsync();
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(TokenSlot.LIBRARY, e);
            slot = null;
            begun = null;
        }
        if (begun == null) {
            chain.proceed(request, producer, scope, callback);
            return;
        }
        TokenSlot opened = slot;
        begun.whenComplete((call, failure) -> {
            if (failure != null) {
                ClientHooks.failed(TokenSlot.LIBRARY, failure);
            }
            try {
                if (call == null || failure != null) {
                    chain.proceed(request, producer, scope, callback);
                } else {
                    opened.attachTo(scope.clientContext);
                    chain.proceed(request, producer, scope,
                            new Attempt(opened, call, request, producer, scope, chain, callback, false));
                }
            } catch (HttpException | IOException | RuntimeException e) {
                callback.failed(e);
            }
        });
    }
}
