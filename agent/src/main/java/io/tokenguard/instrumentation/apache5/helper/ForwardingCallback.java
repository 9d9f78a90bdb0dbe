package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * Passes an async exchange's events on to the callback of the chain above. As the callback of the one
 * last retry it also reports the retry's status ({@code request.retried}).
 */
class ForwardingCallback implements AsyncExecCallback {
    final AsyncExecCallback program;
    /** The call whose retry this is, or null. */
    private final GuardedCall retried;

    ForwardingCallback(AsyncExecCallback program, GuardedCall retried) {
        this.program = program;
        this.retried = retried;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails details)
            throws HttpException, IOException {
        if (retried != null) {
            report(retried, response.getCode());
        }
        return program.handleResponse(response, details);
    }

    /** Reports a retry's answer that is not held back (its status is final: no blocking). */
    static void report(GuardedCall call, int status) {
        try {
            call.retried(status);
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(TokenSlot.LIBRARY, e);
        }
    }

    @Override
    public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
        program.handleInformationResponse(response);
    }

    @Override
    public void completed() {
        program.completed();
    }

    @Override
    public void failed(Exception cause) {
        program.failed(cause);
    }
}
