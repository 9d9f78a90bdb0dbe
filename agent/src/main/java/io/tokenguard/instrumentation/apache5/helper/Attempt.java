package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The callback of a guarded request's first attempt, and of its first retry. A 401 is held back from the
 * program ({@link HeldResponse} keeps its body) until the exchange is complete; then the agent is asked,
 * without blocking, whether to retry. Yes: the request goes down the chain once more, as {@code
 * AsyncProtocolExec} resends after an authentication challenge (producer reset, headers as before, from the
 * callback), and the program sees only the retry. No: the held 401 reaches the program as if it had just
 * arrived. A body producer that is not repeatable is never asked to produce twice. The answer to the first
 * retry is reported to {@link GuardedCall#retried}; the one to a second retry, by a {@link
 * ForwardingCallback}.
 */
final class Attempt extends ForwardingCallback {
    private final TokenSlot slot;
    private final GuardedCall call;
    private final HttpRequest request;
    private final AsyncEntityProducer producer;
    private final AsyncExecChain.Scope scope;
    private final AsyncExecChain chain;
    /** False for the first attempt, true for the first retry. */
    private final boolean retry;
    private volatile HeldResponse held;

    Attempt(TokenSlot slot, GuardedCall call, HttpRequest request, AsyncEntityProducer producer,
            AsyncExecChain.Scope scope, AsyncExecChain chain, AsyncExecCallback program, boolean retry) {
        super(program, null);
        this.retry = retry;
        this.slot = slot;
        this.call = call;
        this.request = request;
        this.producer = producer;
        this.scope = scope;
        this.chain = chain;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails details)
            throws HttpException, IOException {
        if (response.getCode() == 401 && slot.call() != null) {
            HeldResponse rejection = new HeldResponse(response, details, program);
            held = rejection;
            return rejection;
        }
        if (retry) {
            report(call, response.getCode());
        }
        return program.handleResponse(response, details);
    }

    @Override
    public void completed() {
        HeldResponse rejection = held;
        if (rejection == null || rejection.passedOn()) {
            program.completed();
            return;
        }
        CompletableFuture<Boolean> decision;
        try {
            decision = retry ? call.retriedAsync(401)
                    : call.retryAfterAsync(401, producer == null || producer.isRepeatable());
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(TokenSlot.LIBRARY, e);
            decision = CompletableFuture.completedFuture(false);
        }
        decision.whenComplete((retry, failure) -> {
            if (Boolean.TRUE.equals(retry)) {
                resend();
            } else {
                rejection.deliver();
            }
        });
    }

    private void resend() {
        try {
            if (producer != null) {
                producer.releaseResources(); // a repeatable producer starts over
            }
            slot.restoreHeaders();
            chain.proceed(request, producer, scope, retry ? new ForwardingCallback(program, call)
                    : new Attempt(slot, call, request, producer, scope, chain, program, true));
        } catch (HttpException | IOException | RuntimeException e) {
            program.failed(e);
        }
    }
}
