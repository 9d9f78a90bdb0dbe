package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The classic client's exec-chain handler, right after {@code PROTOCOL}: asks whether the request is
 * guarded (waiting, bounded, if the token is being refreshed), leaves the answer for {@link TokenHeader},
 * and on a 401 from the guarded host sends the request once more with the fresh token, through
 * {@code CONNECT} again (a 401 may have closed the connection). A request body that is not repeatable, or
 * was already consumed, is never sent twice.
 */
final class ClassicRetryHandler implements ExecChainHandler {
    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        TokenSlot slot;
        GuardedCall call;
        try {
            slot = TokenSlot.open(request);
            call = slot == null ? null : slot.begin();
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(TokenSlot.LIBRARY, e);
            return chain.proceed(request, scope);
        }
        if (call == null) {
            return chain.proceed(request, scope);
        }
        slot.attachTo(scope.clientContext);
        try {
            ClassicHttpResponse response = chain.proceed(request, scope);
            if (!shouldRetry(slot, request, response)) {
                return response;
            }
            ClassicHttpResponse retry = resend(slot, request, scope, chain, response);
            if (call.retried(retry.getCode())) { // a 401 that may be the first one's revocation
                retry = resend(slot, request, scope, chain, retry);
                call.retried(retry.getCode());
            }
            return retry;
        } finally {
            scope.clientContext.removeAttribute(TokenSlot.ATTRIBUTE);
        }
    }

    private static ClassicHttpResponse resend(TokenSlot slot, ClassicHttpRequest request, ExecChain.Scope scope,
            ExecChain chain, ClassicHttpResponse rejected) throws IOException, HttpException {
        try {
            EntityUtils.consume(rejected.getEntity()); // keeps the connection when it can be kept
        } finally {
            rejected.close();
        }
        slot.restoreHeaders();
        return chain.proceed(request, scope);
    }

    private static boolean shouldRetry(TokenSlot slot, ClassicHttpRequest request, ClassicHttpResponse response) {
        GuardedCall call = slot.call();
        if (response.getCode() != 401 || call == null) {
            return false;
        }
        try {
            // After the send the library's entity proxy answers for the body as it was sent.
            HttpEntity entity = request.getEntity();
            return call.retryAfter(401, entity == null || entity.isRepeatable());
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(TokenSlot.LIBRARY, e);
            return false;
        }
    }
}
